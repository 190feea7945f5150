/**
 * Cross-attention from a decoder to an encoder's output.
 * @module
 */
import type { Tensor } from '../../autograd/tensor.js';
import type { AttentionMask, KeyPaddingMask } from './masks.js';
import {
  type AttentionModuleOptions,
  type AttentionOutput,
  ProjectedAttention,
} from './projected-attention.js';

/** Options of {@link EncoderDecoderAttention.forward}. */
export interface EncoderDecoderAttentionForwardOptions {
  /** Additive float `(T, S)` or `(B·H, T, S)`, or nested booleans (`true` blocks). */
  memoryMask?: AttentionMask;
  /** Boolean `(B, S)`: `true` marks a padded source position to ignore. */
  memoryKeyPaddingMask?: KeyPaddingMask;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** Average the weights over heads (default true). */
  averageAttnWeights?: boolean;
}

/**
 * Encoder-decoder (cross) attention: the decoder's positions `x` ask the questions (queries) and
 * the encoder's output `memory` supplies the keys and values. In translation, row t of the
 * returned weights says which source words the t-th target word looked at: the alignment.
 *
 * It is multi-head attention with PyTorch's parameters (`in_proj_weight`, `in_proj_bias`,
 * `out_proj.*`), which is why `DecoderLayer` registers it under PyTorch's name `multihead_attn`.
 *
 * @example
 * ```ts
 * const cross = new EncoderDecoderAttention(16, 4);
 * const { output, weights } = cross.forward(randn([2, 3, 16]), randn([2, 5, 16]));
 * output.shape;   // [2, 3, 16]  (B, T, E)
 * weights?.shape; // [2, 3, 5]   (B, T, S): target × source alignment
 * ```
 */
export class EncoderDecoderAttention extends ProjectedAttention {
  /**
   * @param embedDim - E, the model width
   * @param numHeads - H, which must divide E
   */
  constructor(embedDim: number, numHeads: number, options: AttentionModuleOptions = {}) {
    super('EncoderDecoderAttention', embedDim, numHeads, options);
  }

  /**
   * @param x - `(B, T, E)` decoder states (queries)
   * @param memory - `(B, S, E)` encoder outputs (keys and values)
   * @returns `output (B, T, E)`; `weights (B, T, S)` (or `(B, H, T, S)`, or null)
   * @throws {@link ShapeError} if a shape disagrees
   */
  forward(
    x: Tensor,
    memory: Tensor,
    options: EncoderDecoderAttentionForwardOptions = {},
  ): AttentionOutput {
    return this.attend(
      x,
      memory,
      memory,
      {
        attnMask: options.memoryMask,
        keyPaddingMask: options.memoryKeyPaddingMask,
        needWeights: options.needWeights,
        averageAttnWeights: options.averageAttnWeights,
      },
      {
        where: 'EncoderDecoderAttention.forward',
        query: 'x',
        key: 'memory',
        value: 'memory',
        attnMask: 'memoryMask',
        keyPaddingMask: 'memoryKeyPaddingMask',
      },
    );
  }
}
