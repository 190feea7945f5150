/**
 * A decoder-only transformer language model (the GPT type).
 * @module
 */
import type { Tensor } from '../autograd/tensor.js';
import type { Decodable } from '../generation/decodable.js';
import type { Rng } from '../ndarray/random.js';
import type { AttentionCache } from '../nn/attention/attention-cache.js';
import type { KeyPaddingMask } from '../nn/attention/masks.js';
import { expectPositiveInt } from '../nn/checks.js';
import type { Embedding, Ids } from '../nn/embedding.js';
import { LearnedPositionalEmbedding } from '../nn/learned-positional-embedding.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { PositionalEncoding } from '../nn/positional-encoding.js';
import type { Encoder } from '../nn/transformer/stacks.js';
import { narrow, reshape } from '../ops/primitive/movement.js';
import { checkModelSizes, checkPaddingMask, checkTokenIds, expectOneOf } from './checks.js';
import { preLnEncoder } from './pre-ln-encoder.js';
import { embedTokens, transformerEmbedding } from './token-embedding.js';

/** Options of {@link TransformerLanguageModel}. */
export interface LanguageModelOptions {
  /** D, the model width. Default 64. */
  dModel?: number;
  /** H, attention heads; must divide D. Default 4. */
  nHead?: number;
  /** Transformer layers. Default 2. */
  numLayers?: number;
  /** F, the feed-forward width. Default 4·D. */
  dimFeedforward?: number;
  /** Dropout everywhere. Default 0.1. */
  dropout?: number;
  /** The longest sequence. Default 512. */
  maxLen?: number;
  /** `'learned'` (GPT-style, default) or `'sinusoidal'` positions. */
  positional?: 'learned' | 'sinusoidal';
  /** Generator for the initial weights and dropout masks. */
  rng?: Rng;
}

/** Options of {@link TransformerLanguageModel.forward}. */
export interface LanguageModelForwardOptions {
  /** Boolean `(B, T)`: `true` marks padding (with `cache`, it must cover the cached positions too). */
  keyPaddingMask?: KeyPaddingMask;
  /** Per-layer caches from {@link Encoder.createCache}: `ids` then holds only the new tokens. */
  cache?: AttentionCache[];
  /** The position of the first id (the number of tokens already cached). Default 0. */
  offset?: number;
}

/** Decoding state with key/value caches: only new tokens are fed. */
export interface CachedDecodingState {
  /** Discriminates the two states. */
  kind: 'cached';
  /** One cache per layer. */
  caches: AttentionCache[];
  /** How many tokens have been fed (the next token's position). */
  position: number;
}

/** Decoding state without caches: every step reruns the whole prefix. */
export interface FullDecodingState {
  /** Discriminates the two states. */
  kind: 'full';
  /** The tokens fed so far, per hypothesis. */
  prefixes: number[][];
}

/** The state of {@link TransformerLanguageModel.decoder}. */
export type LanguageModelState = CachedDecodingState | FullDecodingState;

/**
 * A decoder-only transformer (the GPT type): token embeddings (from N(0, 1/D)) scaled by √D, positions, a stack
 * of pre-LN causal self-attention layers ({@link EncoderLayer}s with `isCausal`, as PyTorch
 * users build one from `nn.TransformerEncoder`), a final LayerNorm, and a linear head to the
 * vocabulary.
 *
 * Keys: `embedding.weight`, `positions.weight` (learned positions only), `decoder.layers.N.*`,
 * `decoder.norm.*`, `head.weight`, `head.bias`.
 *
 * @example
 * ```ts
 * const model = new TransformerLanguageModel(30, { dModel: 16, nHead: 2, numLayers: 1 });
 * model.forward([[1, 5, 7], [2, 2, 9]]).shape; // [2, 3, 30]  (B, T, V)
 * ```
 */
export class TransformerLanguageModel extends Module {
  /** `(V, D)` token embeddings. */
  readonly embedding: Embedding;
  /** Learned or sinusoidal positions. */
  readonly positions: LearnedPositionalEmbedding | PositionalEncoding;
  /** The causal layer stack with its final norm; key `decoder`. */
  readonly decoderStack: Encoder;
  /** `(D → V)` */
  readonly head: Linear;
  /** V, the vocabulary size. */
  readonly vocabSize: number;
  /** D, the model width. */
  readonly dModel: number;
  /** The longest sequence (cached positions included) the positions cover. */
  readonly maxLen: number;

