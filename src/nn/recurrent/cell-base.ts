/**
 * What the three recurrent cells share: PyTorch's four parameters with `gates · hiddenSize` rows,
 * their initialisation, and the input checks.
 * @module
 */
import { Tensor } from '../../autograd/tensor.js';
import { checkShapes } from '../../errors.js';
import { zerosND } from '../../ndarray/ndarray.js';
import type { Rng } from '../../ndarray/random.js';
import { linear } from '../../ops/primitive/linear.js';
import { expectInput, expectPositiveInt } from '../checks.js';
import { uniform } from '../init.js';
import { Module, type Parameter } from '../module.js';

/** Options of the recurrent cells. */
export interface CellOptions {
  /** Learn `bias_ih` and `bias_hh` (default true); when false those keys do not exist. */
  bias?: boolean;
  /** Generator for the initial weights. */
  rng?: Rng;
}

/**
 * Registers `weight_ih (gates·H, I)`, `weight_hh (gates·H, H)`, `bias_ih (gates·H)`,
 * `bias_hh (gates·H)`, all from U(−1/√H, 1/√H) as PyTorch.
 */
export abstract class RecurrentCell extends Module {
  /** `(gates · hiddenSize, inputSize)` */
  readonly weightIh: Parameter;
  /** `(gates · hiddenSize, hiddenSize)` */
  readonly weightHh: Parameter;
  /** `(gates · hiddenSize)`, or null without bias */
  readonly biasIh: Parameter | null;
  /** `(gates · hiddenSize)`, or null without bias */
  readonly biasHh: Parameter | null;
  /** I: the size of each input vector. */
  readonly inputSize: number;
  /** H: the size of the hidden state. */
  readonly hiddenSize: number;

  /**
   * @param name - the class name, for error messages
   * @param gates - 1 (RNN), 4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n)
   */
  protected constructor(
    name: string,
    inputSize: number,
    hiddenSize: number,
    gates: number,
    { bias = true, rng }: CellOptions,
  ) {
    super();
    this.inputSize = expectPositiveInt(name, 'inputSize', inputSize);
    this.hiddenSize = expectPositiveInt(name, 'hiddenSize', hiddenSize);
    const bound = 1 / Math.sqrt(hiddenSize);
    const rows = gates * hiddenSize;
    this.weightIh = this.registerParameter('weight_ih', uniform([rows, inputSize], bound, { rng }));
    this.weightHh = this.registerParameter(
      'weight_hh',
      uniform([rows, hiddenSize], bound, { rng }),
    );
    this.biasIh = bias ? this.registerParameter('bias_ih', uniform([rows], bound, { rng })) : null;
    this.biasHh = bias ? this.registerParameter('bias_hh', uniform([rows], bound, { rng })) : null;
  }

  /** Checks `x (B, I)` and any given state tensors `(B, H)`; returns B. */
  protected checkStep(
    where: string,
    x: Tensor,
    states: Record<string, Tensor | undefined>,
  ): number {
    const dtype = this.weightIh.dtype;
    expectInput(where, 'x', x, dtype);
    const specs: Parameters<typeof checkShapes>[1] = {
      x: [x, ['B', ['inputSize', this.inputSize]]],
    };
    for (const [name, state] of Object.entries(states)) {
      if (state === undefined) continue;
      specs[name] = [
        expectInput(where, name, state, dtype),
        ['B', ['hiddenSize', this.hiddenSize]],
      ];
    }
    return checkShapes(where, specs).B as number;
  }

  /**
   * @internal `x · W_ihᵀ + b_ih`: the input's contribution to every gate, `(..., gates·H)`. The
   * sequence layers call it once on a whole `(B, T, I)` sequence, one matmul instead of T.
   */
  projectInput(x: Tensor): Tensor {
    return linear(x, this.weightIh, this.biasIh);
  }

  /**
   * @internal One step from the projected input `(B, gates·H)` and the state (`[h]`, or `[h, c]`
   * for the LSTM, each `(B, H)`) to the next state. The cell's equations live here only; the
   * sequence layers reuse them.
   */
  abstract advance(projected: Tensor, state: readonly Tensor[]): Tensor[];

  /** How many tensors the state has: 1 (`h`), or 2 (`h`, `c`) for the LSTM. */
  abstract readonly stateSize: 1 | 2;

  /** `h · W_hhᵀ + b_hh`, `(B, gates·H)`. */
  protected hiddenPart(h: Tensor): Tensor {
    return linear(h, this.weightHh, this.biasHh);
  }

  /**
   * @internal A zero state `(B, H)` for a step called without one. Computing with it (rather than
   * skipping the hidden part) gives `weight_hh` a zero gradient, as PyTorch does, so optimizers
   * treat it the same way.
   */
  zeroState(batch: number): Tensor {
    return new Tensor(zerosND([batch, this.hiddenSize], this.weightIh.dtype));
  }
}
