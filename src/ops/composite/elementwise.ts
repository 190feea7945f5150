/**
 * Elementwise helpers built from primitives.
 * @module
 */
import type { Tensor } from '../../autograd/tensor.js';
import { expectTensor } from '../operands.js';
import { pow } from '../primitive/unary.js';
import { type MaskLike, toMask, where } from '../primitive/where.js';

/** The square root, `x ** 0.5`. */
export function sqrt(x: Tensor): Tensor {
  return pow(x, 0.5);
}

/**
 * `value` where `mask` is true, `x` elsewhere; `mask` broadcasts against `x`. No gradient flows
 * to the filled positions.
 *
 * @param mask - nested booleans or a Tensor (non-zero = true), broadcastable to `x`
 * @example
 * ```ts
 * const scores = randn([3, 3]);
 * const future = [[false, true, true], [false, false, true], [false, false, false]];
 * const weights = scores.maskedFill(future, -Infinity).softmax(-1); // row t ignores positions > t
 * weights.toArray()[0]; // [1, 0, 0]
 * ```
 */
export function maskedFill(x: Tensor, mask: MaskLike, value: number): Tensor {
  expectTensor('maskedFill', 'x', x);
  if (typeof value !== 'number') {
    throw new TypeError(`maskedFill: value must be a number; got ${typeof value}`);
  }
  return where(toMask('maskedFill', mask, x), value, x);
}
