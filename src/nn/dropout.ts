/**
 * The dropout module.
 * @module
 */

import type { Tensor } from '../autograd/tensor.js';
import { show } from '../errors.js';
import type { Rng } from '../ndarray/random.js';
import { dropout } from '../ops/composite/dropout.js';
import { expectTensor } from '../ops/operands.js';
import { Module } from './module.js';

/**
 * Inverted dropout in training mode, the identity in evaluation mode (see {@link dropout}).
 * No parameters.
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.5, { rng: seedrandom('d') });
 * const x = ones([2, 1000]);
 * const kept = drop.forward(x).toArray().flat().filter((v) => v !== 0);
 * Math.abs(kept.length / 2000 - 0.5) < 0.05; // true: about half are zeroed
 * kept[0];                                   // 2: the rest are scaled by 1 / (1 − p)
 * drop.eval().forward(x) === x;              // true: the identity in evaluation mode
 * ```
 */
export class Dropout extends Module {
  /** The probability of zeroing an element. */
  readonly p: number;
  readonly #rng: Rng | undefined;

  /**
   * @param p - probability of zeroing each element, in [0, 1]
   * @param options - `rng`: the generator for the masks (the default generator when omitted)
   */
  constructor(p = 0.5, options: { rng?: Rng } = {}) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`Dropout: p must be a probability in [0, 1]; got ${show(p)}`);
    }
    this.p = p;
    this.#rng = options.rng;
  }

  /**
   * @param x - any shape
   * @returns the same shape: `x` itself in evaluation mode
   */
  forward(x: Tensor): Tensor {
    expectTensor('Dropout.forward', 'x', x);
    return dropout(x, this.p, this.training, this.#rng);
  }
}
