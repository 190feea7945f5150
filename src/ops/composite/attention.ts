/**
 * Scaled dot-product attention (Vaswani et al., 2017), built from primitives.
 * @module
 */

import { noGrad } from '../../autograd/grad-mode.js';
import type { Tensor } from '../../autograd/tensor.js';
import type { Rng } from '../../ndarray/random.js';
import { eq } from '../compare.js';
import { add, mul } from '../primitive/elementwise.js';
import { matmul } from '../primitive/matmul.js';
import { max, sum } from '../primitive/reduce.js';
import { softmax } from '../primitive/softmax.js';
import { where } from '../primitive/where.js';
import { dropout } from './dropout.js';
import { transpose } from './shape.js';

/** Options of {@link scaledDotProductAttention}. */
export interface AttentionOptions {
  /** Additive mask broadcastable to `(..., T, S)`: 0 keeps, −Infinity blocks. */
  mask?: Tensor | null;
  /** Dropout probability on the attention weights (training only). Default 0. */
  dropout?: number;
  /** Whether dropout is active. Default false. */
  training?: boolean;
  /** Generator for the dropout mask. */
  rng?: Rng | undefined;
}

/** The attended values and the attention weights. */
export interface AttentionResult {
  /** `(..., T, Dv)` */
  output: Tensor;
  /** `(..., T, S)`: each row sums to 1 (0 for a fully masked row), after dropout when training. */
  weights: Tensor;
}

/**
 * `softmax(q · kᵀ / √D + mask) · v`. A query row whose every key is masked gets zero weights and
 * a zero output, with zero gradients, where PyTorch would give NaN.
 *
 * @param query - `(..., T, D)`
 * @param key - `(..., S, D)`
 * @param value - `(..., S, Dv)`
 * @returns `output (..., T, Dv)` and `weights (..., T, S)`
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  { mask = null, dropout: p = 0, training = false, rng }: AttentionOptions = {},
): AttentionResult {
  const headDim = query.data.shape[query.ndim - 1] as number;
  let scores = mul(matmul(query, transpose(key, -2, -1)), 1 / Math.sqrt(headDim)); // (..., T, S)
  let weights: Tensor;
  if (mask) {
    scores = add(scores, mask);
    // Rows with every key blocked: softmax would give 0/0. Give them zero scores (finite), then
    // zero weights, so neither the forward nor the backward pass meets a NaN.
    const blocked = noGrad(() => eq(max(mask, -1, true), Number.NEGATIVE_INFINITY)); // (..., T, 1)
    if (sum(blocked).item() > 0) {
      weights = where(blocked, 0, softmax(where(blocked, 0, scores), -1));
    } else {
      weights = softmax(scores, -1);
    }
  } else {
    weights = softmax(scores, -1);
  }
  const dropped = dropout(weights, p, training, rng);
  return { output: matmul(dropped, value), weights: dropped };
}
