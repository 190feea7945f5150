/**
 * The embedding table: integer ids to learned vectors.
 * @module
 */

import { Tensor } from '../autograd/tensor.js';
import { show } from '../errors.js';
import { contiguous } from '../ndarray/ndarray.js';
import type { Rng } from '../ndarray/random.js';
import { unravel } from '../ndarray/shape.js';
import { readNested, tensor } from '../ops/creation.js';
import { indexSelect } from '../ops/primitive/index-select.js';
import { reshape } from '../ops/primitive/movement.js';
import { where } from '../ops/primitive/where.js';
import { expectPositiveInt } from './checks.js';
import { standardNormal } from './init.js';
import { Module, type Parameter } from './module.js';

/** Token ids: nested arrays of integers (`[B, T]` usually) or a Tensor holding integers. */
export type Ids = number | readonly Ids[] | Tensor;

/** Options of {@link Embedding}. */
export interface EmbeddingOptions {
  /** An id whose row is initialised to zeros and never receives a gradient (negative counts from the end). */
  paddingIdx?: number;
  /** Generator for the initial weights. */
  rng?: Rng;
}

/**
 * Flattens and validates ids, naming the first bad one by its nested index (`ids[1][2]`);
 * `arg` is the argument's name in messages.
 */
export function flattenIds(
  where: string,
  ids: Ids,
  limit: number,
  arg = 'ids',
): { values: Int32Array; shape: number[] } {
  const check = (v: unknown, path: () => string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= limit) {
      const what = typeof v === 'number' && Number.isInteger(v) ? 'out of range' : 'not an integer';
      throw new RangeError(
        `${where}: ${path()} is ${what}; expected an integer in [0, ${limit}), got ${show(v)}`,
      );
    }
    return v;
  };
  if (ids instanceof Tensor) {
    const shape = ids.data.shape.slice();
    const flat = contiguous(ids.data);
    const values = new Int32Array(flat.size);
    for (let i = 0; i < values.length; i++)
      values[i] = check(
        flat.data[flat.offset + i],
        () =>
          arg +
          unravel(i, shape)
            .map((at) => `[${at}]`)
            .join(''),
      );
    return { values, shape };
  }
  if (typeof ids !== 'number' && !Array.isArray(ids)) {
    const got = ids === null ? 'null' : typeof ids;
    throw new TypeError(
      `${where}: ${arg} must be integers in nested arrays or a Tensor; got ${got}`,
    );
  }
  const { values, shape } = readNested(where, arg, ids, check);
  return { values: Int32Array.from(values), shape };
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`, as `torch.nn.Embedding`:
 * each id selects one row of `weight`. Repeated ids each add their gradient to the row.
 *
 * Parameters: `weight (V, E)`, initialised from N(0, 1); the `paddingIdx` row starts at zero and
 * gets no gradient.
 *
 * @example
 * ```ts
 * const embed = new Embedding(11, 6, { paddingIdx: 0 });
 * embed.forward([[1, 5, 0], [7, 7, 0]]).shape; // [2, 3, 6]
 * ```
 */
export class Embedding extends Module {
  /** `(V, E)` */
  readonly weight: Parameter;
  /** V: the number of ids. */
  readonly numEmbeddings: number;
  /** E: the size of each vector. */
  readonly embeddingDim: number;
  /** The padding id (normalised to [0, V)), or null. */
  readonly paddingIdx: number | null;

  /**
   * @param numEmbeddings - V, the vocabulary size
   * @param embeddingDim - E, the vector size
   */
  constructor(
    numEmbeddings: number,
    embeddingDim: number,
    { paddingIdx, rng }: EmbeddingOptions = {},
  ) {
    super();
    this.numEmbeddings = expectPositiveInt('Embedding', 'numEmbeddings', numEmbeddings);
    this.embeddingDim = expectPositiveInt('Embedding', 'embeddingDim', embeddingDim);
    if (
      paddingIdx !== undefined &&
      (!Number.isInteger(paddingIdx) || paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings)
    ) {
      throw new RangeError(
        `Embedding: paddingIdx must be an integer in [${-numEmbeddings}, ${numEmbeddings - 1}]; got ${paddingIdx}`,
      );
    }
    this.paddingIdx =
      paddingIdx === undefined ? null : paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    const weight = standardNormal([numEmbeddings, embeddingDim], { rng });
    if (this.paddingIdx !== null)
      weight.data.data.fill(
        0,
        this.paddingIdx * embeddingDim,
        (this.paddingIdx + 1) * embeddingDim,
      );
    this.weight = this.registerParameter('weight', weight);
  }

  /**
   * @param ids - `(B, T)` (any shape) integer ids in [0, V): nested arrays or a Tensor
   * @returns `(B, T, E)`: the ids' shape plus the vector axis
   * @throws RangeError naming the first id that is not an integer in [0, V)
   */
  forward(ids: Ids): Tensor {
    const { values, shape } = flattenIds('Embedding.forward', ids, this.numEmbeddings);
    const rows = indexSelect(this.weight, 0, values); // (N, E)
    const out = reshape(rows, [...shape, this.embeddingDim]); // (B, T, E)
    const pad = this.paddingIdx;
    if (pad === null || !values.includes(pad)) return out;
    // The padding positions read the row through a detached copy, so no gradient reaches it.
    const isPad = tensor(
      Array.from(values, (v) => (v === pad ? 1 : 0)),
      { shape: [...shape, 1] },
    );
    return where(isPad, out.detach(), out);
  }
}
