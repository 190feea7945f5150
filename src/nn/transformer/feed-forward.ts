/**
 * What the encoder and decoder layers share: their options, the position-wise feed-forward block
 * and the residual wiring for post-LN and pre-LN.
 * @module
 */

import type { Tensor } from '../../autograd/tensor.js';
import { show } from '../../errors.js';
import type { Rng } from '../../ndarray/random.js';
import { add } from '../../ops/primitive/elementwise.js';
import { gelu, relu } from '../../ops/primitive/unary.js';
import { expectDropout, expectPositiveInt } from '../checks.js';
import type { Dropout } from '../dropout.js';
import type { LayerNorm } from '../layer-norm.js';
import type { Linear } from '../linear.js';

/** Options of {@link EncoderLayer} and {@link DecoderLayer}, with PyTorch's defaults. */
export interface TransformerLayerOptions {
  /** F: the width of the feed-forward block. Default 2048. */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block, and on attention weights. Default 0.1. */
  dropout?: number;
  /** The feed-forward activation. Default `'relu'`. */
  activation?: 'relu' | 'gelu';
  /** LayerNorm epsilon. Default 1e-5. */
  layerNormEps?: number;
  /** Pre-LN (normalise before each block) when true; post-LN (after each residual sum, the original paper) when false (default). */
  normFirst?: boolean;
  /** Generator for the initial weights and dropout masks. */
  rng?: Rng;
}

/** Validated options with defaults filled in. */
export interface ResolvedLayerOptions {
  dimFeedforward: number;
  dropout: number;
  activation: 'relu' | 'gelu';
  layerNormEps: number;
  normFirst: boolean;
  rng: Rng | undefined;
}

/** Fills in PyTorch's defaults and checks the values. */
export function resolveLayerOptions(
  where: string,
  options: TransformerLayerOptions,
): ResolvedLayerOptions {
  const {
    dimFeedforward = 2048,
    dropout = 0.1,
    activation = 'relu',
    layerNormEps = 1e-5,
    normFirst = false,
    rng,
  } = options;
  if (activation !== 'relu' && activation !== 'gelu') {
    throw new TypeError(`${where}: activation must be 'relu' or 'gelu'; got ${show(activation)}`);
  }
  if (!(layerNormEps >= 0))
    throw new RangeError(`${where}: layerNormEps must be >= 0; got ${layerNormEps}`);
  return {
    dimFeedforward: expectPositiveInt(where, 'dimFeedforward', dimFeedforward),
    dropout: expectDropout(where, dropout),
    activation,
    layerNormEps,
    normFirst,
    rng,
  };
}

/** The modules of a feed-forward block. */
export interface FeedForward {
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  activation: 'relu' | 'gelu';
}

/** `linear2(dropout(activation(linear1(x))))`: `(B, T, D)` → `(B, T, F)` → `(B, T, D)`. */
export function feedForward(block: FeedForward, x: Tensor): Tensor {
  const hidden = block.linear1.forward(x); // (B, T, F)
  const activated = block.activation === 'relu' ? relu(hidden) : gelu(hidden);
  return block.linear2.forward(block.dropout.forward(activated)); // (B, T, D)
}

/**
 * One residual sub-layer: pre-LN `x + drop(f(norm(x)))`, or post-LN `norm(x + drop(f(x)))`.
 */
export function residual(
  x: Tensor,
  norm: LayerNorm,
  drop: Dropout,
  normFirst: boolean,
  f: (input: Tensor) => Tensor,
): Tensor {
  if (normFirst) return add(x, drop.forward(f(norm.forward(x))));
  return norm.forward(add(x, drop.forward(f(x))));
}
