/**
 * An encoder-decoder transformer for sequence-to-sequence tasks such as translation.
 * @module
 */
import type { Tensor } from '../autograd/tensor.js';
import { ShapeError } from '../errors.js';
import type { Decodable } from '../generation/decodable.js';
import type { Rng } from '../ndarray/random.js';
import type { KeyPaddingMask } from '../nn/attention/masks.js';
import { expectPositiveInt } from '../nn/checks.js';
import type { Embedding, Ids } from '../nn/embedding.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { PositionalEncoding } from '../nn/positional-encoding.js';
import type { DecoderLayerCache } from '../nn/transformer/decoder-layer.js';
import { Transformer } from '../nn/transformer/stacks.js';
import { indexSelect } from '../ops/primitive/index-select.js';
import { checkModelSizes, checkPaddingMask, checkTokenIds } from './checks.js';
import { lastStep } from './language-model.js';
import { embedTokens, transformerEmbedding } from './token-embedding.js';

/** Options of {@link Seq2SeqTransformer}. */
export interface Seq2SeqOptions {
  /** D, the model width. Default 64. */
  dModel?: number;
  /** H, attention heads. Default 4. */
  nHead?: number;
  /** Encoder layers. Default 2. */
  numEncoderLayers?: number;
  /** Decoder layers. Default 2. */
  numDecoderLayers?: number;
  /** F, the feed-forward width. Default 4·D. */
  dimFeedforward?: number;
  /** Dropout everywhere. Default 0.1. */
  dropout?: number;
  /** The longest source or target sequence. Default 512. */
  maxLen?: number;
  /** Pre-LN layers (steadier for small models trained briefly). Default false (the paper's post-LN). */
  normFirst?: boolean;
  /** Generator for the initial weights and dropout masks. */
  rng?: Rng;
}

/** Padding masks for {@link Seq2SeqTransformer.forward}. */
export interface Seq2SeqForwardOptions {
  /** Boolean `(B, S)`: `true` marks source padding. */
  srcKeyPaddingMask?: KeyPaddingMask;
  /** Boolean `(B, T)`: `true` marks target padding. */
  tgtKeyPaddingMask?: KeyPaddingMask;
}

/** Translation state with key/value caches. */
export interface CachedTranslationState {
  /** Discriminates the two states. */
  kind: 'cached';
  /** `(N, S, D)`: the encoded source, one row per hypothesis. */
  memory: Tensor;
  /** A self and a cross cache per decoder layer. */
  caches: DecoderLayerCache[];
  /** How many target tokens have been fed. */
  position: number;
}

/** Translation state without caches. */
export interface FullTranslationState {
  /** Discriminates the two states. */
  kind: 'full';
  /** `(N, S, D)`: the encoded source, one row per hypothesis. */
  memory: Tensor;
  /** The target tokens fed so far, per hypothesis. */
  prefixes: number[][];
}

/** The state of {@link Seq2SeqTransformer.decoder}. */
export type Seq2SeqState = CachedTranslationState | FullTranslationState;

/** What {@link Seq2SeqTransformer.forwardWithAttention} returns. */
export interface Seq2SeqOutput {
  /** `(B, T, target V)` */
  logits: Tensor;
  /** Each decoder layer's cross-attention `(B, T, S)`, averaged over heads. */
  crossAttention: Tensor[];
}

/**
 * An encoder-decoder transformer (the translation type): source and target embeddings (from N(0, 1/D)) scaled by
 * √D, shared sinusoidal positions, a {@link Transformer}, and a linear head to the target
 * vocabulary. The decoder's cross-attention weights are the alignment between target and source
 * words.
 *
 * Keys: `src_embedding.weight`, `tgt_embedding.weight`, `transformer.encoder.*`,
 * `transformer.decoder.*` (as `torch.nn.Transformer`), `head.weight`, `head.bias`.
 *
 * @example
 * ```ts
 * const model = new Seq2SeqTransformer(12, 14, { dModel: 16, nHead: 2, numEncoderLayers: 1, numDecoderLayers: 1 });
 * model.forward([[3, 4, 5, 2]], [[1, 6, 7]]).shape; // [1, 3, 14]  (B, T, target V)
 * ```
 */
