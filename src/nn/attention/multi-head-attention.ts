/**
 * Multi-head attention, for self-attention and cross-attention.
 * @module
 */
import type { Tensor } from '../../autograd/tensor.js';
import type { AttentionCache } from './attention-cache.js';
import type { AttentionMask, KeyPaddingMask } from './masks.js';
import {
  type AttentionModuleOptions,
  type AttentionOutput,
  ProjectedAttention,
} from './projected-attention.js';

/** Options of {@link MultiHeadAttention.forward}. */
export interface MultiHeadAttentionForwardOptions {
  /** Additive float `(T, S)` or `(B·H, T, S)` (0 keeps, −Infinity blocks), or nested booleans (`true` blocks). */
  attnMask?: AttentionMask;
  /** Boolean `(B, S)`: `true` marks a padding key to ignore (PyTorch's polarity). */
  keyPaddingMask?: KeyPaddingMask;
  /** Also block key j for query i when j > i (a causal mask), in addition to `attnMask`. */
  isCausal?: boolean;
  /** Return the attention weights (default true); `weights` is null otherwise. */
  needWeights?: boolean;
  /** Average the weights over heads (default true) to `(B, T, S)`; else `(B, H, T, S)`. */
  averageAttnWeights?: boolean;
  /**
   * Incremental decoding: a `'self'` cache prepends the keys and values of earlier calls (so
   * `query` holds only the new positions; masks then cover all S cached + new keys), a
   * `'cross'` cache projects `key`/`value` once and reuses them.
   */
  cache?: AttentionCache;
}

/**
 * Multi-head scaled dot-product attention (Vaswani et al., 2017), as
 * `torch.nn.MultiheadAttention` with `batch_first=True`: queries attend to keys, and the weights
 * mix the values. Pass the same tensor three times for self-attention.
 *
 * Parameters: `in_proj_weight (3E, E)`, `in_proj_bias (3E)`, `out_proj.weight (E, E)`,
 * `out_proj.bias (E)`. Difference from PyTorch: a query whose every key is masked gets zero
 * weights, so nothing is attended and its output is `out_proj`'s bias, instead of NaN.
 *
 * @example
 * ```ts
 * const attention = new MultiHeadAttention(16, 4);
 * const x = randn([2, 5, 16]);                                   // (B, T, E)
 * const { output, weights } = attention.forward(x, x, x, { isCausal: true });
 * output.shape;   // [2, 5, 16]
 * weights?.shape; // [2, 5, 5]
 * ```
 */
export class MultiHeadAttention extends ProjectedAttention {
  /**
   * @param embedDim - E, the model width (PyTorch's `embed_dim`)
   * @param numHeads - H, which must divide E (PyTorch's `num_heads`)
   */
  constructor(embedDim: number, numHeads: number, options: AttentionModuleOptions = {}) {
    super('MultiHeadAttention', embedDim, numHeads, options);
  }

  /**
   * @param query - `(B, T, E)`
   * @param key - `(B, S, E)`
   * @param value - `(B, S, E)`
   * @returns `output (B, T, E)`; `weights (B, T, S)` averaged over heads, `(B, H, T, S)` per head, or null
   * @throws {@link ShapeError} if any shape disagrees with the above
   */
  forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options: MultiHeadAttentionForwardOptions = {},
  ): AttentionOutput {
    return this.attend(query, key, value, options, {
      where: 'MultiHeadAttention.forward',
      query: 'query',
      key: 'key',
      value: 'value',
      attnMask: 'attnMask',
      keyPaddingMask: 'keyPaddingMask',
    });
  }
}
