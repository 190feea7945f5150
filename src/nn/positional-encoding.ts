/**
 * The sinusoidal positional encoding of "Attention Is All You Need".
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { checkShapes, ShapeError } from '../errors.js';
import { allocate, type DType, wrap } from '../ndarray/ndarray.js';
import type { Rng } from '../ndarray/random.js';
import { dropout } from '../ops/composite/dropout.js';
import { expectTensor } from '../ops/operands.js';
import { add } from '../ops/primitive/elementwise.js';
import { narrow } from '../ops/primitive/movement.js';
import { checkOffset, checkPositions, expectDropout, expectPositiveInt } from './checks.js';
import { Module } from './module.js';

/**
 * The table `(maxLen, dModel)` with PE(pos, 2i) = sin(pos / 10000^(2i/dModel)) and
 * PE(pos, 2i+1) = cos(pos / 10000^(2i/dModel)). Odd `dModel` works: the last column is a sine.
 * Computed in double precision.
 *
 * @example
 * ```ts
 * const table = positionalEncodingTable(50, 16); // (maxLen, dModel)
 * table.select(0, 0).toArray(); // position 0: [0, 1, 0, 1, …]
 * ```
 */
export function positionalEncodingTable(
  maxLen: number,
  dModel: number,
  { dtype = 'float32' }: { dtype?: DType } = {},
): Tensor {
  expectPositiveInt('positionalEncodingTable', 'maxLen', maxLen);
  expectPositiveInt('positionalEncodingTable', 'dModel', dModel);
  const out = allocate(maxLen * dModel, dtype);
  for (let i = 0; 2 * i < dModel; i++) {
    const frequency = 1 / 10000 ** ((2 * i) / dModel);
    for (let pos = 0; pos < maxLen; pos++) {
      const angle = pos * frequency;
      out[pos * dModel + 2 * i] = Math.sin(angle);
      if (2 * i + 1 < dModel) out[pos * dModel + 2 * i + 1] = Math.cos(angle);
    }
  }
  return new Tensor(wrap(out, [maxLen, dModel]));
}

/** Options of {@link PositionalEncoding}. */
export interface PositionalEncodingOptions {
  /** The longest sequence it accepts. Default 5000. */
  maxLen?: number;
  /** Dropout applied to the sum in training mode. Default 0. */
  dropout?: number;
  /** Generator for the dropout masks. */
  rng?: Rng;
}

/**
 * Adds the sinusoidal encoding to a batch of embeddings: `x + PE[:T]`, then dropout.
 *
 * It has no parameters and nothing in its state dict: the table is a fixed function of
 * `(maxLen, dModel)`, computed on first use for the lengths seen so far. (PyTorch has no such
 * module; its tutorial registers a buffer `pe`. Loading such a checkpoint strictly fails naming
 * the unexpected key `pe`; load it with `{ strict: false }`.)
 *
 * @example
 * ```ts
 * const encode = new PositionalEncoding(16, { maxLen: 100 });
 * encode.forward(randn([2, 7, 16])).shape; // [2, 7, 16]
 * ```
 */
export class PositionalEncoding extends Module {
  /** The embedding width. */
  readonly dModel: number;
  /** The longest sequence accepted. */
  readonly maxLen: number;
  /** Dropout probability. */
  readonly dropout: number;
  readonly #rng: Rng | undefined;
  readonly #tables = new Map<DType, Tensor>();

  /** @param dModel - the embedding width D */
  constructor(dModel: number, { maxLen = 5000, dropout = 0, rng }: PositionalEncodingOptions = {}) {
    super();
    this.dModel = expectPositiveInt('PositionalEncoding', 'dModel', dModel);
    this.maxLen = expectPositiveInt('PositionalEncoding', 'maxLen', maxLen);
    this.dropout = expectDropout('PositionalEncoding', dropout);
    this.#rng = rng;
  }

  /** Rows `[offset, offset + count)` of the table in `dtype`, grown (doubling) as longer inputs arrive. */
  #rows(offset: number, count: number, dtype: DType): Tensor {
    const length = offset + count;
    let table = this.#tables.get(dtype);
    if (!table || (table.shape[0] as number) < length) {
      const rows = Math.min(
        this.maxLen,
        Math.max(length, 2 * ((table?.shape[0] as number) ?? 0), 64),
      );
      table = positionalEncodingTable(rows, this.dModel, { dtype });
      this.#tables.set(dtype, table);
    }
    return narrow(table, 0, offset, count);
  }

  /**
   * @param x - `(B, T, D)` embeddings, offset + T <= maxLen
   * @param options - `offset`: the position of x's first step (for incremental decoding), default 0
   * @returns `(B, T, D)`: `x + PE[offset : offset + T]`
   * @throws {@link ShapeError} if D is not dModel or offset + T exceeds maxLen
   */
  forward(x: Tensor, { offset = 0 }: { offset?: number } = {}): Tensor {
    expectTensor('PositionalEncoding.forward', 'x', x);
    const { T } = checkShapes('PositionalEncoding.forward', {
      x: [x, ['B', 'T', ['D', this.dModel]]],
    });
    checkOffset('PositionalEncoding.forward', offset);
    checkPositions('PositionalEncoding.forward', 'x', x.shape, {
      offset,
      maxLen: this.maxLen,
      expected: `(B, T<=${this.maxLen}, D=${this.dModel})`,
    });
    const rows = this.#rows(offset, T as number, x.dtype); // (T, D)
    return dropout(add(x, rows), this.dropout, this.training, this.#rng);
  }
}
