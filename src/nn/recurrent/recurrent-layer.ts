/**
 * Whole-sequence recurrent layers (RNN, LSTM, GRU): a grid of cells, one per layer and direction,
 * unrolled over time. The cells' equations are reused, not copied.
 * @module
 */
import type { Tensor } from '../../autograd/tensor.js';
import { checkShapes, formatShape, ShapeError } from '../../errors.js';
import type { Rng } from '../../ndarray/random.js';
import { dropout as dropoutOp } from '../../ops/composite/dropout.js';
import { select, stack } from '../../ops/composite/shape.js';
import { tensor } from '../../ops/creation.js';
import { concat } from '../../ops/primitive/movement.js';
import { where } from '../../ops/primitive/where.js';
import { asCaller, expectDropout, expectInput, expectPositiveInt } from '../checks.js';
import { Module } from '../module.js';
import type { RecurrentCell } from './cell-base.js';

/** Options of {@link RNN}, {@link LSTM} and {@link GRU}, with PyTorch's defaults. */
export interface RecurrentLayerOptions {
  /** L: stacked layers, each reading the previous one's output. Default 1. */
  numLayers?: number;
  /** Also read each sequence backwards (D = 2) and concatenate both directions. Default false. */
  bidirectional?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode. Default 0. */
  dropout?: number;
  /** Learn the biases (default true). */
  bias?: boolean;
  /** Generator for the initial weights and dropout masks. */
  rng?: Rng;
}

/** Options of the layers' `forward`. */
export interface RecurrentForwardOptions {
  /**
   * The valid length of each sequence in a padded batch (as `pack_padded_sequence`): steps at or
   * after `lengths[b]` neither change sequence b's final state nor receive a gradient, and their
   * outputs are zeros. Any order; each in [1, T].
   */
  lengths?: readonly number[];
}

/** The result of {@link RNN} and {@link GRU}. */
export interface RecurrentOutput {
  /** `(B, T, D·H)`: the last layer's hidden state at every step, both directions concatenated. */
  output: Tensor;
  /** `(L·D, B, H)`: every layer's final hidden state, layer by layer, forward before reverse. */
  h: Tensor;
}

/** The result of {@link LSTM}: {@link RecurrentOutput} plus the final cell states. */
export interface LSTMOutput extends RecurrentOutput {
  /** `(L·D, B, H)`: every layer's final cell state. */
  c: Tensor;
}

/**
 * The shared machinery. Each cell's parameters are registered on the layer itself under
 * PyTorch's names (`weight_ih_l0`, …, `bias_hh_l1_reverse`), in PyTorch's order; the cells are
 * not child modules, so no `cells.0.` prefix appears in the state dict.
 */
export abstract class RecurrentLayer<Cell extends RecurrentCell> extends Module {
  /** I: the size of each input vector. */
  readonly inputSize: number;
  /** H: the size of each hidden state. */
  readonly hiddenSize: number;
  /** L: the number of stacked layers. */
  readonly numLayers: number;
  /** Whether each layer also runs backwards. */
  readonly bidirectional: boolean;
  /** Dropout between layers. */
  readonly dropout: number;
  /** `cells[layer][direction]`, direction 0 forward, 1 reverse. */
  readonly #cells: Cell[][];
  readonly #rng: Rng | undefined;
  readonly #name: string;