  /** @param vocabSize - V, the number of token ids */
  constructor(vocabSize: number, options: LanguageModelOptions = {}) {
    super();
    const {
      dModel = 64,
      nHead = 4,
      numLayers = 2,
      dropout = 0.1,
      maxLen = 512,
      positional = 'learned',
      rng,
    } = options;
    const dimFeedforward = options.dimFeedforward ?? 4 * dModel;
    const r = rng ? { rng } : {};
    const where = 'TransformerLanguageModel';
    this.vocabSize = expectPositiveInt(where, 'vocabSize', vocabSize);
    checkModelSizes(where, {
      dModel,
      nHead,
      dimFeedforward,
      dropout,
      maxLen,
      layers: { numLayers },
    });
    expectOneOf(where, 'positional', positional, ['learned', 'sinusoidal']);
    this.dModel = dModel;
    this.maxLen = maxLen;
    this.embedding = this.registerModule('embedding', transformerEmbedding(vocabSize, dModel, r));
    this.positions = this.registerModule(
      'positions',
      positional === 'learned'
        ? new LearnedPositionalEmbedding(maxLen, dModel, r)
        : new PositionalEncoding(dModel, { maxLen, dropout, ...r }),
    );
    // PyTorch's key for the stack here is ours to choose; 'decoder' says what it does.
    this.decoderStack = this.registerModule(
      'decoder',
      preLnEncoder(dModel, nHead, numLayers, { dimFeedforward, dropout, ...r }),
    );
    this.head = this.registerModule('head', new Linear(dModel, vocabSize, r));
  }

  /**
   * @param ids - `(B, T)` token ids
   * @returns logits `(B, T, V)` for the token after each position (position t sees ids ≤ t)
   */
  forward(ids: Ids, options: LanguageModelForwardOptions = {}): Tensor {
    const { keyPaddingMask, cache, offset = 0 } = options;
    const where = 'TransformerLanguageModel.forward';
    const [B, T] = checkTokenIds(where, 'ids', ids, {
      vocabSize: this.vocabSize,
      maxLen: this.maxLen,
      offset,
    });
    if (keyPaddingMask !== undefined) {
      const past = cache?.[0]?.length ?? 0; // the mask also covers cached positions
      checkPaddingMask(where, 'keyPaddingMask', keyPaddingMask, [B, past + T]);
    }
    const x = embedTokens(this.embedding, this.positions, ids, offset); // (B, T, D)
    const hidden = this.decoderStack.forward(x, {
      isCausal: true,
      ...(keyPaddingMask !== undefined ? { srcKeyPaddingMask: keyPaddingMask } : {}),
      ...(cache ? { cache } : {}),
    });
    return this.head.forward(hidden); // (B, T, V)
  }

  /**
   * This model as a {@link Decodable} for {@link greedyDecode}, {@link sampleDecode} and
   * {@link beamSearch} (call `.eval()` first, or dropout makes every run differ). With `cache` (default) each step feeds only the new token and reuses the
   * keys and values of earlier ones; without it every step reruns the whole prefix (the
   * reference the cache is tested against).
   */
  decoder({ cache = true }: { cache?: boolean } = {}): Decodable<LanguageModelState> {
    return {
      start: (count) =>
        cache
          ? { kind: 'cached', caches: this.decoderStack.createCache(), position: 0 }
          : { kind: 'full', prefixes: Array.from({ length: count }, () => []) },
      step: (state, tokens) => {
        if (state.kind === 'cached') {
          const logits = this.forward(tokens as number[][], {
            cache: state.caches,
            offset: state.position,
          });
          const T = tokens[0]?.length ?? 0;
          return { logits: lastStep(logits), state: { ...state, position: state.position + T } };
        }
        const prefixes = state.prefixes.map((p, i) => [...p, ...(tokens[i] ?? [])]);
        return { logits: lastStep(this.forward(prefixes)), state: { kind: 'full', prefixes } };
      },
      reorder: (state, rows) => {
        if (state.kind === 'full')
          return { kind: 'full', prefixes: rows.map((r) => [...(state.prefixes[r] ?? [])]) };
        for (const c of state.caches) c.select(rows);
        return state;
      },
    };
  }
}

/** `(N, T, V)` → the last step's logits `(N, V)`. */
export function lastStep(logits: Tensor): Tensor {
  const [N, T, V] = logits.data.shape as [number, number, number];
  return reshape(narrow(logits, 1, T - 1, 1), [N, V]);
}
