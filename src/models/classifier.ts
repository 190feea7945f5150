/**
 * An encoder-only transformer classifier (the BERT type).
 * @module
 */
import type { Tensor } from '../autograd/tensor.js';
import type { Rng } from '../ndarray/random.js';
import type { KeyPaddingMask } from '../nn/attention/masks.js';
import { expectPositiveInt } from '../nn/checks.js';
import type { Embedding, Ids } from '../nn/embedding.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { PositionalEncoding } from '../nn/positional-encoding.js';
import type { Encoder } from '../nn/transformer/stacks.js';
import { tensor } from '../ops/creation.js';
import { div, mul } from '../ops/primitive/elementwise.js';
import { sum } from '../ops/primitive/reduce.js';
import { checkModelSizes, checkPaddingMask, checkTokenIds } from './checks.js';
import { preLnEncoder } from './pre-ln-encoder.js';
import { embedTokens, transformerEmbedding } from './token-embedding.js';

/** Options of {@link TransformerClassifier}. */
export interface ClassifierOptions {
  /** D, the model width. Default 64. */
  dModel?: number;
  /** H, attention heads. Default 4. */
  nHead?: number;
  /** Encoder layers. Default 2. */
  numLayers?: number;
  /** F, the feed-forward width. Default 4·D. */
  dimFeedforward?: number;
  /** Dropout everywhere. Default 0.1. */
  dropout?: number;
  /** The longest sequence. Default 512. */
  maxLen?: number;
  /** Generator for the initial weights and dropout masks. */
  rng?: Rng;
}

/**
 * An encoder-only transformer (the BERT type) that reads a whole sequence in both directions
 * and classifies it: embeddings (from N(0, 1/D)) · √D plus sinusoidal positions, a pre-LN encoder stack with a
 * final LayerNorm, the mean over the non-padding positions, and a linear head.
 *
 * Keys: `embedding.weight`, `encoder.layers.N.*`, `encoder.norm.*`, `head.weight`, `head.bias`.
 *
 * @example
 * ```ts
 * const model = new TransformerClassifier(20, 3, { dModel: 16, nHead: 2, numLayers: 1 });
 * model.forward([[4, 5, 6, 0]], { keyPaddingMask: [[false, false, false, true]] }).shape; // [1, 3]
 * ```
 */
export class TransformerClassifier extends Module {
  /** `(V, D)` */
  readonly embedding: Embedding;
  /** Sinusoidal positions (no parameters). */
  readonly positions: PositionalEncoding;
  /** The bidirectional layer stack with its final norm. */
  readonly encoder: Encoder;
  /** `(D → numClasses)` */
  readonly head: Linear;
  /** V, the vocabulary size. */
  readonly vocabSize: number;
  /** The longest sequence the positions cover. */
  readonly maxLen: number;

  /**
   * @param vocabSize - V
   * @param numClasses - the number of labels
   */
  constructor(vocabSize: number, numClasses: number, options: ClassifierOptions = {}) {
    super();
    const { dModel = 64, nHead = 4, numLayers = 2, dropout = 0.1, maxLen = 512, rng } = options;
    const r = rng ? { rng } : {};
    const where = 'TransformerClassifier';
    this.vocabSize = expectPositiveInt(where, 'vocabSize', vocabSize);
    expectPositiveInt(where, 'numClasses', numClasses);
    const dimFeedforward = options.dimFeedforward ?? 4 * dModel;
    checkModelSizes(where, {
      dModel,
      nHead,
      dimFeedforward,
      dropout,
      maxLen,
      layers: { numLayers },
    });
    this.maxLen = maxLen;
    this.embedding = this.registerModule('embedding', transformerEmbedding(vocabSize, dModel, r));
    this.positions = this.registerModule(
      'positions',
      new PositionalEncoding(dModel, { maxLen, dropout, ...r }),
    );
    this.encoder = this.registerModule(
      'encoder',
      preLnEncoder(dModel, nHead, numLayers, { dimFeedforward, dropout, ...r }),
    );
    this.head = this.registerModule('head', new Linear(dModel, numClasses, r));
  }

  /**
   * @param ids - `(B, T)` token ids
   * @param options - `keyPaddingMask`: boolean `(B, T)`, `true` marks padding (ignored by attention and by the mean)
   * @returns logits `(B, numClasses)`
   */
  forward(ids: Ids, { keyPaddingMask }: { keyPaddingMask?: KeyPaddingMask } = {}): Tensor {
    const where = 'TransformerClassifier.forward';
    const [B, T] = checkTokenIds(where, 'ids', ids, {
      vocabSize: this.vocabSize,
      maxLen: this.maxLen,
    });
    // A sequence that is all padding has no token to average: its logits would be NaN.
    const padding =
      keyPaddingMask === undefined
        ? null
        : checkPaddingMask(where, 'keyPaddingMask', keyPaddingMask, [B, T], { needsToken: true });
    const x = embedTokens(this.embedding, this.positions, ids); // (B, T, D)
    const hidden = this.encoder.forward(
      x,
      keyPaddingMask === undefined ? {} : { srcKeyPaddingMask: keyPaddingMask },
    );
    // Mean over real tokens only: weight 1 for tokens, 0 for padding.
    const keep = padding
      ? tensor(
          padding.flatMap((row) => row.map((isPad) => (isPad ? 0 : 1))),
          { dtype: hidden.dtype, shape: [B, T, 1] },
        )
      : null;
    const pooled = keep ? div(sum(mul(hidden, keep), 1), sum(keep, 1)) : div(sum(hidden, 1), T); // (B, D)
    return this.head.forward(pooled);
  }
}
