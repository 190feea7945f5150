/**
 * Gathering entries along an axis by integer index; the backward pass scatter-adds, so an index
 * used twice (a repeated token id) receives the sum of both gradients.
 * @module
 */
import { record } from '../../autograd/record.js';
import { Tensor } from '../../autograd/tensor.js';
import { indexAdd, indexSelect as select } from '../../ndarray/movement.js';
import { contiguous } from '../../ndarray/ndarray.js';
import { normalizeAxis } from '../../ndarray/shape.js';
import { expectTensor, toIndices } from '../operands.js';

/** Indices as a flat list: numbers, an Int32Array, or a Tensor of integer values. */
export type IndexLike = readonly number[] | Int32Array | Tensor;

function flatIndices(where: string, index: IndexLike, limit: number): Int32Array {
  if (index instanceof Tensor) {
    const flat = contiguous(index.data);
    return toIndices(
      where,
      'index',
      flat.data.subarray(flat.offset, flat.offset + flat.size),
      limit,
    );
  }
  if (!Array.isArray(index) && !(index instanceof Int32Array)) {
    throw new TypeError(
      `${where}: index must be an array of integers, an Int32Array or a Tensor; got ${typeof index}`,
    );
  }
  return toIndices(where, 'index', index, limit);
}

/**
 * The entries `index` of axis `dim` of `x`, in order (`torch.index_select`); the result has
 * `index.length` entries on that axis.
 *
 * @example
 * ```ts
 * const table = randn([10, 4]);                 // (V, E)
 * indexSelect(table, 0, [3, 3, 7]).shape;       // [3, 4]: rows 3, 3 and 7
 * ```
 * @throws RangeError for an index that is not an integer in [0, size of dim)
 */
export function indexSelect(x: Tensor, dim: number, index: IndexLike): Tensor {
  expectTensor('indexSelect', 'x', x);
  const axis = normalizeAxis('indexSelect', dim, x.ndim);
  const shape = x.data.shape;
  const ids = flatIndices('indexSelect', index, shape[axis] as number);
  return record('indexSelect', [x], select(x.data, axis, ids), (grad) => [
    indexAdd(grad, shape, axis, ids),
  ]);
}
