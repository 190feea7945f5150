/**
 * Movement: reshape, permute, expand, narrow (a slice along one axis) and concat. The first four
 * return views that share storage where the layout allows; backward passes move the gradient
 * back the same way.
 * @module
 */
import { record } from '../../autograd/record.js';
import type { Tensor } from '../../autograd/tensor.js';
import { formatShape, ShapeError } from '../../errors.js';
import * as nd from '../../ndarray/movement.js';
import {
  broadcastShapes,
  checkSize,
  normalizeAxis,
  sameShape,
  sizeOf,
} from '../../ndarray/shape.js';
import { expectSameDtype, expectTensor } from '../operands.js';

/**
 * The same elements in a new shape (row-major order); one size may be -1 to be inferred.
 * A view when the input is contiguous.
 * @throws {@link ShapeError} when the sizes do not multiply to the input's size
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor('reshape', 'x', x);
  const from = x.data.shape;
  const inferred = shape.indexOf(-1);
  if (
    shape.some((s, i) => i !== inferred && (!Number.isInteger(s) || s < 0)) ||
    shape.lastIndexOf(-1) !== inferred
  ) {
    throw new RangeError(
      `reshape: shape must hold non-negative integers and at most one -1; got ${formatShape(shape)}`,
    );
  }
  const target = shape.slice();
  if (inferred >= 0) {
    const known = sizeOf(shape.filter((_, i) => i !== inferred));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `reshape: shape ${formatShape(shape)} cannot hold ${x.size} elements; input ${formatShape(from)}`,
      );
    }
    target[inferred] = x.size / known;
  }
  if (sizeOf(target) !== x.size) {
    throw new ShapeError(
      `reshape: shape has ${sizeOf(target)} elements but the input has ${x.size}; expected a shape of ${x.size} elements, got ${formatShape(shape)} for input ${formatShape(from)}`,
    );
  }
  return record('reshape', [x], nd.reshape(x.data, target), (grad) => [nd.reshape(grad, from)]);
}

/**
 * Reorders the axes: axis `d` of the result is axis `dims[d]` of `x`. Returns a view.
 * @throws RangeError unless `dims` is a permutation of the axes
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  expectTensor('permute', 'x', x);
  const ndim = x.ndim;
  const axes = dims.map((d) => normalizeAxis('permute', d, ndim, 'dims'));
  if (axes.length !== ndim || new Set(axes).size !== ndim) {
    throw new RangeError(
      `permute: dims must list each of the ${ndim} axes once; expected a permutation of [${[...Array(ndim).keys()].join(', ')}], got [${dims.join(', ')}]`,
    );
  }
  const inverse = new Array<number>(ndim);
  axes.forEach((a, d) => {
    inverse[a] = d;
  });
  return record('permute', [x], nd.permute(x.data, axes), (grad) => [nd.permute(grad, inverse)]);
}

/**
 * Broadcasts `x` to `shape` without copying (a -1 keeps that axis's size); the gradient is summed
 * back over the repeated axes by the engine.
 * @throws {@link ShapeError} when `x` does not broadcast to `shape`
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor('expand', 'x', x);
  const lead = shape.length - x.ndim;
  if (lead < 0) {
    throw new ShapeError(
      `expand: shape has fewer axes than x; expected at least ${x.ndim}, got ${formatShape(shape)}`,
    );
  }
  const target = shape.map((s, d) =>
    s === -1 && d >= lead
      ? (x.data.shape[d - lead] as number)
      : checkSize('expand', `shape[${d}]`, s),
  );
  const result = broadcastShapes('expand', x.data.shape, target);
  if (!sameShape(result, target)) {
    throw new ShapeError(
      `expand: ${formatShape(x.data.shape)} cannot be expanded to ${formatShape(target)}`,
    );
  }
  return record('expand', [x], nd.expand(x.data, target), (grad) => [grad]);
}

/**
 * `length` entries of axis `dim` starting at `start` (`x.narrow(1, 2, 3)` is `x[:, 2:5]`). A view.
 * @throws RangeError when the range leaves the axis
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  expectTensor('narrow', 'x', x);
  const axis = normalizeAxis('narrow', dim, x.ndim);
  const size = x.data.shape[axis] as number;
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(length) ||
    start < 0 ||
    length < 0 ||
    start + length > size
  ) {
    throw new RangeError(
      `narrow: start ${start} and length ${length} leave dim ${dim}; expected 0 <= start <= start + length <= ${size}, shape ${formatShape(x.data.shape)}`,
    );
  }
  const shape = x.data.shape;
  return record('narrow', [x], nd.slice(x.data, axis, start, length), (grad) => [
    { kind: 'slice', shape, axis, start, grad },
  ]);
}

/**
 * Joins tensors along `dim`; every other axis must agree.
 * @throws {@link ShapeError} naming the first tensor whose other axes differ
 */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) {
    throw new TypeError(
      'concat: tensors must be a non-empty array of Tensors; got an empty or non-array value',
    );
  }
  tensors.forEach((t, i) => {
    expectTensor('concat', `tensors[${i}]`, t);
  });
  const first = tensors[0] as Tensor;
  expectSameDtype('concat', Object.fromEntries(tensors.map((t, i) => [`tensors[${i}]`, t])));
  const axis = normalizeAxis('concat', dim, first.ndim);
  tensors.forEach((t, i) => {
    const same =
      t.ndim === first.ndim &&
      t.data.shape.every((s, d) => d === axis || s === first.data.shape[d]);
    if (!same) {
      throw new ShapeError(
        `concat: tensors[${i}] differs from tensors[0] outside dim ${dim}; tensors[0] ${formatShape(first.data.shape)}, tensors[${i}] ${formatShape(t.data.shape)}`,
      );
    }
  });
  const lengths = tensors.map((t) => t.data.shape[axis] as number);
  return record(
    'concat',
    tensors,
    nd.concat(
      tensors.map((t) => t.data),
      axis,
    ),
    (grad) => {
      let start = 0;
      return lengths.map((length) => {
        const part = nd.slice(grad, axis, start, length);
        start += length;
        return part;
      });
    },
  );
}
