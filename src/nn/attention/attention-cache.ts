/**
 * The key/value cache of incremental decoding.
 * @module
 */
import type { Tensor } from '../../autograd/tensor.js';
import { formatShape, ShapeError, show } from '../../errors.js';
import { indexSelect } from '../../ops/primitive/index-select.js';
import { concat } from '../../ops/primitive/movement.js';

/**
 * Keys and values an attention layer has already projected, `(B, H, S, D)` each, so that
 * generating token t+1 does not recompute the projections of tokens 1…t.
 *
 * A `'self'` cache grows: each call appends the new positions' keys and values, and causal
 * masking accounts for the positions already cached. A `'cross'` cache is filled once from the
 * encoder's output (`memory`) and reused unchanged at every step.
 *
 * @example
 * ```ts
 * const attention = new MultiHeadAttention(16, 4);
 * const cache = new AttentionCache('self');
 * for (let t = 0; t < 3; t++) {
 *   const x = randn([1, 1, 16]); // one new position
 *   attention.forward(x, x, x, { isCausal: true, cache });
 * }
 * cache.length; // 3
 * ```
 */
export class AttentionCache {
  /** `(B, H, S, D)`, or null before the first call. */
  keys: Tensor | null = null;
  /** `(B, H, S, D)`, or null before the first call. */
  values: Tensor | null = null;

  /** @param kind - `'self'` grows with every call; `'cross'` is computed once and reused */
  constructor(readonly kind: 'self' | 'cross') {
    if (kind !== 'self' && kind !== 'cross') {
      throw new TypeError(`AttentionCache: kind must be 'self' or 'cross'; got ${show(kind)}`);
    }
  }

  /** The number of cached positions S. */
  get length(): number {
    return this.keys ? (this.keys.data.shape[2] as number) : 0;
  }

  /** @internal Stores (cross) or appends (self) newly projected keys and values `(B, H, S_new, D)`. */
  update(keys: Tensor, values: Tensor): { keys: Tensor; values: Tensor } {
    if (this.keys && this.values && this.kind === 'self') {
      const [B] = this.keys.data.shape;
      if (keys.data.shape[0] !== B) {
        throw new ShapeError(
          `AttentionCache: the batch changed from B=${B} to B=${keys.data.shape[0]}; cached keys ${formatShape(this.keys.data.shape)}, new keys ${formatShape(keys.data.shape)} (use select() to reorder)`,
        );
      }
      this.keys = concat([this.keys, keys], 2);
      this.values = concat([this.values, values], 2);
    } else {
      this.keys = keys;
      this.values = values;
    }
    return { keys: this.keys, values: this.values };
  }

  /**
   * Keeps batch rows `rows` (repeats allowed), in that order: beam search calls it when it
   * reorders and duplicates hypotheses.
   */
  select(rows: readonly number[]): void {
    if (!this.keys || !this.values) return;
    this.keys = indexSelect(this.keys, 0, rows);
    this.values = indexSelect(this.values, 0, rows);
  }

  /** Forgets everything (for a new sequence). */
  clear(): void {
    this.keys = null;
    this.values = null;
  }
}
