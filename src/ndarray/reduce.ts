/**
 * Reductions over one or several axes. An axis reduction views the contiguous input as
 * `(outer, n, inner)` and reduces the middle axis, so every loop runs over contiguous memory.
 * Sums accumulate in double precision whatever the storage type.
 * @module
 */
import { allocate, contiguous, dtypeOf, type NDArray, wrap, zerosND } from './ndarray.js';
import { splitAt } from './shape.js';

function reducedShape(shape: readonly number[], axis: number, keepDim: boolean): number[] {
  return keepDim ? shape.map((s, d) => (d === axis ? 1 : s)) : shape.filter((_, d) => d !== axis);
}

/** Sum over one (already normalised) axis. */
export function sumAxis(a: NDArray, axis: number, keepDim: boolean): NDArray {
  const x = contiguous(a);
  const [outer, n, inner] = splitAt(x.shape, axis);
  const src = x.data;
  const base = x.offset;
  const out = allocate(outer * inner, dtypeOf(x));
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const start = base + o * n;
      for (let k = 0; k < n; k++) s += src[start + k] as number;
      out[o] = s;
    }
  } else {
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(0);
      for (let k = 0; k < n; k++) {
        const start = base + (o * n + k) * inner;
        for (let j = 0; j < inner; j++) acc[j] = (acc[j] as number) + (src[start + j] as number);
      }
      out.set(acc, o * inner);
    }
  }
  return wrap(out, reducedShape(x.shape, axis, keepDim));
}

/** Sum over several distinct, normalised axes. */
export function sumAxes(a: NDArray, axes: readonly number[], keepDim: boolean): NDArray {
  let out = a;
  // Highest axis first, so the remaining axis numbers stay valid when dims are dropped.
  for (const axis of [...axes].sort((p, q) => q - p)) out = sumAxis(out, axis, keepDim);
  return axes.length === 0 ? contiguous(a) : out;
}

/**
 * Maximum over one normalised axis, and the index of the first maximum along it (NaN wins, as in
 * PyTorch, so a NaN is never hidden).
 */
export function maxAxis(
  a: NDArray,
  axis: number,
  keepDim: boolean,
): { values: NDArray; indices: Int32Array } {
  const x = contiguous(a);
  const [outer, n, inner] = splitAt(x.shape, axis);
  const src = x.data;
  const values = allocate(outer * inner, dtypeOf(x));
  const indices = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const start = x.offset + o * n * inner + j;
      let best = src[start] as number;
      let at = 0;
      for (let k = 1; k < n && !Number.isNaN(best); k++) {
        const v = src[start + k * inner] as number;
        if (v > best || Number.isNaN(v)) {
          best = v;
          at = k;
        }
      }
      values[o * inner + j] = best;
      indices[o * inner + j] = at;
    }
  }
  return { values: wrap(values, reducedShape(x.shape, axis, keepDim)), indices };
}

/** The maximum of all elements (NaN if any is NaN) and how many elements equal it. */
export function maxAll(a: NDArray): { value: number; ties: number } {
  const x = contiguous(a);
  const n = x.size; // ndarray's size is a getter that multiplies the shape out
  let value = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = x.data[x.offset + i] as number;
    if (v > value || Number.isNaN(v)) value = v;
    if (Number.isNaN(value)) break;
  }
  let ties = 0;
  for (let i = 0; i < n; i++)
    if (Object.is(x.data[x.offset + i], value) || x.data[x.offset + i] === value) ties++;
  return { value, ties };
}

/** The gradient of {@link maxAll}: `grad / ties` at every element equal to the maximum, as PyTorch. */
export function spreadToMaxima(grad: number, a: NDArray, value: number, ties: number): NDArray {
  const x = contiguous(a);
  const out = zerosND(x.shape, dtypeOf(x));
  const n = x.size;
  for (let i = 0; i < n; i++) {
    const v = x.data[x.offset + i] as number;
    if (v === value || Object.is(v, value)) out.data[i] = grad / ties;
  }
  return out;
}

/**
 * The gradient of a max over `axis`: `grad` (reduced shape, kept or not) placed at `indices`
 * in a zero array of `shape`.
 */
export function scatterAlongAxis(
  grad: NDArray,
  indices: Int32Array,
  shape: readonly number[],
  axis: number,
): NDArray {
  const g = contiguous(grad);
  const [outer, n, inner] = splitAt(shape, axis);
  const out = zerosND(shape, dtypeOf(g));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const r = o * inner + j;
      out.data[(o * n + (indices[r] as number)) * inner + j] = g.data[g.offset + r] as number;
    }
  }
  return out;
}
