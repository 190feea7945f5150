/**
 * Storage: the `ndarray` package's NdArray over a Float32Array or Float64Array, its creation and
 * contiguity. Nothing in `ndarray/` knows about gradients.
 * @module
 */
import ndarray from 'ndarray';
import { rowMajorStrides, sizeOf } from './shape.js';

/** Element type of a tensor: float32 (the default) or float64 (for gradient checks and parity). */
export type DType = 'float32' | 'float64';
/** The typed arrays a tensor can be stored in. */
export type FloatArray = Float32Array | Float64Array;
/** An `ndarray` NdArray over a Float32Array or Float64Array. */
export type NDArray = ndarray.NdArray<FloatArray>;

/** Allocates a zero-filled typed array of `length` elements of `dtype`. */
export function allocate(length: number, dtype: DType): FloatArray {
  return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

/**
 * The `ndarray` package compiles one class per dtype and rank with `new Function` the first time
 * it meets them, which a Content-Security-Policy without 'unsafe-eval' (or Node's
 * --disallow-code-generation-from-strings) forbids. Say so plainly instead of surfacing an
 * EvalError from inside ndarray.
 */
const CODE_GENERATION_MESSAGE =
  "seqgrad cannot create arrays here: code generation from strings is disallowed. seqgrad stores tensors in the 'ndarray' package, which compiles its array classes with new Function, so a page must allow it in its Content-Security-Policy (script-src 'unsafe-eval', which also allows the WebAssembly matrix kernel).";

function construct(data: FloatArray, shape: number[], stride: number[], offset: number): NDArray {
  try {
    return ndarray(data, shape, stride, offset);
  } catch (error) {
    if (error instanceof EvalError) throw new Error(CODE_GENERATION_MESSAGE, { cause: error });
    throw error;
  }
}

/** Wraps `data` (not copied) as a row-major array of `shape` starting at `offset`. */
export function wrap(data: FloatArray, shape: readonly number[], offset = 0): NDArray {
  return construct(data, shape.slice(), rowMajorStrides(shape), offset);
}

/** A view with explicit strides over the same data (used by permute, expand and slices). */
export function view(
  data: FloatArray,
  shape: readonly number[],
  stride: readonly number[],
  offset: number,
): NDArray {
  return construct(data, shape.slice(), stride.slice(), offset);
}

/** A new zero-filled row-major array. */
export function zerosND(shape: readonly number[], dtype: DType): NDArray {
  return wrap(allocate(sizeOf(shape), dtype), shape);
}

/** The dtype of an array's storage. */
export function dtypeOf(a: NDArray): DType {
  return a.data instanceof Float64Array ? 'float64' : 'float32';
}

/** True when `a` is laid out row-major without gaps, so `a.data[a.offset + i]` is element i. */
export function isContiguous(a: NDArray): boolean {
  let expected = 1;
  for (let d = a.shape.length - 1; d >= 0; d--) {
    const size = a.shape[d] as number;
    if (size === 0) return true;
    if (size !== 1 && a.stride[d] !== expected) return false;
    expected *= size;
  }
  return true;
}

/**
 * Visits an array of any strides row by row in row-major order: after merging axes that are
 * contiguous with each other, `offsets[r]` is where row `r` starts in `a.data`, each row has
 * `length` elements `step` apart. Kernels loop over rows with their own tight inner loop, so no
 * per-element callback is ever needed.
 */
export interface RowPlan {
  readonly rows: number;
  readonly length: number;
  /** One entry per input array: where each row starts. */
  readonly offsets: Int32Array[];
  /** One entry per input array: the distance between neighbours within a row (0 = broadcast). */
  readonly steps: number[];
}

/**
 * Plans a row-major walk over `shape` for several arrays at once. `strides[i]` are array i's
 * strides already aligned to `shape` (0 on broadcast axes), `bases[i]` its offset.
 */
export function planRows(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  bases: readonly number[],
): RowPlan {
  // Merge neighbouring axes where every array steps through them as one axis.
  const dims: number[] = [];
  const merged: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d] as number;
    if (size === 1) continue;
    const last = dims.length - 1;
    if (
      last >= 0 &&
      strides.every((s, i) => (merged[i]?.[last] as number) === (s[d] as number) * size)
    ) {
      dims[last] = (dims[last] as number) * size;
      strides.forEach((s, i) => {
        (merged[i] as number[])[last] = s[d] as number;
      });
      continue;
    }
    dims.push(size);
    strides.forEach((s, i) => {
      (merged[i] as number[]).push(s[d] as number);
    });
  }
  const total = sizeOf(shape);
  const length = total === 0 ? 0 : dims.length === 0 ? 1 : (dims[dims.length - 1] as number);
  const rows = total === 0 ? 0 : total / length;
  const outer = dims.slice(0, -1);
  const offsets = strides.map((_, i) => {
    const out = new Int32Array(rows);
    const s = merged[i] as number[];
    const index = new Array<number>(outer.length).fill(0);
    let offset = bases[i] as number;
    for (let r = 0; r < rows; r++) {
      out[r] = offset;
      // Odometer over the outer axes, last axis fastest.
      for (let d = outer.length - 1; d >= 0; d--) {
        index[d] = (index[d] as number) + 1;
        offset += s[d] as number;
        if ((index[d] as number) < (outer[d] as number)) break;
        offset -= (s[d] as number) * (outer[d] as number);
        index[d] = 0;
      }
    }
    return out;
  });
  const steps = merged.map((s) => (dims.length === 0 ? 0 : (s[s.length - 1] as number)));
  return { rows, length, offsets, steps };
}

