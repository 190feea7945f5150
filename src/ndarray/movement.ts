/**
 * Movement kernels: views that share storage (permute, expand, slice) and copies (reshape of a
 * non-contiguous view, concat, index select and its scatter-add).
 * @module
 */
import { assignInto, contiguous, dtypeOf, type NDArray, view, wrap, zerosND } from './ndarray.js';
import { splitAt } from './shape.js';

/** A view with axes reordered: axis `d` of the result is axis `dims[d]` of `a`. */
export function permute(a: NDArray, dims: readonly number[]): NDArray {
  return view(
    a.data,
    dims.map((d) => a.shape[d] as number),
    dims.map((d) => a.stride[d] as number),
    a.offset,
  );
}

/** A view of `a` broadcast to `shape` (stride 0 on the repeated axes); no data is copied. */
export function expand(a: NDArray, shape: readonly number[]): NDArray {
  const lead = shape.length - a.shape.length;
  const stride = shape.map((size, d) => {
    if (d < lead) return 0;
    return a.shape[d - lead] === 1 && size !== 1 ? 0 : (a.stride[d - lead] as number);
  });
  return view(a.data, shape, stride, a.offset);
}

/** A view of `length` entries of `axis` starting at `start`. */
export function slice(a: NDArray, axis: number, start: number, length: number): NDArray {
  const shape = a.shape.slice();
  shape[axis] = length;
  return view(a.data, shape, a.stride, a.offset + start * (a.stride[axis] as number));
}

/** `a` with a new shape of the same size; a view when `a` is contiguous, else a copy. */
export function reshape(a: NDArray, shape: readonly number[]): NDArray {
  const x = contiguous(a);
  return wrap(x.data, shape, x.offset);
}

/** Joins arrays of equal shape except along `axis`. */
export function concat(arrays: readonly NDArray[], axis: number): NDArray {
  const first = arrays[0] as NDArray;
  const shape = first.shape.slice();
  shape[axis] = arrays.reduce((n, a) => n + (a.shape[axis] as number), 0);
  const out = zerosND(shape, dtypeOf(first));
  let start = 0;
  for (const a of arrays) {
    const length = a.shape[axis] as number;
    assignInto(slice(out, axis, start, length), a);
    start += length;
  }
  return out;
}

/** Entries `indices` of `axis` (indices already validated); the result has `indices.length` there. */
export function indexSelect(a: NDArray, axis: number, indices: Int32Array): NDArray {
  const x = contiguous(a);
  const [outer, n, inner] = splitAt(x.shape, axis);
  const shape = x.shape.slice();
  shape[axis] = indices.length;
  const out = zerosND(shape, dtypeOf(x));
  const src = x.data;
  const dst = out.data;
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < indices.length; r++) {
      const from = x.offset + (o * n + (indices[r] as number)) * inner;
      const to = (o * indices.length + r) * inner;
      for (let j = 0; j < inner; j++) dst[to + j] = src[from + j] as number;
    }
  }
  return out;
}

/**
 * The gradient of {@link indexSelect}: a zero array of `shape` into which each slice of `grad`
 * is added at its index, so an index that appears twice receives both gradients.
 */
export function indexAdd(
  grad: NDArray,
  shape: readonly number[],
  axis: number,
  indices: Int32Array,
): NDArray {
  const g = contiguous(grad);
  const [outer, n, inner] = splitAt(shape, axis);
  const out = zerosND(shape, dtypeOf(g));
  const src = g.data;
  const dst = out.data;
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < indices.length; r++) {
      const to = (o * n + (indices[r] as number)) * inner;
      const from = g.offset + (o * indices.length + r) * inner;
      for (let j = 0; j < inner; j++)
        dst[to + j] = (dst[to + j] as number) + (src[from + j] as number);
    }
  }
  return out;
}
