/**
 * Stacks of encoder and decoder layers, and the full encoder-decoder Transformer.
 * @module
 */
import type { Tensor } from '../../autograd/tensor.js';
import { checkShapes } from '../../errors.js';
import { AttentionCache } from '../attention/attention-cache.js';
import type { AttentionMask, KeyPaddingMask } from '../attention/masks.js';
import { asCaller, expectHeads, expectInput, expectPositiveInt } from '../checks.js';
import { xavierUniform } from '../init.js';
import { LayerNorm } from '../layer-norm.js';
import { Module } from '../module.js';
import { ModuleList } from '../module-list.js';
import {
  DecoderLayer,
  type DecoderLayerCache,
  type DecoderLayerForwardOptions,
} from './decoder-layer.js';
import { EncoderLayer, type EncoderLayerForwardOptions } from './encoder-layer.js';
import { resolveLayerOptions, type TransformerLayerOptions } from './feed-forward.js';

/** Options of {@link Encoder} and {@link Decoder}. */
export interface StackOptions {
  /** A final LayerNorm applied to the last layer's output (PyTorch's `norm`, key `norm.*`). */
  norm?: LayerNorm;
}

/** What {@link Decoder.forwardWithAttention} returns. */
export interface DecoderOutput {
  /** `(B, T, D)` */
  output: Tensor;
  /** One `(B, T, S)` cross-attention map per layer, averaged over heads. */
  crossAttention: Tensor[];
}

/** Options of {@link Encoder.forward}: a layer's options, with one cache per layer. */
export type EncoderForwardOptions = Omit<EncoderLayerForwardOptions, 'cache'> & {
  /** One `'self'` {@link AttentionCache} per layer (see {@link Encoder.createCache}). */
  cache?: AttentionCache[];
};

/** Options of {@link Decoder.forward}: a layer's options, with one cache pair per layer. */
export type DecoderForwardOptions = Omit<DecoderLayerForwardOptions, 'cache'> & {
  /** One cache pair per layer (see {@link Decoder.createCache}). */
  cache?: DecoderLayerCache[];
};

function checkCaches(where: string, cache: readonly unknown[] | undefined, layers: number): void {
  if (cache !== undefined && (!Array.isArray(cache) || cache.length !== layers)) {
    throw new TypeError(
      `${where}: cache must hold one entry per layer; expected ${layers}, got ${Array.isArray(cache) ? cache.length : typeof cache}`,
    );
  }
}

function buildLayers<L extends Module>(
  where: string,
  makeLayer: (index: number) => L,
  numLayers: number,
): ModuleList<L> {
  expectPositiveInt(where, 'numLayers', numLayers);
  if (typeof makeLayer !== 'function') {
    throw new TypeError(
      `${where}: makeLayer must be a function returning a new layer for each index`,
    );
  }
  const layers = Array.from({ length: numLayers }, (_, i) => makeLayer(i));
  if (new Set(layers).size !== layers.length) {
    throw new TypeError(
      `${where}: makeLayer returned the same layer twice; it must build a new layer per index`,
    );
  }
  return new ModuleList(layers);
}

/**
 * A stack of encoder layers with an optional final LayerNorm, as `torch.nn.TransformerEncoder`.
 * Keys: `layers.0.*`, `layers.1.*`, …, `norm.*`.
 *
 * @example
 * ```ts
 * const encoder = new Encoder(() => new EncoderLayer(16, 4, { dimFeedforward: 32 }), 2, { norm: new LayerNorm(16) });
 * encoder.forward(randn([2, 5, 16])).shape; // [2, 5, 16]
 * ```
 */
export class Encoder extends Module {
  /** The layers, applied in order. */
  readonly layers: ModuleList<EncoderLayer>;
  /** The final LayerNorm, or null. */
  readonly norm: LayerNorm | null;

  /**
   * @param makeLayer - builds layer `index` (PyTorch deep-copies one layer; here each is built fresh)
   * @param numLayers - how many layers
   */
  constructor(
    makeLayer: (index: number) => EncoderLayer,
    numLayers: number,
    { norm }: StackOptions = {},
  ) {
    super();
    this.layers = this.registerModule('layers', buildLayers('Encoder', makeLayer, numLayers));
    this.norm = norm ? this.registerModule('norm', norm) : null;
  }

  /**
   * @param src - `(B, T, D)`
   * @returns `(B, T, D)`
   */
  forward(src: Tensor, options: EncoderForwardOptions = {}): Tensor {
    const where = 'Encoder.forward';
    expectInput(where, 'src', src, this.dtype);
    checkShapes(where, { src: [src, ['B', 'T', ['D', this.layers.at(0).dModel]]] });
    const { cache, ...layerOptions } = options;
    checkCaches(where, cache, this.layers.length);
    return asCaller(where, () => {
      let x = src;
      let i = 0;
      for (const layer of this.layers) {
        const layerCache = cache?.[i++];
        x = layer.forward(x, layerCache ? { ...layerOptions, cache: layerCache } : layerOptions);
      }
      return this.norm ? this.norm.forward(x) : x;
    });
  }