export class Seq2SeqTransformer extends Module {
  /** `(source V, D)` */
  readonly srcEmbedding: Embedding;
  /** `(target V, D)` */
  readonly tgtEmbedding: Embedding;
  /** Sinusoidal positions, shared by both sides (no parameters). */
  readonly positions: PositionalEncoding;
  /** The encoder-decoder stack. */
  readonly transformer: Transformer;
  /** `(D → target V)` */
  readonly head: Linear;
  /** The source vocabulary size. */
  readonly srcVocabSize: number;
  /** The target vocabulary size. */
  readonly tgtVocabSize: number;
  /** The longest source or target sequence the positions cover. */
  readonly maxLen: number;

  /**
   * @param srcVocabSize - the source vocabulary size
   * @param tgtVocabSize - the target vocabulary size
   */
  constructor(srcVocabSize: number, tgtVocabSize: number, options: Seq2SeqOptions = {}) {
    super();
    const {
      dModel = 64,
      nHead = 4,
      numEncoderLayers = 2,
      numDecoderLayers = 2,
      dropout = 0.1,
      maxLen = 512,
      normFirst = false,
      rng,
    } = options;
    const r = rng ? { rng } : {};
    const where = 'Seq2SeqTransformer';
    this.srcVocabSize = expectPositiveInt(where, 'srcVocabSize', srcVocabSize);
    this.tgtVocabSize = expectPositiveInt(where, 'tgtVocabSize', tgtVocabSize);
    const dimFeedforward = options.dimFeedforward ?? 4 * dModel;
    checkModelSizes(where, {
      dModel,
      nHead,
      dimFeedforward,
      dropout,
      maxLen,
      layers: { numEncoderLayers, numDecoderLayers },
    });
    this.maxLen = maxLen;
    this.srcEmbedding = this.registerModule(
      'src_embedding',
      transformerEmbedding(srcVocabSize, dModel, r),
    );
    this.tgtEmbedding = this.registerModule(
      'tgt_embedding',
      transformerEmbedding(tgtVocabSize, dModel, r),
    );
    this.positions = this.registerModule(
      'positions',
      new PositionalEncoding(dModel, { maxLen, dropout, ...r }),
    );
    this.transformer = this.registerModule(
      'transformer',
      new Transformer({
        dModel,
        nHead,
        numEncoderLayers,
        numDecoderLayers,
        dimFeedforward,
        dropout,
        normFirst,
        ...r,
      }),
    );
    this.head = this.registerModule('head', new Linear(dModel, tgtVocabSize, r));
  }

  /**
   * Encodes source ids.
   * @param srcIds - `(B, S)`
   * @returns memory `(B, S, D)`
   */
  encode(
    srcIds: Ids,
    { srcKeyPaddingMask }: Pick<Seq2SeqForwardOptions, 'srcKeyPaddingMask'> = {},
  ): Tensor {
    this.#checkSource('Seq2SeqTransformer.encode', srcIds, srcKeyPaddingMask);
    return this.#encode(srcIds, srcKeyPaddingMask);
  }

