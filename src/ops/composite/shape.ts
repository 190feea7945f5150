/**
 * Shape helpers built from reshape, permute, narrow and concat.
 * @module
 */
import { Tensor } from '../../autograd/tensor.js';
import { formatShape, ShapeError } from '../../errors.js';
import { normalizeAxis, sameShape } from '../../ndarray/shape.js';
import { expectTensor } from '../operands.js';
import { concat, narrow, permute, reshape } from '../primitive/movement.js';

/** Swaps axes `dim0` and `dim1` (a view). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  expectTensor('transpose', 'x', x);
  const a = normalizeAxis('transpose', dim0, x.ndim, 'dim0');
  const b = normalizeAxis('transpose', dim1, x.ndim, 'dim1');
  const dims = x.data.shape.map((_, d) => (d === a ? b : d === b ? a : d));
  return permute(x, dims);
}

/** Inserts an axis of size 1 at `dim` (which may be `ndim`, to append). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  expectTensor('unsqueeze', 'x', x);
  const axis = normalizeAxis('unsqueeze', dim, x.ndim + 1);
  const shape = x.data.shape.slice();
  shape.splice(axis, 0, 1);
  return reshape(x, shape);
}

/**
 * Removes every axis of size 1, or only `dim` when given. Like PyTorch, squeezing an axis that is
 * not size 1 changes nothing, but still returns a new view.
 */
export function squeeze(x: Tensor, dim?: number): Tensor {
  expectTensor('squeeze', 'x', x);
  const shape = x.data.shape;
  const axis = dim === undefined ? null : normalizeAxis('squeeze', dim, x.ndim);
  const kept = shape.filter((size, d) => size !== 1 || (axis !== null && d !== axis));
  return reshape(x, kept);
}

/**
 * Entry `index` of axis `dim`, dropping that axis: `x.select(1, t)` is `x[:, t]`. A negative
 * index counts from the end.
 * @throws RangeError when `index` is outside the axis
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  expectTensor('select', 'x', x);
  const axis = normalizeAxis('select', dim, x.ndim);
  const size = x.data.shape[axis] as number;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new RangeError(
      `select: index is out of range for dim ${dim}; expected an integer in [${-size}, ${size - 1}], got ${index}`,
    );
  }
  const at = index < 0 ? index + size : index;
  return reshape(
    narrow(x, axis, at, 1),
    x.data.shape.filter((_, d) => d !== axis),
  );
}

/** Stacks same-shaped tensors along a new axis `dim`. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) {
    throw new TypeError(
      'stack: tensors must be a non-empty array of Tensors; got an empty or non-array value',
    );
  }
  const first = expectTensor('stack', 'tensors[0]', tensors[0]);
  const axis = normalizeAxis('stack', dim, first.ndim + 1);
  tensors.forEach((t, i) => {
    if (t instanceof Tensor && !sameShape(t.data.shape, first.data.shape)) {
      throw new ShapeError(
        `stack: tensors[${i}] has a different shape from tensors[0]; tensors[0] ${formatShape(first.data.shape)}, tensors[${i}] ${formatShape(t.data.shape)}`,
      );
    }
  });
  return concat(
    tensors.map((t, i) => unsqueeze(expectTensor('stack', `tensors[${i}]`, t), axis)),
    axis,
  );
}
