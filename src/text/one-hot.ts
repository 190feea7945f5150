/**
 * One-hot vectors: the sparse word representation of the course slides, before embeddings.
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { allocate, contiguous, type DType, wrap } from '../ndarray/ndarray.js';
import { unravel } from '../ndarray/shape.js';
import { readNested } from '../ops/creation.js';

/** Integer ids for {@link oneHot}: a number, nested arrays of numbers, or a Tensor of integers. */
export type OneHotIds = number | readonly OneHotIds[] | Tensor;

/** Options of {@link oneHot}. */
export interface OneHotOptions {
  /** `'float32'` (default) or `'float64'`. */
  dtype?: DType;
}

/**
 * One-hot encodes integer ids, as `torch.nn.functional.one_hot(...).float()`: a 1 at each id's
 * position along a new last axis of size `numClasses`, 0 elsewhere. The result is a leaf with
 * no gradient (ids are not differentiable).
 *
 * @param ids - `(...)` integers in [0, numClasses)
 * @param numClasses - C, the size of the new last axis (e.g. `vocab.size`)
 * @returns `(..., C)` float tensor
 * @example
 * ```ts
 * oneHot([2, 0], 3).toArray();             // [[0, 0, 1], [1, 0, 0]]
 * oneHot([[1, 3], [0, 2]], 4).shape;       // [2, 2, 4]
 * oneHot(tensor([4]), 5, { dtype: 'float64' }).dtype; // 'float64'
 * ```
 * @throws RangeError naming the first id (with its index) that is not an integer in [0, numClasses)
 * @throws {@link ShapeError} for ragged nested arrays
 */
export function oneHot(ids: OneHotIds, numClasses: number, options: OneHotOptions = {}): Tensor {
  const { dtype = 'float32' } = options;
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(
      `oneHot: numClasses must be a positive integer; got ${String(numClasses)}`,
    );
  }
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new TypeError(`oneHot: dtype must be 'float32' or 'float64'; got ${String(dtype)}`);
  }
  const { values, shape } = flattenIds(ids);
  const out = allocate(values.length * numClasses, dtype);
  for (let i = 0; i < values.length; i++) {
    const id = values[i] as number;
    if (!Number.isInteger(id) || id < 0 || id >= numClasses) {
      const what = Number.isInteger(id) ? 'out of range' : 'not an integer';
      throw new RangeError(
        `oneHot: ids${unravel(i, shape)
          .map((at) => `[${at}]`)
          .join('')} is ${what}; expected an integer in [0, ${numClasses}), got ${id}`,
      );
    }
    out[i * numClasses + id] = 1;
  }
  return new Tensor(wrap(out, [...shape, numClasses]));
}

/** The ids in row-major order and their shape. */
function flattenIds(ids: OneHotIds): { values: ArrayLike<number>; shape: number[] } {
  if (ids instanceof Tensor) {
    const flat = contiguous(ids.data);
    return { values: flat.data.subarray(flat.offset, flat.offset + flat.size), shape: ids.shape };
  }
  return readNested('oneHot', 'ids', ids, (value, path) => {
    if (typeof value !== 'number') {
      throw new TypeError(`oneHot: ${path()} must be a number; got ${describe(value)}`);
    }
    return value;
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
