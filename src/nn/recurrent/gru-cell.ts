/**
 * The gated recurrent unit cell.
 * @module
 */
import type { Tensor } from '../../autograd/tensor.js';
import { add, mul, sub } from '../../ops/primitive/elementwise.js';
import { narrow } from '../../ops/primitive/movement.js';
import { sigmoid, tanh } from '../../ops/primitive/unary.js';
import { type CellOptions, RecurrentCell } from './cell-base.js';

/**
 * One step of a GRU, as `torch.nn.GRUCell`, with PyTorch's gate order r, z, n:
 * `r = σ(x_r + h_r)`, `z = σ(x_z + h_z)`, `n = tanh(x_n + r ⊙ h_n)`, `h' = (1 − z) ⊙ n + z ⊙ h`,
 * where `x_· = x · W_iᵀ + b_i` and `h_· = h · W_hᵀ + b_h` per gate. Note that `b_hn` sits inside
 * `r ⊙ …`, as in PyTorch.
 *
 * Parameters: `weight_ih (3·hiddenSize, inputSize)`, `weight_hh (3·hiddenSize, hiddenSize)`,
 * `bias_ih (3·hiddenSize)`, `bias_hh (3·hiddenSize)`, rows in the order r, z, n.
 *
 * @example
 * ```ts
 * const cell = new GRUCell(3, 5);
 * const h1 = cell.forward(randn([2, 3]));      // (B, 5), starting from zeros
 * const h2 = cell.forward(randn([2, 3]), h1);
 * ```
 */
export class GRUCell extends RecurrentCell {
  /**
   * @param inputSize - I, the size of each input vector
   * @param hiddenSize - H, the size of the hidden state
   */
  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super('GRUCell', inputSize, hiddenSize, 3, options);
  }

  /**
   * @param x - `(B, inputSize)`
   * @param h - `(B, hiddenSize)`; zeros when omitted
   * @returns h' `(B, hiddenSize)`
   * @throws {@link ShapeError} if a shape disagrees
   */
  forward(x: Tensor, h?: Tensor): Tensor {
    const batch = this.checkStep('GRUCell.forward', x, { h });
    return this.advance(this.projectInput(x), [h ?? this.zeroState(batch)])[0] as Tensor;
  }

  /** The state is `[h]`. */
  readonly stateSize = 1;

  /** @internal `[h']` from the projected input `(B, 3H)` and `[h]`. */
  advance(fromInput: Tensor, [h]: readonly Tensor[]): Tensor[] {
    const H = this.hiddenSize;
    const state = h as Tensor;
    const fromHidden = this.hiddenPart(state); // (B, 3H)
    const part = (t: Tensor, k: number) => narrow(t, 1, k * H, H); // gate k's (B, H) slice
    const reset = sigmoid(add(part(fromInput, 0), part(fromHidden, 0)));
    const update = sigmoid(add(part(fromInput, 1), part(fromHidden, 1)));
    const candidate = tanh(add(part(fromInput, 2), mul(reset, part(fromHidden, 2))));
    // h' = (1 − z) ⊙ n + z ⊙ h, written as n + z ⊙ (h − n) to save an op.
    return [add(candidate, mul(update, sub(state, candidate)))];
  }
}
