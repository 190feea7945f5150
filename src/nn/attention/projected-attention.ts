/**
 * The machinery of multi-head attention shared by MultiHeadAttention (self and cross) and
 * EncoderDecoderAttention: PyTorch's packed projection parameters, head splitting, masks.
 * @module
 */
import type { Tensor } from '../../autograd/tensor.js';
import { checkShapes } from '../../errors.js';
import type { Rng } from '../../ndarray/random.js';
import { scaledDotProductAttention } from '../../ops/composite/attention.js';
import { mean } from '../../ops/composite/reduce.js';
import { add } from '../../ops/primitive/elementwise.js';
import { linear } from '../../ops/primitive/linear.js';
import { narrow, permute, reshape } from '../../ops/primitive/movement.js';
import { expectDropout, expectHeads, expectInput } from '../checks.js';
import { constant, xavierUniform } from '../init.js';
import { Linear } from '../linear.js';
import { Module, type Parameter } from '../module.js';
import type { AttentionCache } from './attention-cache.js';
import {
  type AttentionMask,
  additiveAttnMask,
  additiveKeyPadding,
  type KeyPaddingMask,
  rectangularCausalMask,
} from './masks.js';

/** Options of {@link MultiHeadAttention} and {@link EncoderDecoderAttention}. */
export interface AttentionModuleOptions {
  /** Learn the projection biases (default true); when false `in_proj_bias` and `out_proj.bias` do not exist. */
  bias?: boolean;
  /** Dropout on the attention weights in training mode. Default 0. */
  dropout?: number;
  /** Generator for the initial weights and the dropout masks. */
  rng?: Rng;
}

/** What to do about weights and masks in one attention call (the public options map onto this). */
export interface AttendOptions {
  attnMask?: AttentionMask | undefined;
  cache?: AttentionCache | undefined;
  keyPaddingMask?: KeyPaddingMask | undefined;
  isCausal?: boolean | undefined;
  needWeights?: boolean | undefined;
  averageAttnWeights?: boolean | undefined;
}

/** The names the calling layer gives its arguments, for error messages. */
export interface ArgumentNames {
  /** The public call, e.g. `'DecoderLayer.forward'`. */
  where: string;
  query: string;
  key: string;
  value: string;
  attnMask: string;
  keyPaddingMask: string;
}

/** The result of an attention layer. */
export interface AttentionOutput {
  /** `(B, T, E)` */
  output: Tensor;
  /** `(B, T, S)` averaged over heads, `(B, H, T, S)` per head, or null when not requested. */
  weights: Tensor | null;
}

/**
 * Parameters, as `torch.nn.MultiheadAttention`: `in_proj_weight (3E, E)` (rows: query, key,
 * value projections; Xavier-uniform), `in_proj_bias (3E)` (zeros), `out_proj.weight (E, E)`,
 * `out_proj.bias (E)` (zeros).
 */
export abstract class ProjectedAttention extends Module {
  /** `(3E, E)`: the query, key and value projections stacked. */
  readonly inProjWeight: Parameter;
  /** `(3E)`, or null without bias. */
  readonly inProjBias: Parameter | null;
  /** The output projection `(E, E)`; PyTorch's key `out_proj`. */
  readonly outProj: Linear;
  /** E: the model width. */
  readonly embedDim: number;
  /** H: the number of heads. */
  readonly numHeads: number;
  /** D = E / H: the width of each head. */
  readonly headDim: number;
  /** Dropout probability on the attention weights. */
  readonly dropout: number;
  readonly #rng: Rng | undefined;

  protected constructor(
    name: string,
    embedDim: number,
    numHeads: number,
    { bias = true, dropout = 0, rng }: AttentionModuleOptions,
  ) {
    super();
    expectHeads(name, embedDim, numHeads, ['embedDim', 'numHeads']);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.dropout = expectDropout(name, dropout);
    this.#rng = rng;
    this.inProjWeight = this.registerParameter(
      'in_proj_weight',
      xavierUniform([3 * embedDim, embedDim], { rng }),
    );
    this.inProjBias = bias
      ? this.registerParameter('in_proj_bias', constant([3 * embedDim], 0))
      : null;
    this.outProj = this.registerModule(
      'out_proj',
      new Linear(embedDim, embedDim, { bias, ...(rng ? { rng } : {}) }),
    );
    if (this.outProj.bias) this.outProj.bias.data.data.fill(0);
  }

