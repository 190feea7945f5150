/**
 * Layer normalisation, fused. Promoted from the composite (mean, variance, sub, div; kept in the
 * tests as the oracle) because one pass per row in double precision is both faster and more
 * accurate in float32 than five recorded ops.
 * @module
 */
import { record } from '../../autograd/record.js';
import type { Tensor } from '../../autograd/tensor.js';
import { checkShapes, formatShape, ShapeError } from '../../errors.js';
import { layerNormBackward, layerNorm as layerNormKernel } from '../../ndarray/layer-norm.js';
import { sameShape, sizeOf } from '../../ndarray/shape.js';
import { expectSameDtype, expectTensor } from '../operands.js';

/**
 * Normalises `x` over its last `normalizedShape.length` axes to mean 0 and variance 1 (biased
 * variance, as PyTorch), then scales by `weight` and shifts by `bias` when given.
 *
 * @param x - `(..., *normalizedShape)`
 * @param normalizedShape - the trailing shape to normalise over, e.g. `[E]`
 * @param weight - `normalizedShape`, or null
 * @param bias - `normalizedShape`, or null
 * @param eps - added to the variance, default 1e-5
 * @returns the same shape as `x`
 * @throws {@link ShapeError} when the trailing axes of `x`, `weight` or `bias` differ from `normalizedShape`
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  expectTensor('layerNorm', 'x', x);
  const pattern = normalizedShape.map((s, i) => [`N${i}`, s] as const);
  const trailing = x.data.shape.slice(x.ndim - normalizedShape.length);
  if (x.ndim < normalizedShape.length || !sameShape(trailing, normalizedShape)) {
    throw new ShapeError(
      `layerNorm: x does not end in normalizedShape; expected (..., ${normalizedShape.join(', ')}), got ${formatShape(x.data.shape)}`,
    );
  }
  const params: Record<string, Tensor> = { x };
  if (weight) {
    checkShapes('layerNorm', { weight: [expectTensor('layerNorm', 'weight', weight), pattern] });
    params.weight = weight;
  }
  if (bias) {
    checkShapes('layerNorm', { bias: [expectTensor('layerNorm', 'bias', bias), pattern] });
    params.bias = bias;
  }
  expectSameDtype('layerNorm', params);
  if (!(eps >= 0)) throw new RangeError(`layerNorm: eps must be >= 0; got ${eps}`);
  const n = sizeOf(normalizedShape);
  const { output, saved } = layerNormKernel(
    x.data,
    n,
    weight?.data ?? null,
    bias?.data ?? null,
    eps,
  );
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record('layerNorm', inputs, output, (grad, needs) => {
    const grads = layerNormBackward(grad, x.data, n, weight?.data ?? null, saved, {
      x: needs[0] === true,
      weight: weight !== null && needs[1] === true,
      bias: bias !== null && needs[weight ? 2 : 1] === true,
    });
    return [grads.x, ...(weight ? [grads.weight] : []), ...(bias ? [grads.bias] : [])];
  });
}