  /** One `'self'` cache per layer, for incremental decoding with a causal (decoder-only) stack. */
  createCache(): AttentionCache[] {
    return Array.from({ length: this.layers.length }, () => new AttentionCache('self'));
  }
}

/**
 * A stack of decoder layers with an optional final LayerNorm, as `torch.nn.TransformerDecoder`.
 * Keys: `layers.0.*`, …, `norm.*`.
 *
 * @example
 * ```ts
 * const decoder = new Decoder(() => new DecoderLayer(16, 4, { dimFeedforward: 32 }), 2, { norm: new LayerNorm(16) });
 * decoder.forward(randn([2, 3, 16]), randn([2, 5, 16]), { tgtIsCausal: true }).shape; // [2, 3, 16]
 * Object.keys(decoder.stateDict())[0]; // 'layers.0.self_attn.in_proj_weight'
 * ```
 */
export class Decoder extends Module {
  /** The layers, applied in order. */
  readonly layers: ModuleList<DecoderLayer>;
  /** The final LayerNorm, or null. */
  readonly norm: LayerNorm | null;

  /**
   * @param makeLayer - builds layer `index`
   * @param numLayers - how many layers
   */
  constructor(
    makeLayer: (index: number) => DecoderLayer,
    numLayers: number,
    { norm }: StackOptions = {},
  ) {
    super();
    this.layers = this.registerModule('layers', buildLayers('Decoder', makeLayer, numLayers));
    this.norm = norm ? this.registerModule('norm', norm) : null;
  }

  /**
   * @param tgt - `(B, T, D)`
   * @param memory - `(B, S, D)` the encoder's output
   * @returns `(B, T, D)`
   */
  forward(tgt: Tensor, memory: Tensor, options: DecoderForwardOptions = {}): Tensor {
    return this.#run(tgt, memory, options, false).output;
  }

  /**
   * {@link Decoder.forward} that also returns each layer's cross-attention weights, averaged over
   * heads.
   *
   * @returns `output (B, T, D)` and `crossAttention`, one `(B, T, S)` per layer
   */
  forwardWithAttention(
    tgt: Tensor,
    memory: Tensor,
    options: DecoderForwardOptions = {},
  ): DecoderOutput {
    return this.#run(tgt, memory, options, true);
  }

  /** The stack; each layer's cross-attention weights only when `needWeights` (else `[]`). */
  #run(
    tgt: Tensor,
    memory: Tensor,
    options: DecoderForwardOptions,
    needWeights: boolean,
  ): DecoderOutput {
    const where = 'Decoder.forward';
    expectInput(where, 'tgt', tgt, this.dtype);
    expectInput(where, 'memory', memory, this.dtype);
    const D: [string, number] = ['D', this.layers.at(0).dModel];
    checkShapes(where, { tgt: [tgt, ['B', 'T', D]], memory: [memory, ['B', 'S', D]] });
    const { cache, ...layerOptions } = options;
    checkCaches(where, cache, this.layers.length);
    return asCaller(where, () => {
      let x = tgt;
      const crossAttention: Tensor[] = [];
      let i = 0;
      for (const layer of this.layers) {
        const layerCache = cache?.[i++];
        const opts = layerCache ? { ...layerOptions, cache: layerCache } : layerOptions;
        if (needWeights) {
          const result = layer.forwardWithAttention(x, memory, opts);
          x = result.output;
          crossAttention.push(result.crossAttention);
        } else {
          x = layer.forward(x, memory, opts);
        }
      }
      return { output: this.norm ? this.norm.forward(x) : x, crossAttention };
    });
  }

  /** A self and a cross cache per layer, for incremental decoding. */
  createCache(): DecoderLayerCache[] {
    return Array.from(this.layers, (layer) => layer.createCache());
  }
}

/** Options of {@link Transformer}, with PyTorch's defaults. */
export interface TransformerOptions extends TransformerLayerOptions {
  /** D, the model width. Default 512. */
  dModel?: number;
  /** H, the number of heads. Default 8. */
  nHead?: number;
  /** Encoder layers. Default 6. */
  numEncoderLayers?: number;
  /** Decoder layers. Default 6. */
  numDecoderLayers?: number;
}