  /** Projection `k` (0 query, 1 key, 2 value) of `x (B, L, E)`, split into heads `(B, H, L, D)`. */
  #project(x: Tensor, k: number): Tensor {
    const E = this.embedDim;
    const weight = narrow(this.inProjWeight, 0, k * E, E); // (E, E)
    const bias = this.inProjBias ? narrow(this.inProjBias, 0, k * E, E) : null;
    return this.#splitHeads(linear(x, weight, bias));
  }

  /** `(B, L, E)` → `(B, H, L, D)`. */
  #splitHeads(x: Tensor): Tensor {
    const [B, L] = x.data.shape as [number, number];
    return permute(reshape(x, [B, L, this.numHeads, this.headDim]), [0, 2, 1, 3]);
  }

  /**
   * @internal Attends from `query (B, T, E)` to `key`/`value (B, S, E)`; checks shapes and
   * dtypes under the caller's argument names, builds the additive mask, applies the output
   * projection. The transformer layers call it so that errors name their own arguments.
   */
  attend(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options: AttendOptions,
    names: ArgumentNames,
  ): AttentionOutput {
    const where = names.where;
    const dtype = this.inProjWeight.dtype;
    const { query: qName, key: kName, value: vName } = names;
    expectInput(where, qName, query, dtype);
    expectInput(where, kName, key, dtype);
    expectInput(where, vName, value, dtype);
    const E: [string, number] = ['E', this.embedDim];
    // A layer's self-attention names query, key and value alike ('src'); check each tensor once.
    const specs: Parameters<typeof checkShapes>[1] = { [qName]: [query, ['B', 'T', E]] };
    if (kName !== qName) specs[kName] = [key, ['B', 'S', E]];
    if (vName !== qName && vName !== kName) specs[vName] = [value, ['B', 'S', E]];
    const sizes = checkShapes(where, specs);
    const B = sizes.B as number;
    const T = sizes.T as number;
    const H = this.numHeads;
    const cache = options.cache;
    const past = cache?.kind === 'self' ? cache.length : 0;

    let queries: Tensor;
    let keys: Tensor;
    let values: Tensor;
    if (cache?.kind === 'cross' && cache.keys && cache.values) {
      // The memory's keys and values do not change while decoding: project them once.
      queries = this.#project(query, 0); // (B, H, T, D)
      keys = cache.keys;
      values = cache.values;
    } else if (query === key && key === value) {
      // Self-attention: one projection to (B, T, 3E), then split, as PyTorch's packed path.
      const packed = linear(query, this.inProjWeight, this.inProjBias); // (B, T, 3E)
      const E3 = this.embedDim;
      queries = this.#splitHeads(narrow(packed, 2, 0, E3));
      keys = this.#splitHeads(narrow(packed, 2, E3, E3));
      values = this.#splitHeads(narrow(packed, 2, 2 * E3, E3));
    } else {
      queries = this.#project(query, 0); // (B, H, T, D)
      keys = this.#project(key, 1); // (B, H, S, D)
      values = this.#project(value, 2); // (B, H, S, D)
    }
    if (cache && !(cache.kind === 'cross' && cache.keys))
      ({ keys, values } = cache.update(keys, values));
    const S = keys.data.shape[2] as number; // cached positions included

    let mask: Tensor | null = null;
    const combine = (m: Tensor) => {
      mask = mask ? add(mask, m) : m;
    };
    if (options.attnMask !== undefined) {
      combine(additiveAttnMask(where, names.attnMask, options.attnMask, { B, H, T, S }, dtype));
    }
    // New position i is absolute position past + i: it may see keys up to there.
    if (options.isCausal) combine(rectangularCausalMask(T, S, dtype, past));
    if (options.keyPaddingMask !== undefined) {
      combine(
        additiveKeyPadding(where, names.keyPaddingMask, options.keyPaddingMask, { B, S }, dtype),
      );
    }
    const attended = scaledDotProductAttention(queries, keys, values, {
      mask,
      dropout: this.dropout,
      training: this.training,
      rng: this.#rng,
    });
    const merged = reshape(permute(attended.output, [0, 2, 1, 3]), [B, T, this.embedDim]); // (B, T, E)
    const output = this.outProj.forward(merged);
    if (options.needWeights === false) return { output, weights: null };
    const weights =
      options.averageAttnWeights === false ? attended.weights : mean(attended.weights, 1); // (B, T, S)
    return { output, weights };
  }
}
