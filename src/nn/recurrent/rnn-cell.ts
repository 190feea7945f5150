/**
 * The Elman recurrent cell.
 * @module
 */

import type { Tensor } from '../../autograd/tensor.js';
import { show } from '../../errors.js';
import { add } from '../../ops/primitive/elementwise.js';
import { relu, tanh } from '../../ops/primitive/unary.js';
import { type CellOptions, RecurrentCell } from './cell-base.js';

/** Options of {@link RNNCell}. */
export interface RNNCellOptions extends CellOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * One step of an Elman RNN, as `torch.nn.RNNCell`:
 * `h' = act(x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh)`.
 *
 * Parameters: `weight_ih (hiddenSize, inputSize)`, `weight_hh (hiddenSize, hiddenSize)`,
 * `bias_ih (hiddenSize)`, `bias_hh (hiddenSize)`. The same parameters serve every time step:
 * unroll by calling `forward` in a loop and sum the per-step losses to train by
 * backpropagation through time.
 *
 * @example
 * ```ts
 * const cell = new RNNCell(3, 5);
 * const steps = [randn([2, 3]), randn([2, 3]), randn([2, 3])]; // T = 3 inputs, each (B, I)
 * let h: Tensor | undefined;
 * let loss = zeros([]);
 * for (const x of steps) {
 *   h = cell.forward(x, h);             // (B, H), the same weights at every step
 *   loss = loss.add(h.pow(2).mean());   // total loss = sum of the per-step losses
 * }
 * loss.backward();                      // backpropagation through time
 * cell.weightHh.grad?.shape;            // [5, 5]
 * ```
 */
export class RNNCell extends RecurrentCell {
  /** The activation. */
  readonly nonlinearity: 'tanh' | 'relu';

  /**
   * @param inputSize - I, the size of each input vector
   * @param hiddenSize - H, the size of the hidden state
   */
  constructor(
    inputSize: number,
    hiddenSize: number,
    { nonlinearity = 'tanh', ...options }: RNNCellOptions = {},
  ) {
    super('RNNCell', inputSize, hiddenSize, 1, options);
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new TypeError(
        `RNNCell: nonlinearity must be 'tanh' or 'relu'; got ${show(nonlinearity)}`,
      );
    }
    this.nonlinearity = nonlinearity;
  }

  /**
   * @param x - `(B, inputSize)`
   * @param h - `(B, hiddenSize)`; zeros when omitted
   * @returns h' `(B, hiddenSize)`
   * @throws {@link ShapeError} if a shape disagrees
   */
  forward(x: Tensor, h?: Tensor): Tensor {
    const batch = this.checkStep('RNNCell.forward', x, { h });
    return this.advance(this.projectInput(x), [h ?? this.zeroState(batch)])[0] as Tensor;
  }

  /** The state is `[h]`. */
  readonly stateSize = 1;

  /** @internal `[act(projected + h · W_hhᵀ + b_hh)]`. */
  advance(projected: Tensor, [h]: readonly Tensor[]): Tensor[] {
    const preactivation = add(projected, this.hiddenPart(h as Tensor)); // (B, H)
    return [this.nonlinearity === 'tanh' ? tanh(preactivation) : relu(preactivation)];
  }
}
