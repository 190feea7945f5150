/**
 * The long short-term memory cell.
 * @module
 */
import type { Tensor } from '../../autograd/tensor.js';
import { add, mul } from '../../ops/primitive/elementwise.js';
import { narrow } from '../../ops/primitive/movement.js';
import { sigmoid, tanh } from '../../ops/primitive/unary.js';
import { expectStatePair } from '../checks.js';
import { type CellOptions, RecurrentCell } from './cell-base.js';

/** Options of {@link LSTMCell}. */
export interface LSTMCellOptions extends CellOptions {
  /**
   * Start the forget gate's bias at this value instead of PyTorch's uniform draw (b_ih's forget
   * rows = forgetBias, b_hh's = 0). 1 (Jozefowicz et al., 2015; Keras's `unit_forget_bias`)
   * keeps the gate open at first, so the cell state carries gradients across long spans from the
   * start. Not a PyTorch option; the parameters stay PyTorch's.
   */
  forgetBias?: number;
}

/**
 * One step of an LSTM, as `torch.nn.LSTMCell`, with PyTorch's gate order i, f, g, o:
 * `i = σ(·), f = σ(·), g = tanh(·), o = σ(·)` of `x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh`, then
 * `c' = f ⊙ c + i ⊙ g` and `h' = o ⊙ tanh(c')`.
 *
 * Parameters: `weight_ih (4·hiddenSize, inputSize)`, `weight_hh (4·hiddenSize, hiddenSize)`,
 * `bias_ih (4·hiddenSize)`, `bias_hh (4·hiddenSize)`, rows in the order i, f, g, o.
 *
 * @example
 * ```ts
 * const cell = new LSTMCell(3, 5);
 * let state: [Tensor, Tensor] | undefined;
 * for (let t = 0; t < 4; t++) state = cell.forward(randn([2, 3]), state); // x: (B, I)
 * state?.[0].shape; // [2, 5]  h: (B, H)
 * state?.[1].shape; // [2, 5]  c: (B, H)
 * ```
 */
export class LSTMCell extends RecurrentCell {
  /**
   * @param inputSize - I, the size of each input vector
   * @param hiddenSize - H, the size of the hidden and cell states
   */
  constructor(inputSize: number, hiddenSize: number, options: LSTMCellOptions = {}) {
    const { forgetBias, ...cellOptions } = options;
    super('LSTMCell', inputSize, hiddenSize, 4, cellOptions);
    if (forgetBias !== undefined) {
      if (
        !this.biasIh ||
        !this.biasHh ||
        typeof forgetBias !== 'number' ||
        !Number.isFinite(forgetBias)
      ) {
        throw new TypeError(
          `LSTMCell: forgetBias must be a finite number and needs bias: true; got ${String(forgetBias)}${this.biasIh ? '' : ' with bias: false'}`,
        );
      }
      // Rows H … 2H − 1 are the forget gate (order i, f, g, o); the two biases add up to forgetBias.
      this.biasIh.data.data.fill(forgetBias, hiddenSize, 2 * hiddenSize);
      this.biasHh.data.data.fill(0, hiddenSize, 2 * hiddenSize);
    }
  }

  /**
   * @param x - `(B, inputSize)`
   * @param state - `[h, c]`, each `(B, hiddenSize)`; zeros when omitted
   * @returns `[h', c']`, each `(B, hiddenSize)`
   * @throws {@link ShapeError} if a shape disagrees
   */
  forward(x: Tensor, state?: readonly [Tensor, Tensor]): [Tensor, Tensor] {
    expectStatePair('LSTMCell.forward', state, '[h, c], two (B, hiddenSize) tensors');
    const batch = this.checkStep('LSTMCell.forward', x, { h: state?.[0], c: state?.[1] });
    const [h, c] = this.advance(
      this.projectInput(x),
      state ?? [this.zeroState(batch), this.zeroState(batch)],
    );
    return [h as Tensor, c as Tensor];
  }

  /** The state is `[h, c]`. */
  readonly stateSize = 2;

  /** @internal `[h', c']` from the projected input and `[h, c]`. */
  advance(projected: Tensor, [h, c]: readonly Tensor[]): Tensor[] {
    const H = this.hiddenSize;
    const gates = add(projected, this.hiddenPart(h as Tensor)); // (B, 4H)
    const inputGate = sigmoid(narrow(gates, 1, 0, H));
    const forgetGate = sigmoid(narrow(gates, 1, H, H));
    const candidate = tanh(narrow(gates, 1, 2 * H, H));
    const outputGate = sigmoid(narrow(gates, 1, 3 * H, H));
    const cell = add(mul(forgetGate, c as Tensor), mul(inputGate, candidate)); // (B, H)
    return [mul(outputGate, tanh(cell)), cell];
  }
}