  protected constructor(
    name: string,
    inputSize: number,
    hiddenSize: number,
    options: RecurrentLayerOptions,
    makeCell: (inputSize: number, hiddenSize: number, bias: boolean, rng: Rng | undefined) => Cell,
  ) {
    super();
    const { numLayers = 1, bidirectional = false, dropout = 0, bias = true, rng } = options;
    this.#name = name;
    this.inputSize = expectPositiveInt(name, 'inputSize', inputSize);
    this.hiddenSize = expectPositiveInt(name, 'hiddenSize', hiddenSize);
    this.numLayers = expectPositiveInt(name, 'numLayers', numLayers);
    this.bidirectional = bidirectional === true;
    this.dropout = expectDropout(name, dropout);
    this.#rng = rng;
    const directions = this.bidirectional ? 2 : 1;
    this.#cells = Array.from({ length: numLayers }, (_, layer) =>
      Array.from({ length: directions }, (_, direction) => {
        // A cell's option error (`LSTMCell: forgetBias …`) names the layer the user built.
        const cell = asCaller(
          name,
          () => makeCell(layer === 0 ? inputSize : directions * hiddenSize, hiddenSize, bias, rng),
          /^\w+Cell: /,
        );
        const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${suffix}`, cell.weightIh);
        this.registerParameter(`weight_hh${suffix}`, cell.weightHh);
        if (cell.biasIh) this.registerParameter(`bias_ih${suffix}`, cell.biasIh);
        if (cell.biasHh) this.registerParameter(`bias_hh${suffix}`, cell.biasHh);
        return cell;
      }),
    );
  }

  /** Checks and splits the initial state tensors (`[L·D, B, H]` each) per layer and direction. */
  #initialStates(
    x: Tensor,
    given: readonly (Tensor | undefined)[],
    names: readonly string[],
  ): Tensor[][][] {
    const where = `${this.#name}.forward`;
    const dtype = this.dtype;
    const directions = this.bidirectional ? 2 : 1;
    const specs: Parameters<typeof checkShapes>[1] = {
      x: [expectInput(where, 'x', x, dtype), ['B', 'T', ['I', this.inputSize]]],
    };
    given.forEach((state, k) => {
      if (state !== undefined) {
        specs[names[k] as string] = [
          expectInput(where, names[k] as string, state, dtype),
          [['L·D', this.numLayers * directions], 'B', ['H', this.hiddenSize]],
        ];
      }
    });
    const B = checkShapes(where, specs).B as number;
    const cell = (this.#cells[0] as Cell[])[0] as Cell;
    return this.#cells.map((row, layer) =>
      row.map((_, direction) =>
        Array.from({ length: cell.stateSize }, (_, k) => {
          const state = given[k];
          return state ? select(state, 0, layer * directions + direction) : cell.zeroState(B);
        }),
      ),
    );
  }

  /** `(B, 1)` masks of the steps that are valid for each sequence, or null without lengths. */
  #validSteps(lengths: readonly number[] | undefined, B: number, T: number): Tensor[] | null {
    if (lengths === undefined) return null;
    const where = `${this.#name}.forward`;
    if (!Array.isArray(lengths) || lengths.length !== B) {
      throw new ShapeError(
        `${where}: lengths must have one entry per sequence; expected (B=${B}), got ${Array.isArray(lengths) ? formatShape([lengths.length]) : typeof lengths}`,
      );
    }
    lengths.forEach((n, b) => {
      if (!Number.isInteger(n) || n < 1 || n > T) {
        throw new RangeError(`${where}: lengths[${b}] must be an integer in [1, T=${T}]; got ${n}`);
      }
    });
    if (lengths.every((n) => n === T)) return null;
    return Array.from({ length: T }, (_, t) =>
      tensor(
        lengths.map((n) => [t < n ? 1 : 0]),
        { dtype: this.dtype },
      ),
    );
  }

  /**
   * @internal Runs every layer over the sequence. Returns the last layer's outputs `(B, T, D·H)` and the
   * final states, `finals[k]` being `(L·D, B, H)` for state tensor k (h, then c).
   */
  protected run(
    x: Tensor,
    given: readonly (Tensor | undefined)[],
    names: readonly string[],
    options: RecurrentForwardOptions,
  ): { output: Tensor; finals: Tensor[] } {
    const initial = this.#initialStates(x, given, names);
    const [B, T] = x.data.shape as [number, number];
    const valid = this.#validSteps(options.lengths, B, T);
    const finals: Tensor[][] = [];
    let input = x; // (B, T, in)
    this.#cells.forEach((row, layer) => {
      const outputs = row.map((cell, direction) => {
        const projected = cell.projectInput(input); // (B, T, gates·H): one matmul for all steps
        let state = (initial[layer] as Tensor[][])[direction] as Tensor[];
        const steps: Tensor[] = new Array(T);
        for (let i = 0; i < T; i++) {
          const t = direction === 0 ? i : T - 1 - i;
          const next = cell.advance(select(projected, 1, t), state);
          const mask = valid?.[t];
          // A padded step keeps the previous state (so the final state is the last valid one)
          // and outputs zeros; `where` sends it no gradient.
          state = mask ? next.map((s, k) => where(mask, s, state[k] as Tensor)) : next;
          steps[t] = mask ? where(mask, next[0] as Tensor, 0) : (next[0] as Tensor);
        }
        finals.push(state);
        return stack(steps, 1); // (B, T, H)
      });
      const joined = outputs.length === 1 ? (outputs[0] as Tensor) : concat(outputs, 2); // (B, T, D·H)
      const last = layer === this.numLayers - 1;
      input = last ? joined : dropoutOp(joined, this.dropout, this.training, this.#rng);
    });
    const stateSize = finals[0]?.length ?? 1;
    return {
      output: input,
      finals: Array.from({ length: stateSize }, (_, k) =>
        stack(
          finals.map((s) => s[k] as Tensor),
          0,
        ),
      ),
    };
  }
}
