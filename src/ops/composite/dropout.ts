/**
 * Inverted dropout from a seeded mask.
 * @module
 */
import { Tensor } from '../../autograd/tensor.js';
import { keepMask, type Rng, resolveRng } from '../../ndarray/random.js';
import { expectTensor } from '../operands.js';
import { mul } from '../primitive/elementwise.js';

/**
 * Zeroes each element with probability `p` and scales the rest by `1 / (1 − p)` when `training`,
 * so the expected value is unchanged and evaluation needs no rescaling; returns `x` itself when
 * not training or `p` is 0.
 *
 * @param rng - the generator for the mask; the default generator (see {@link manualSeed}) when omitted
 * @throws RangeError unless `p` is in [0, 1]
 */
export function dropout(x: Tensor, p: number, training: boolean, rng?: Rng): Tensor {
  expectTensor('dropout', 'x', x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new RangeError(`dropout: p must be a probability in [0, 1]; got ${String(p)}`);
  }
  if (!training || p === 0) return x;
  const mask = keepMask(x.data.shape, x.dtype, resolveRng(rng), 1 - p);
  return mul(x, new Tensor(mask));
}