/** Options of {@link Transformer.forward}. */
export interface TransformerForwardOptions {
  /** Encoder self-attention mask `(S, S)`. */
  srcMask?: AttentionMask;
  /** Decoder self-attention mask `(T, T)`, usually {@link causalMask}. */
  tgtMask?: AttentionMask;
  /** Cross-attention mask `(T, S)`. */
  memoryMask?: AttentionMask;
  /** Boolean `(B, S)`: `true` marks source padding. */
  srcKeyPaddingMask?: KeyPaddingMask;
  /** Boolean `(B, T)`: `true` marks target padding. */
  tgtKeyPaddingMask?: KeyPaddingMask;
  /** Boolean `(B, S)`: source padding as seen by the decoder (usually the same as `srcKeyPaddingMask`). */
  memoryKeyPaddingMask?: KeyPaddingMask;
  /** Apply a causal mask in the decoder's self-attention. */
  tgtIsCausal?: boolean;
}

/**
 * The encoder-decoder Transformer of "Attention Is All You Need", as `torch.nn.Transformer` with
 * `batch_first=True`: inputs are already embedded (add an {@link Embedding} and a
 * {@link PositionalEncoding} in front, a {@link Linear} to the vocabulary behind).
 *
 * Keys: `encoder.layers.N.*`, `encoder.norm.*`, `decoder.layers.N.*`, `decoder.norm.*`. As in
 * PyTorch, every weight matrix is initialised Xavier-uniform.
 *
 * @example
 * ```ts
 * const model = new Transformer({ dModel: 16, nHead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32 });
 * model.forward(randn([2, 5, 16]), randn([2, 3, 16]), { tgtIsCausal: true }).shape; // [2, 3, 16]
 * ```
 */
export class Transformer extends Module {
  /** The encoder stack with its final norm. */
  readonly encoder: Encoder;
  /** The decoder stack with its final norm. */
  readonly decoder: Decoder;
  /** D, the model width. */
  readonly dModel: number;

  /** @param options - sizes and layer options; PyTorch's defaults when omitted */
  constructor(options: TransformerOptions = {}) {
    super();
    const {
      dModel = 512,
      nHead = 8,
      numEncoderLayers = 6,
      numDecoderLayers = 6,
      ...layerOptions
    } = options;
    // Checked here so errors name Transformer's own options, not those of the parts it builds.
    expectHeads('Transformer', dModel, nHead);
    const resolved = resolveLayerOptions('Transformer', layerOptions);
    expectPositiveInt('Transformer', 'numEncoderLayers', numEncoderLayers);
    expectPositiveInt('Transformer', 'numDecoderLayers', numDecoderLayers);
    this.dModel = dModel;
    const eps = { eps: resolved.layerNormEps };
    this.encoder = this.registerModule(
      'encoder',
      new Encoder(() => new EncoderLayer(dModel, nHead, layerOptions), numEncoderLayers, {
        norm: new LayerNorm(dModel, eps),
      }),
    );
    this.decoder = this.registerModule(
      'decoder',
      new Decoder(() => new DecoderLayer(dModel, nHead, layerOptions), numDecoderLayers, {
        norm: new LayerNorm(dModel, eps),
      }),
    );
    const rng = resolved.rng ? { rng: resolved.rng } : {};
    for (const p of this.parameters()) {
      if (p.ndim > 1) p.data.data.set(xavierUniform(p.shape as [number, number], rng).data.data);
    }
  }

  /**
   * Encodes the source: the encoder stack.
   * @param src - `(B, S, D)`
   * @returns memory `(B, S, D)`
   */
  encode(
    src: Tensor,
    options: Pick<TransformerForwardOptions, 'srcMask' | 'srcKeyPaddingMask'> = {},
  ): Tensor {
    return this.encoder.forward(src, {
      ...(options.srcMask !== undefined ? { srcMask: options.srcMask } : {}),
      ...(options.srcKeyPaddingMask !== undefined
        ? { srcKeyPaddingMask: options.srcKeyPaddingMask }
        : {}),
    });
  }

  /**
   * Decodes the target given the encoder's output: the decoder stack.
   * @param tgt - `(B, T, D)`
   * @param memory - `(B, S, D)`
   * @returns `(B, T, D)`
   */
  decode(tgt: Tensor, memory: Tensor, options: DecoderForwardOptions = {}): Tensor {
    return this.decoder.forward(tgt, memory, options);
  }

  /**
   * @param src - `(B, S, D)` embedded source
   * @param tgt - `(B, T, D)` embedded target
   * @returns `(B, T, D)`
   * @throws {@link ShapeError} if a shape disagrees
   */
  forward(src: Tensor, tgt: Tensor, options: TransformerForwardOptions = {}): Tensor {
    const where = 'Transformer.forward';
    expectInput(where, 'src', src, this.dtype);
    expectInput(where, 'tgt', tgt, this.dtype);
    const D: [string, number] = ['D', this.dModel];
    checkShapes(where, { src: [src, ['B', 'S', D]], tgt: [tgt, ['B', 'T', D]] });
    const { srcMask, srcKeyPaddingMask, ...decoderOptions } = options;
    return asCaller(where, () => this.decode(tgt, this.encode(src, options), decoderOptions));
  }
}
