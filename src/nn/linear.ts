/**
 * The fully connected layer.
 * @module
 */
import type { Tensor } from '../autograd/tensor.js';
import { checkShapes } from '../errors.js';
import type { Rng } from '../ndarray/random.js';
import { linear } from '../ops/primitive/linear.js';
import { expectInput, expectPositiveInt } from './checks.js';
import { uniform } from './init.js';
import { Module, type Parameter } from './module.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Learn an additive bias (default true); when false no `bias` key exists, as in PyTorch. */
  bias?: boolean;
  /** Generator for the initial weights. */
  rng?: Rng;
}

/**
 * `y = x · weightᵀ + bias`, as `torch.nn.Linear`.
 *
 * Parameters: `weight (outFeatures, inFeatures)`, `bias (outFeatures)`, both initialised from
 * U(−1/√inFeatures, 1/√inFeatures) as in PyTorch.
 *
 * @example
 * ```ts
 * const layer = new Linear(3, 5);
 * layer.forward(randn([2, 4, 3])).shape; // [2, 4, 5]
 * ```
 */
export class Linear extends Module {
  /** `(outFeatures, inFeatures)` */
  readonly weight: Parameter;
  /** `(outFeatures)`, or null without bias */
  readonly bias: Parameter | null;
  /** Size of each input's last axis. */
  readonly inFeatures: number;
  /** Size of each output's last axis. */
  readonly outFeatures: number;

  /**
   * @param inFeatures - size of the input's last axis
   * @param outFeatures - size of the output's last axis
   */
  constructor(inFeatures: number, outFeatures: number, { bias = true, rng }: LinearOptions = {}) {
    super();
    this.inFeatures = expectPositiveInt('Linear', 'inFeatures', inFeatures);
    this.outFeatures = expectPositiveInt('Linear', 'outFeatures', outFeatures);
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter(
      'weight',
      uniform([outFeatures, inFeatures], bound, { rng }),
    );
    this.bias = bias
      ? this.registerParameter('bias', uniform([outFeatures], bound, { rng }))
      : null;
  }

  /**
   * @param x - `(..., inFeatures)`
   * @returns `(..., outFeatures)`
   * @throws {@link ShapeError} if the last axis of `x` is not `inFeatures`
   */
  forward(x: Tensor): Tensor {
    expectInput('Linear.forward', 'x', x, this.weight.dtype);
    checkShapes('Linear.forward', { x: [x, ['...', ['inFeatures', this.inFeatures]]] });
    return linear(x, this.weight, this.bias);
  }
}
