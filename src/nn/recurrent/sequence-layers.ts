/**
 * RNN, LSTM and GRU over whole batch-first sequences, as torch.nn.RNN / LSTM / GRU.
 * @module
 */
import type { Tensor } from '../../autograd/tensor.js';
import { expectStatePair } from '../checks.js';
import { GRUCell } from './gru-cell.js';
import { LSTMCell } from './lstm-cell.js';
import {
  type LSTMOutput,
  type RecurrentForwardOptions,
  RecurrentLayer,
  type RecurrentLayerOptions,
  type RecurrentOutput,
} from './recurrent-layer.js';
import { RNNCell } from './rnn-cell.js';

/** Options of {@link LSTM}. */
export interface LSTMOptions extends RecurrentLayerOptions {
  /** The starting forget-gate bias of every cell (see {@link LSTMCellOptions.forgetBias}). */
  forgetBias?: number;
}

/** Options of {@link RNN}. */
export interface RNNOptions extends RecurrentLayerOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * A multi-layer Elman RNN over whole sequences, as `torch.nn.RNN` with `batch_first=True`: each
 * layer is an {@link RNNCell} unrolled over time, optionally in both directions.
 *
 * Parameters, per layer k (and with `_reverse` for the backward direction):
 * `weight_ih_l{k} (H, I or D·H)`, `weight_hh_l{k} (H, H)`, `bias_ih_l{k} (H)`, `bias_hh_l{k} (H)`.
 *
 * @example
 * ```ts
 * const rnn = new RNN(4, 6, { numLayers: 2, bidirectional: true });
 * const { output, h } = rnn.forward(randn([3, 5, 4]));  // x: (B, T, I)
 * output.shape; // [3, 5, 12]  (B, T, D·H)
 * h.shape;      // [4, 3, 6]   (L·D, B, H)
 * ```
 */
export class RNN extends RecurrentLayer<RNNCell> {
  /**
   * @param inputSize - I
   * @param hiddenSize - H
   */
  constructor(
    inputSize: number,
    hiddenSize: number,
    { nonlinearity = 'tanh', ...options }: RNNOptions = {},
  ) {
    super(
      'RNN',
      inputSize,
      hiddenSize,
      options,
      (i, h, bias, rng) => new RNNCell(i, h, { bias, nonlinearity, ...(rng ? { rng } : {}) }),
    );
  }

  /**
   * @param x - `(B, T, I)`
   * @param h0 - `(L·D, B, H)` initial hidden states; zeros when omitted
   * @returns `output (B, T, D·H)` and `h (L·D, B, H)`
   * @throws {@link ShapeError} if a shape disagrees
   */
  forward(x: Tensor, h0?: Tensor, options: RecurrentForwardOptions = {}): RecurrentOutput {
    const { output, finals } = this.run(x, [h0], ['h0'], options);
    return { output, h: finals[0] as Tensor };
  }
}

/**
 * A multi-layer GRU over whole sequences, as `torch.nn.GRU` with `batch_first=True`; each layer
 * is a {@link GRUCell} unrolled over time. Parameters as {@link RNN} with `3·H` rows (r, z, n).
 *
 * @example
 * ```ts
 * const gru = new GRU(4, 6, { bidirectional: true });
 * gru.forward(randn([3, 5, 4]), undefined, { lengths: [5, 2, 4] }).h.shape; // [2, 3, 6]
 * ```
 */
export class GRU extends RecurrentLayer<GRUCell> {
  /**
   * @param inputSize - I
   * @param hiddenSize - H
   */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    super(
      'GRU',
      inputSize,
      hiddenSize,
      options,
      (i, h, bias, rng) => new GRUCell(i, h, { bias, ...(rng ? { rng } : {}) }),
    );
  }

  /**
   * @param x - `(B, T, I)`
   * @param h0 - `(L·D, B, H)`; zeros when omitted
   * @returns `output (B, T, D·H)` and `h (L·D, B, H)`
   */
  forward(x: Tensor, h0?: Tensor, options: RecurrentForwardOptions = {}): RecurrentOutput {
    const { output, finals } = this.run(x, [h0], ['h0'], options);
    return { output, h: finals[0] as Tensor };
  }
}

/**
 * A multi-layer LSTM over whole sequences, as `torch.nn.LSTM` with `batch_first=True`; each
 * layer is an {@link LSTMCell} unrolled over time. Parameters as {@link RNN} with `4·H` rows
 * (i, f, g, o).
 *
 * @example
 * ```ts
 * const lstm = new LSTM(4, 6, { numLayers: 2 });
 * const { output, h, c } = lstm.forward(randn([3, 5, 4]));
 * [output.shape, h.shape, c.shape]; // [[3, 5, 6], [2, 3, 6], [2, 3, 6]]
 * ```
 */
export class LSTM extends RecurrentLayer<LSTMCell> {
  /**
   * @param inputSize - I
   * @param hiddenSize - H
   */
  constructor(inputSize: number, hiddenSize: number, { forgetBias, ...options }: LSTMOptions = {}) {
    super(
      'LSTM',
      inputSize,
      hiddenSize,
      options,
      (i, h, bias, rng) =>
        new LSTMCell(i, h, {
          bias,
          ...(rng ? { rng } : {}),
          ...(forgetBias !== undefined ? { forgetBias } : {}),
        }),
    );
  }

  /**
   * @param x - `(B, T, I)`
   * @param state - `[h0, c0]`, each `(L·D, B, H)`; zeros when omitted
   * @returns `output (B, T, D·H)`, `h (L·D, B, H)` and `c (L·D, B, H)`
   */
  forward(
    x: Tensor,
    state?: readonly [Tensor, Tensor],
    options: RecurrentForwardOptions = {},
  ): LSTMOutput {
    expectStatePair('LSTM.forward', state, '[h0, c0], two (L·D, B, H) tensors');
    const { output, finals } = this.run(x, state ?? [undefined, undefined], ['h0', 'c0'], options);
    return { output, h: finals[0] as Tensor, c: finals[1] as Tensor };
  }
}
