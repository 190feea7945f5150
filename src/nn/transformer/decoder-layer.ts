/**
 * The transformer decoder layer.
 * @module
 */
import type { Tensor } from '../../autograd/tensor.js';
import { checkShapes } from '../../errors.js';
import { AttentionCache } from '../attention/attention-cache.js';
import { EncoderDecoderAttention } from '../attention/encoder-decoder-attention.js';
import type { AttentionMask, KeyPaddingMask } from '../attention/masks.js';
import { MultiHeadAttention } from '../attention/multi-head-attention.js';
import { expectHeads, expectInput } from '../checks.js';
import { Dropout } from '../dropout.js';
import { LayerNorm } from '../layer-norm.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import {
  feedForward,
  residual,
  resolveLayerOptions,
  type TransformerLayerOptions,
} from './feed-forward.js';

/** Options of {@link DecoderLayer.forward}. */
export interface DecoderLayerForwardOptions {
  /** Self-attention mask, additive float `(T, T)` or `(B·H, T, T)`, or nested booleans (`true` blocks); usually {@link causalMask}. */
  tgtMask?: AttentionMask;
  /** Cross-attention mask `(T, S)` or `(B·H, T, S)`. */
  memoryMask?: AttentionMask;
  /** Boolean `(B, T)`: `true` marks target padding. */
  tgtKeyPaddingMask?: KeyPaddingMask;
  /** Boolean `(B, S)`: `true` marks source padding. */
  memoryKeyPaddingMask?: KeyPaddingMask;
  /** Apply a causal mask to the self-attention (in addition to `tgtMask`). */
  tgtIsCausal?: boolean;
  /** Caches for incremental decoding (see {@link DecoderLayer.createCache}): `tgt` holds only the new positions. */
  cache?: DecoderLayerCache;
}

/** What {@link DecoderLayer.forwardWithAttention} returns. */
export interface DecoderLayerOutput {
  /** `(B, T, D)` */
  output: Tensor;
  /** `(B, T, S)`: the cross-attention weights averaged over heads. */
  crossAttention: Tensor;
}

/** The two key/value caches of a decoder layer: its growing self-attention and its fixed cross-attention. */
export interface DecoderLayerCache {
  /** Keys and values of the target positions decoded so far. */
  self: AttentionCache;
  /** Keys and values of the encoder's output, computed at the first step. */
  cross: AttentionCache;
}

const SELF_NAMES = {
  where: 'DecoderLayer.forward',
  query: 'tgt',
  key: 'tgt',
  value: 'tgt',
  attnMask: 'tgtMask',
  keyPaddingMask: 'tgtKeyPaddingMask',
};
const CROSS_NAMES = {
  where: 'DecoderLayer.forward',
  query: 'tgt',
  key: 'memory',
  value: 'memory',
  attnMask: 'memoryMask',
  keyPaddingMask: 'memoryKeyPaddingMask',
};

/**
 * One transformer decoder layer, as `torch.nn.TransformerDecoderLayer` with `batch_first=True`:
 * masked self-attention over the target, encoder-decoder attention to the encoder's output
 * (`memory`), then a feed-forward block; each in a residual connection with layer normalisation
 * (post-LN by default, pre-LN with `normFirst`).
 *
 * Parameters (PyTorch's keys): `self_attn.*`, `multihead_attn.*` (the
 * {@link EncoderDecoderAttention}), `linear1.*`, `linear2.*`, `norm1.*`, `norm2.*`, `norm3.*`.
 *
 * @example
 * ```ts
 * const layer = new DecoderLayer(16, 4, { dimFeedforward: 32, dropout: 0 });
 * const out = layer.forward(randn([2, 3, 16]), randn([2, 5, 16]), { tgtIsCausal: true });
 * out.shape; // [2, 3, 16]
 * ```
 */
export class DecoderLayer extends Module {
  /** Masked self-attention over the target; PyTorch's key `self_attn`. */
  readonly selfAttn: MultiHeadAttention;
  /** Cross-attention to the encoder output; PyTorch's key `multihead_attn`. */
  readonly crossAttention: EncoderDecoderAttention;
  /** `(D → F)` */
  readonly linear1: Linear;
  /** Dropout inside the feed-forward block. */
  readonly dropout: Dropout;
  /** `(F → D)` */
  readonly linear2: Linear;
  /** Normalises around the self-attention block. */
  readonly norm1: LayerNorm;
  /** Normalises around the cross-attention block. */
  readonly norm2: LayerNorm;
  /** Normalises around the feed-forward block. */
  readonly norm3: LayerNorm;
  /** Dropout on the self-attention output. */
  readonly dropout1: Dropout;
  /** Dropout on the cross-attention output. */
  readonly dropout2: Dropout;
  /** Dropout on the feed-forward output. */
  readonly dropout3: Dropout;
  /** D: the model width. */
  readonly dModel: number;
  /** Pre-LN when true. */
  readonly normFirst: boolean;
  /** The feed-forward activation. */
  readonly activation: 'relu' | 'gelu';