/** The rows of one array in its own row-major order. */
function planOf(a: NDArray): RowPlan {
  return planRows(a.shape, [a.stride], [a.offset]);
}

/** A fresh row-major copy of any array (views included). */
export function copy(a: NDArray, dtype: DType = dtypeOf(a)): NDArray {
  const out = allocate(a.size, dtype);
  const { rows, length, offsets, steps } = planOf(a);
  const src = a.data;
  const from = offsets[0] as Int32Array;
  const step = steps[0] as number;
  for (let r = 0; r < rows; r++) {
    const base = from[r] as number;
    const o = r * length;
    for (let i = 0; i < length; i++) out[o + i] = src[base + i * step] as number;
  }
  return wrap(out, a.shape);
}

/** `a` itself when it is already contiguous, else a row-major copy. Kernels call this first. */
export function contiguous(a: NDArray): NDArray {
  return isContiguous(a) ? a : copy(a);
}

/** Writes `src` into the (possibly strided) view `dst`, element for element; shapes must agree. */
export function assignInto(dst: NDArray, src: NDArray): void {
  copyInto(dst, src, false);
}

/** Adds `src` into the (possibly strided) view `dst`, element for element; shapes must agree. */
export function addInto(dst: NDArray, src: NDArray): void {
  copyInto(dst, src, true);
}

function copyInto(dst: NDArray, src: NDArray, add: boolean): void {
  const plan = planRows(dst.shape, [dst.stride, src.stride], [dst.offset, src.offset]);
  const [to, from] = plan.offsets as [Int32Array, Int32Array];
  const [toStep, fromStep] = plan.steps as [number, number];
  const d = dst.data;
  const s = src.data;
  for (let r = 0; r < plan.rows; r++) {
    const t = to[r] as number;
    const f = from[r] as number;
    if (add) {
      for (let i = 0; i < plan.length; i++)
        d[t + i * toStep] = (d[t + i * toStep] as number) + (s[f + i * fromStep] as number);
    } else {
      for (let i = 0; i < plan.length; i++) d[t + i * toStep] = s[f + i * fromStep] as number;
    }
  }
}

/** The elements as nested arrays (a number for a 0-d array). */
export function toNested(a: NDArray): unknown {
  const flat = contiguous(a);
  const data = flat.data;
  const shape = flat.shape;
  const build = (dim: number, offset: number): unknown => {
    if (dim === shape.length) return data[offset];
    const size = shape[dim] as number;
    const inner = sizeOf(shape.slice(dim + 1));
    const out = new Array(size);
    for (let i = 0; i < size; i++) out[i] = build(dim + 1, offset + i * inner);
    return out;
  };
  return build(0, flat.offset);
}
