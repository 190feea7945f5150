/**
 * A learned table of position vectors, the GPT-style alternative to the sinusoidal encoding.
 * @module
 */
import type { Tensor } from '../autograd/tensor.js';
import { checkShapes, ShapeError } from '../errors.js';
import type { Rng } from '../ndarray/random.js';
import { add } from '../ops/primitive/elementwise.js';
import { narrow } from '../ops/primitive/movement.js';
import { checkOffset, checkPositions, expectInput, expectPositiveInt } from './checks.js';
import { standardNormal } from './init.js';
import { Module, type Parameter } from './module.js';

/**
 * Adds a learned vector per position: `x + weight[:T]`. Unlike {@link PositionalEncoding} the
 * table is trained, so it cannot extrapolate past `maxLen`.
 *
 * Parameters: `weight (maxLen, E)`, initialised from N(0, 1) as `torch.nn.Embedding` (PyTorch
 * models write it as `nn.Embedding(maxLen, E)` indexed by `arange(T)`; the key is the same).
 *
 * @example
 * ```ts
 * const positions = new LearnedPositionalEmbedding(32, 16);
 * positions.forward(randn([2, 7, 16])).shape; // [2, 7, 16]
 * ```
 */
export class LearnedPositionalEmbedding extends Module {
  /** `(maxLen, E)` */
  readonly weight: Parameter;
  /** The longest sequence accepted. */
  readonly maxLen: number;
  /** E: the embedding width. */
  readonly embeddingDim: number;

  /**
   * @param maxLen - the number of positions
   * @param embeddingDim - E
   */
  constructor(maxLen: number, embeddingDim: number, { rng }: { rng?: Rng } = {}) {
    super();
    this.maxLen = expectPositiveInt('LearnedPositionalEmbedding', 'maxLen', maxLen);
    this.embeddingDim = expectPositiveInt(
      'LearnedPositionalEmbedding',
      'embeddingDim',
      embeddingDim,
    );
    this.weight = this.registerParameter('weight', standardNormal([maxLen, embeddingDim], { rng }));
  }

  /**
   * @param x - `(B, T, E)`, offset + T <= maxLen
   * @param options - `offset`: the position of x's first step (for incremental decoding), default 0
   * @returns `(B, T, E)`: `x + weight[offset : offset + T]`
   * @throws {@link ShapeError} if E differs or offset + T exceeds maxLen
   */
  forward(x: Tensor, { offset = 0 }: { offset?: number } = {}): Tensor {
    expectInput('LearnedPositionalEmbedding.forward', 'x', x, this.weight.dtype);
    const { T } = checkShapes('LearnedPositionalEmbedding.forward', {
      x: [x, ['B', 'T', ['E', this.embeddingDim]]],
    });
    checkOffset('LearnedPositionalEmbedding.forward', offset);
    checkPositions('LearnedPositionalEmbedding.forward', 'x', x.shape, {
      offset,
      maxLen: this.maxLen,
      expected: `(B, T<=${this.maxLen}, E=${this.embeddingDim})`,
    });
    return add(x, narrow(this.weight, 0, offset, T as number));
  }
}