  /**
   * @param dModel - D, the model width (PyTorch's `d_model`)
   * @param nHead - H, the number of heads; must divide D
   */
  constructor(dModel: number, nHead: number, options: TransformerLayerOptions = {}) {
    super();
    expectHeads('DecoderLayer', dModel, nHead);
    const o = resolveLayerOptions('DecoderLayer', options);
    const rng = o.rng ? { rng: o.rng } : {};
    this.dModel = dModel;
    this.normFirst = o.normFirst;
    this.activation = o.activation;
    this.selfAttn = this.registerModule(
      'self_attn',
      new MultiHeadAttention(dModel, nHead, { dropout: o.dropout, ...rng }),
    );
    // PyTorch's key for the cross-attention.
    this.crossAttention = this.registerModule(
      'multihead_attn',
      new EncoderDecoderAttention(dModel, nHead, { dropout: o.dropout, ...rng }),
    );
    this.linear1 = this.registerModule('linear1', new Linear(dModel, o.dimFeedforward, rng));
    this.dropout = this.registerModule('dropout', new Dropout(o.dropout, rng));
    this.linear2 = this.registerModule('linear2', new Linear(o.dimFeedforward, dModel, rng));
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { eps: o.layerNormEps }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { eps: o.layerNormEps }));
    this.norm3 = this.registerModule('norm3', new LayerNorm(dModel, { eps: o.layerNormEps }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(o.dropout, rng));
    this.dropout2 = this.registerModule('dropout2', new Dropout(o.dropout, rng));
    this.dropout3 = this.registerModule('dropout3', new Dropout(o.dropout, rng));
  }

  /**
   * @param tgt - `(B, T, D)` target-side inputs
   * @param memory - `(B, S, D)` the encoder's output
   * @returns `(B, T, D)`
   * @throws {@link ShapeError} if a shape disagrees
   */
  forward(tgt: Tensor, memory: Tensor, options: DecoderLayerForwardOptions = {}): Tensor {
    return this.#run(tgt, memory, options, false).output;
  }

  /**
   * {@link DecoderLayer.forward} that also returns the cross-attention weights, averaged over
   * heads: row t says which source positions target position t drew on (the alignment a
   * translation example draws).
   *
   * @returns `output (B, T, D)` and `crossAttention (B, T, S)`
   */
  forwardWithAttention(
    tgt: Tensor,
    memory: Tensor,
    options: DecoderLayerForwardOptions = {},
  ): DecoderLayerOutput {
    const { output, crossAttention } = this.#run(tgt, memory, options, true);
    return { output, crossAttention: crossAttention as Tensor };
  }

  /** The layer; the head-averaged cross-attention weights only when `needWeights`. */
  #run(
    tgt: Tensor,
    memory: Tensor,
    options: DecoderLayerForwardOptions,
    needWeights: boolean,
  ): { output: Tensor; crossAttention: Tensor | null } {
    const dtype = this.dtype;
    expectInput('DecoderLayer.forward', 'tgt', tgt, dtype);
    expectInput('DecoderLayer.forward', 'memory', memory, dtype);
    checkShapes('DecoderLayer.forward', {
      tgt: [tgt, ['B', 'T', ['D', this.dModel]]],
      memory: [memory, ['B', 'S', ['D', this.dModel]]],
    });
    const selfAttend = (x: Tensor) =>
      this.selfAttn.attend(
        x,
        x,
        x,
        {
          attnMask: options.tgtMask,
          keyPaddingMask: options.tgtKeyPaddingMask,
          isCausal: options.tgtIsCausal,
          cache: options.cache?.self,
          needWeights: false,
        },
        SELF_NAMES,
      ).output;
    let crossAttention: Tensor | null = null;
    const crossAttend = (x: Tensor) => {
      const result = this.crossAttention.attend(
        x,
        memory,
        memory,
        {
          attnMask: options.memoryMask,
          keyPaddingMask: options.memoryKeyPaddingMask,
          cache: options.cache?.cross,
          needWeights,
        },
        CROSS_NAMES,
      );
      crossAttention = result.weights;
      return result.output;
    };
    const afterSelf = residual(tgt, this.norm1, this.dropout1, this.normFirst, selfAttend);
    const afterCross = residual(afterSelf, this.norm2, this.dropout2, this.normFirst, crossAttend);
    const output = residual(afterCross, this.norm3, this.dropout3, this.normFirst, (x) =>
      feedForward(this, x),
    );
    return { output, crossAttention };
  }

  /** Fresh caches for incremental decoding with this layer. */
  createCache(): DecoderLayerCache {
    return { self: new AttentionCache('self'), cross: new AttentionCache('cross') };
  }
}
