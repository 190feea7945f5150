/**
 * The transformer encoder layer.
 * @module
 */
import type { Tensor } from '../../autograd/tensor.js';
import { checkShapes } from '../../errors.js';
import type { AttentionCache } from '../attention/attention-cache.js';
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

const SELF_ATTENTION_NAMES = {
  where: 'EncoderLayer.forward',
  query: 'src',
  key: 'src',
  value: 'src',
  attnMask: 'srcMask',
  keyPaddingMask: 'srcKeyPaddingMask',
};

/** Options of {@link EncoderLayer.forward}. */
export interface EncoderLayerForwardOptions {
  /** Additive float `(T, T)` or `(B·H, T, T)`, or nested booleans (`true` blocks). */
  srcMask?: AttentionMask;
  /** Boolean `(B, T)`: `true` marks padding to ignore. */
  srcKeyPaddingMask?: KeyPaddingMask;
  /** Apply a causal mask (each position sees itself and earlier ones): a decoder-only model. */
  isCausal?: boolean;
  /** A `'self'` {@link AttentionCache} for incremental decoding: `src` holds only the new positions. */
  cache?: AttentionCache;
}

/**
 * One transformer encoder layer, as `torch.nn.TransformerEncoderLayer` with `batch_first=True`:
 * self-attention, then a position-wise feed-forward block, each wrapped in a residual connection
 * and layer normalisation (after the sum by default, before each block with `normFirst`).
 *
 * Parameters (PyTorch's keys): `self_attn.*` (see {@link MultiHeadAttention}),
 * `linear1.weight (F, D)`, `linear1.bias (F)`, `linear2.weight (D, F)`, `linear2.bias (D)`,
 * `norm1.*`, `norm2.*` (each `(D)`).
 *
 * @example
 * ```ts
 * const layer = new EncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0 });
 * layer.forward(randn([2, 5, 16]), { srcKeyPaddingMask: [[false, false, false, true, true], [false, false, false, false, false]] }).shape; // [2, 5, 16]
 * ```
 */
export class EncoderLayer extends Module {
  /** Self-attention; PyTorch's key `self_attn`. */
  readonly selfAttn: MultiHeadAttention;
  /** `(D → F)` */
  readonly linear1: Linear;
  /** Dropout inside the feed-forward block. */
  readonly dropout: Dropout;
  /** `(F → D)` */
  readonly linear2: Linear;
  /** Normalises around the attention block. */
  readonly norm1: LayerNorm;
  /** Normalises around the feed-forward block. */
  readonly norm2: LayerNorm;
  /** Dropout on the attention block's output. */
  readonly dropout1: Dropout;
  /** Dropout on the feed-forward block's output. */
  readonly dropout2: Dropout;
  /** D: the model width. */
  readonly dModel: number;
  /** Pre-LN when true. */
  readonly normFirst: boolean;
  /** The feed-forward activation. */
  readonly activation: 'relu' | 'gelu';

  /**
   * @param dModel - D, the model width (PyTorch's `d_model`)
   * @param nHead - H, the number of attention heads; must divide D
   */
  constructor(dModel: number, nHead: number, options: TransformerLayerOptions = {}) {
    super();
    expectHeads('EncoderLayer', dModel, nHead);
    const o = resolveLayerOptions('EncoderLayer', options);
    const rng = o.rng ? { rng: o.rng } : {};
    this.dModel = dModel;
    this.normFirst = o.normFirst;
    this.activation = o.activation;
    this.selfAttn = this.registerModule(
      'self_attn',
      new MultiHeadAttention(dModel, nHead, { dropout: o.dropout, ...rng }),
    );
    this.linear1 = this.registerModule('linear1', new Linear(dModel, o.dimFeedforward, rng));
    this.dropout = this.registerModule('dropout', new Dropout(o.dropout, rng));
    this.linear2 = this.registerModule('linear2', new Linear(o.dimFeedforward, dModel, rng));
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { eps: o.layerNormEps }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { eps: o.layerNormEps }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(o.dropout, rng));
    this.dropout2 = this.registerModule('dropout2', new Dropout(o.dropout, rng));
  }

  /**
   * @param src - `(B, T, D)`
   * @returns `(B, T, D)`
   * @throws {@link ShapeError} if a shape disagrees
   */
  forward(src: Tensor, options: EncoderLayerForwardOptions = {}): Tensor {
    expectInput('EncoderLayer.forward', 'src', src, this.dtype);
    checkShapes('EncoderLayer.forward', { src: [src, ['B', 'T', ['D', this.dModel]]] });
    const attend = (x: Tensor) =>
      this.selfAttn.attend(
        x,
        x,
        x,
        {
          attnMask: options.srcMask,
          keyPaddingMask: options.srcKeyPaddingMask,
          isCausal: options.isCausal,
          cache: options.cache,
          needWeights: false,
        },
        SELF_ATTENTION_NAMES,
      ).output;
    const attended = residual(src, this.norm1, this.dropout1, this.normFirst, attend);
    return residual(attended, this.norm2, this.dropout2, this.normFirst, (x) =>
      feedForward(this, x),
    );
  }
}
