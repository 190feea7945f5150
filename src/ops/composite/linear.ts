/**
 * The affine map of a fully connected layer.
 * @module
 */
import type { Tensor } from '../../autograd/tensor.js';
import { add } from '../primitive/elementwise.js';
import { matmul } from '../primitive/matmul.js';
import { transpose } from './shape.js';

/**
 * `x · weightᵀ + bias`, as `torch.nn.functional.linear`. The transpose is a view the matmul kernel
 * reads directly, so the weight is never copied.
 *
 * @param x - `(..., in)`
 * @param weight - `(out, in)`
 * @param bias - `(out)` or null
 * @returns `(..., out)`
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const product = matmul(x, transpose(weight, 0, 1));
  return bias ? add(product, bias) : product;
}
