/**
 * The affine map of a fully connected layer, fused. Promoted from the composite
 * `matmul(x, transpose(w)) + b` (kept in the tests as the oracle) because it is the most frequent
 * op of every model: fusing saves the bias-add pass and its broadcast gradient, and computes the
 * weight gradient as one product over all rows.
 * @module
 */
import { record } from '../../autograd/record.js';
import type { Tensor } from '../../autograd/tensor.js';
import { formatShape, ShapeError } from '../../errors.js';
import { addRowsInPlace } from '../../ndarray/elementwise.js';
import { matmul as gemm } from '../../ndarray/matmul.js';
import { permute, reshape } from '../../ndarray/movement.js';
import { sumAxis } from '../../ndarray/reduce.js';
import { expectSameDtype, expectTensor } from '../operands.js';

/**
 * `x · weightᵀ + bias`, as `torch.nn.functional.linear`. The transposed weight is a view the
 * matmul kernel reads directly, so the weight is never copied.
 *
 * @param x - `(..., in)`
 * @param weight - `(out, in)`
 * @param bias - `(out)` or null
 * @returns `(..., out)`
 * @throws {@link ShapeError} when the sizes disagree
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  expectTensor('linear', 'x', x);
  expectTensor('linear', 'weight', weight);
  if (bias !== null) expectTensor('linear', 'bias', bias);
  expectSameDtype('linear', bias ? { x, weight, bias } : { x, weight });
  const [outFeatures, inFeatures] = weight.data.shape as [number, number];
  const shape = x.data.shape;
  if (
    weight.ndim !== 2 ||
    x.ndim === 0 ||
    shape[shape.length - 1] !== inFeatures ||
    (bias && (bias.ndim !== 1 || bias.size !== outFeatures))
  ) {
    throw new ShapeError(
      `linear: shapes do not fit; expected x (..., in), weight (out, in), bias (out), got x ${formatShape(shape)}, weight ${formatShape(weight.data.shape)}${bias ? `, bias ${formatShape(bias.data.shape)}` : ''}`,
    );
  }
  const rows = x.size / inFeatures;
  const x2 = reshape(x.data, [rows, inFeatures]); // (N, in), a view when x is contiguous
  const w = weight.data;
  const y = gemm(x2, permute(w, [1, 0])); // (N, out)
  if (bias) addRowsInPlace(y, bias.data);
  const outShape = [...shape.slice(0, -1), outFeatures];
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record('linear', inputs, reshape(y, outShape), (grad, needs) => {
    const g = reshape(grad, [rows, outFeatures]); // (N, out)
    return [
      needs[0] ? reshape(gemm(g, w), shape) : null, // ∂/∂x = G · W
      needs[1] ? gemm(permute(g, [1, 0]), x2) : null, // ∂/∂W = Gᵀ · X, one product over all rows
      ...(bias ? [needs[2] ? sumAxis(g, 0, false) : null] : []), // ∂/∂b = Σ_rows G
    ];
  });
}
