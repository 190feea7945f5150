/**
 * Token ids to the inputs of a transformer: embedding · √D plus positions.
 * @module
 */
import type { Tensor } from '../autograd/tensor.js';
import type { Embedding, Ids } from '../nn/embedding.js';
import type { LearnedPositionalEmbedding } from '../nn/learned-positional-embedding.js';
import type { PositionalEncoding } from '../nn/positional-encoding.js';
import { mul } from '../ops/primitive/elementwise.js';

/**
 * `embedding(ids) · √D + positions`, as in "Attention Is All You Need" (the scale keeps the
 * embeddings from being drowned by the unit-size positional signal).
 *
 * @returns `(B, T, D)`
 */
export function embedTokens(
  embedding: Embedding,
  positions: PositionalEncoding | LearnedPositionalEmbedding,
  ids: Ids,
  offset = 0,
): Tensor {
  const scaled = mul(embedding.forward(ids), Math.sqrt(embedding.embeddingDim)); // (B, T, D)
  return positions.forward(scaled, { offset });
}
