/**
 * The dropout module.
 * @module
 */
import type { Tensor } from '../autograd/tensor.js';
import type { Rng } from '../ndarray/random.js';
import { dropout } from '../ops/composite/dropout.js';
import { expectTensor } from '../ops/operands.js';
import { show } from './checks.js';
import { Module } from './module.js';

/**
 * Inverted dropout in training mode, the identity in evaluation mode (see {@link dropout}).
 * No parameters.
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
