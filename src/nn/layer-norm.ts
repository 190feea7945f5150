/**
 * The layer normalisation module.
 * @module
 */

import type { Tensor } from '../autograd/tensor.js';
import { formatShape, ShapeError } from '../errors.js';
import { sameShape } from '../ndarray/shape.js';
import { layerNorm } from '../ops/primitive/layer-norm.js';
import { expectInput, expectPositiveInt } from './checks.js';
import { constant } from './init.js';
import { Module, type Parameter } from './module.js';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance for stability. Default 1e-5. */
  eps?: number;
  /** Learn `weight` (init 1) and `bias` (init 0). Default true; when false there are no keys. */
  elementwiseAffine?: boolean;
}

/**
 * Normalises over the trailing `normalizedShape` axes to mean 0 and variance 1 (biased, as
 * PyTorch), then applies `weight` and `bias`, as `torch.nn.LayerNorm`.
 *
 * Parameters: `weight (normalizedShape)`, `bias (normalizedShape)`.
 *
 * @example
 * ```ts
 * new LayerNorm(12).forward(randn([2, 3, 12])).shape; // [2, 3, 12]
 * ```
 */
export class LayerNorm extends Module {
  /** `normalizedShape`, or null without affine parameters. */
  readonly weight: Parameter | null;
  /** `normalizedShape`, or null without affine parameters. */
  readonly bias: Parameter | null;
  /** The trailing shape normalised over. */
  readonly normalizedShape: readonly number[];
  /** Added to the variance. */
  readonly eps: number;

  /** @param normalizedShape - the trailing size (e.g. `E`) or sizes to normalise over */
  constructor(
    normalizedShape: number | readonly number[],
    { eps = 1e-5, elementwiseAffine = true }: LayerNormOptions = {},
  ) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    shape.forEach((s, i) => {
      expectPositiveInt('LayerNorm', `normalizedShape[${i}]`, s);
    });
    if (!(eps >= 0)) throw new RangeError(`LayerNorm: eps must be >= 0; got ${eps}`);
    this.normalizedShape = shape;
    this.eps = eps;
    this.weight = elementwiseAffine ? this.registerParameter('weight', constant(shape, 1)) : null;
    this.bias = elementwiseAffine ? this.registerParameter('bias', constant(shape, 0)) : null;
  }

  /**
   * @param x - `(..., *normalizedShape)`
   * @returns the same shape
   * @throws {@link ShapeError} if `x` does not end in `normalizedShape`
   */
  forward(x: Tensor): Tensor {
    expectInput(
      'LayerNorm.forward',
      'x',
      x,
      this.weight?.dtype ?? (x as Tensor | undefined)?.dtype ?? 'float32',
    );
    const n = this.normalizedShape.length;
    const trailing = x.data.shape.slice(x.ndim - n);
    if (x.ndim < n || !sameShape(trailing, this.normalizedShape)) {
      throw new ShapeError(
        `LayerNorm.forward: x does not end in normalizedShape; expected (..., ${this.normalizedShape.join(', ')}), got ${formatShape(x.data.shape)}`,
      );
    }
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}
