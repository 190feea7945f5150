/**
 * What the three recurrent cells share: PyTorch's four parameters with `gates · hiddenSize` rows,
 * their initialisation, and the input checks.
 * @module
 */
import { Tensor } from '../../autograd/tensor.js';
import { checkShapes } from '../../errors.js';
import { zerosND } from '../../ndarray/ndarray.js';
import type { Rng } from '../../ndarray/random.js';
import { linear } from '../../ops/composite/linear.js';
import { add } from '../../ops/primitive/elementwise.js';
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
   * `x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh`: every gate's pre-activation, `(B, gates·H)`. Used by
   * the RNN and LSTM cells; the GRU needs the two parts apart.
   */
  protected gates(x: Tensor, h: Tensor): Tensor {
    return add(this.inputPart(x), this.hiddenPart(h));
  }

  /** `x · W_ihᵀ + b_ih`, `(B, gates·H)`. */
  protected inputPart(x: Tensor): Tensor {
    return linear(x, this.weightIh, this.biasIh);
  }

  /** `h · W_hhᵀ + b_hh`, `(B, gates·H)`. */
  protected hiddenPart(h: Tensor): Tensor {
    return linear(h, this.weightHh, this.biasHh);
  }

  /**
   * A zero state `(B, H)` for a step called without one. Computing with it (rather than skipping
   * the hidden part) gives `weight_hh` a zero gradient, as PyTorch does, so optimizers treat it
   * the same way.
   */
  protected zeroState(batch: number): Tensor {
    return new Tensor(zerosND([batch, this.hiddenSize], this.weightIh.dtype));
  }
}