  /** @returns the source's `[B, S]` */
  #checkSource(
    where: string,
    srcIds: Ids,
    srcKeyPaddingMask: KeyPaddingMask | undefined,
  ): [number, number] {
    const shape = checkTokenIds(where, 'srcIds', srcIds, {
      vocabSize: this.srcVocabSize,
      maxLen: this.maxLen,
    });
    if (srcKeyPaddingMask !== undefined) {
      checkPaddingMask(where, 'srcKeyPaddingMask', srcKeyPaddingMask, shape);
    }
    return shape;
  }

  #encode(srcIds: Ids, srcKeyPaddingMask: KeyPaddingMask | undefined): Tensor {
    const x = embedTokens(this.srcEmbedding, this.positions, srcIds);
    return this.transformer.encode(x, srcKeyPaddingMask === undefined ? {} : { srcKeyPaddingMask });
  }

  /**
   * Teacher forcing: the logits of every target position given the source and the target
   * prefix before it.
   *
   * @param srcIds - `(B, S)` source ids
   * @param tgtIds - `(B, T)` target ids, usually `[bos, y1, …, y(T-1)]`
   * @returns logits `(B, T, target V)` for `[y1, …, yT]`
   */
  forward(srcIds: Ids, tgtIds: Ids, options: Seq2SeqForwardOptions = {}): Tensor {
    return this.#forward('forward', srcIds, tgtIds, options).logits;
  }

  /**
   * {@link Seq2SeqTransformer.forward} that also returns every decoder layer's cross-attention
   * weights `(B, T, S)`, averaged over heads: row t is where target position t looked in the
   * source.
   */
  forwardWithAttention(
    srcIds: Ids,
    tgtIds: Ids,
    options: Seq2SeqForwardOptions = {},
  ): Seq2SeqOutput {
    return this.#forward('forwardWithAttention', srcIds, tgtIds, options);
  }

  /** `caller` names the public method in error messages. */
  #forward(
    caller: string,
    srcIds: Ids,
    tgtIds: Ids,
    options: Seq2SeqForwardOptions,
  ): Seq2SeqOutput {
    const { srcKeyPaddingMask, tgtKeyPaddingMask } = options;
    const where = `Seq2SeqTransformer.${caller}`;
    const [sourceRows] = this.#checkSource(where, srcIds, srcKeyPaddingMask);
    const [B, T] = checkTokenIds(where, 'tgtIds', tgtIds, {
      vocabSize: this.tgtVocabSize,
      maxLen: this.maxLen,
    });
    if (sourceRows !== B) {
      throw new ShapeError(
        `${where}: tgtIds has B=${B} but srcIds has B=${sourceRows}; expected one target row per source row`,
      );
    }
    if (tgtKeyPaddingMask !== undefined) {
      checkPaddingMask(where, 'tgtKeyPaddingMask', tgtKeyPaddingMask, [B, T]);
    }
    const memory = this.#encode(srcIds, srcKeyPaddingMask);
    const y = embedTokens(this.tgtEmbedding, this.positions, tgtIds);
    const { output, crossAttention } = this.transformer.decoder.forwardWithAttention(y, memory, {
      tgtIsCausal: true,
      ...(tgtKeyPaddingMask !== undefined ? { tgtKeyPaddingMask } : {}),
      ...(srcKeyPaddingMask !== undefined ? { memoryKeyPaddingMask: srcKeyPaddingMask } : {}),
    });
    return { logits: this.head.forward(output), crossAttention };
  }

  /**
   * A {@link Decodable} that translates one source sentence (call `.eval()` first): the source is encoded once, and each
   * hypothesis attends to it. With `cache` (default) each step feeds only the new target token.
   *
   * @param srcIds - one source sentence's ids
   */
  decoder(
    srcIds: readonly number[],
    { cache = true }: { cache?: boolean } = {},
  ): Decodable<Seq2SeqState> {
    const memory = this.encode([srcIds as number[]]); // (1, S, D); checks the ids
    const replicate = (m: Tensor, rows: readonly number[]) => indexSelect(m, 0, rows);
    const decodeStep = (
      m: Tensor,
      tokens: number[][],
      caches?: DecoderLayerCache[],
      position = 0,
    ) => {
      const y = embedTokens(this.tgtEmbedding, this.positions, tokens, position);
      const hidden = this.transformer.decoder.forward(y, m, {
        tgtIsCausal: true,
        ...(caches ? { cache: caches } : {}),
      });
      return lastStep(this.head.forward(hidden));
    };
    return {
      start: (count) => {
        const m = replicate(memory, new Array(count).fill(0));
        return cache
          ? {
              kind: 'cached',
              memory: m,
              caches: this.transformer.decoder.createCache(),
              position: 0,
            }
          : { kind: 'full', memory: m, prefixes: Array.from({ length: count }, () => []) };
      },
      step: (state, tokens) => {
        if (state.kind === 'cached') {
          const logits = decodeStep(
            state.memory,
            tokens as number[][],
            state.caches,
            state.position,
          );
          return {
            logits,
            state: { ...state, position: state.position + (tokens[0]?.length ?? 0) },
          };
        }
        const prefixes = state.prefixes.map((p, i) => [...p, ...(tokens[i] ?? [])]);
        return { logits: decodeStep(state.memory, prefixes), state: { ...state, prefixes } };
      },
      reorder: (state, rows) => {
        const m = replicate(state.memory, rows);
        if (state.kind === 'full')
          return {
            kind: 'full',
            memory: m,
            prefixes: rows.map((r) => [...(state.prefixes[r] ?? [])]),
          };
        for (const c of state.caches) {
          c.self.select(rows);
          c.cross.select(rows);
        }
        return { ...state, memory: m };
      },
    };
  }
}
