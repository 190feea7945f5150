/**
 * Elementwise kernels with NumPy broadcasting, and the derivative kernels their backward passes
 * use. Each kernel is a tight loop over one row of contiguous or evenly strided elements; the row
 * plan (see {@link planRows}) turns any broadcast or strided layout into such rows.
 * @module
 */
import { erf } from './erf.js';
import {
  allocate,
  contiguous,
  dtypeOf,
  type FloatArray,
  isContiguous,
  type NDArray,
  planRows,
  wrap,
} from './ndarray.js';
import { broadcastShapes, broadcastStrides, sameShape, sizeOf } from './shape.js';

type Row1 = (x: FloatArray, xo: number, xs: number, out: FloatArray, oo: number, n: number) => void;
type Row2 = (
  x: FloatArray,
  xo: number,
  xs: number,
  y: FloatArray,
  yo: number,
  ys: number,
  out: FloatArray,
  oo: number,
  n: number,
) => void;

/** Applies a row kernel to every row of `a`; the result is a new row-major array. */
function map(a: NDArray, row: Row1): NDArray {
  const out = allocate(a.size, dtypeOf(a));
  if (isContiguous(a)) {
    row(a.data, a.offset, 1, out, 0, a.size); // the common case: one row, no plan to build
    return wrap(out, a.shape);
  }
  const plan = planRows(a.shape, [a.stride], [a.offset]);
  const starts = plan.offsets[0] as Int32Array;
  const step = plan.steps[0] as number;
  for (let r = 0; r < plan.rows; r++)
    row(a.data, starts[r] as number, step, out, r * plan.length, plan.length);
  return wrap(out, a.shape);
}

/**
 * Applies a two-input row kernel over the broadcast shape of `a` and `b` (the caller has already
 * checked that they broadcast and share a dtype).
 */
function zip(a: NDArray, b: NDArray, row: Row2): NDArray {
  // The common cases in one row, with no plan to build: equal contiguous shapes, or a scalar.
  if (isContiguous(a) && isContiguous(b)) {
    const scalarB = b.size === 1 && a.size !== 1;
    const scalarA = a.size === 1 && b.size !== 1;
    if (scalarA || scalarB || sameShape(a.shape, b.shape)) {
      const like = scalarA ? b : a;
      if ((!scalarA && !scalarB) || like.shape.length >= (scalarA ? a : b).shape.length) {
        const out = allocate(like.size, dtypeOf(a));
        row(
          a.data,
          a.offset,
          scalarA ? 0 : 1,
          b.data,
          b.offset,
          scalarB ? 0 : 1,
          out,
          0,
          like.size,
        );
        return wrap(out, like.shape);
      }
    }
  }
  const shape = broadcastShapes('zip', a.shape, b.shape);
  const out = allocate(sizeOf(shape), dtypeOf(a));
  const plan = planRows(
    shape,
    [broadcastStrides(a.shape, a.stride, shape), broadcastStrides(b.shape, b.stride, shape)],
    [a.offset, b.offset],
  );
  const [aStarts, bStarts] = plan.offsets as [Int32Array, Int32Array];
  const [aStep, bStep] = plan.steps as [number, number];
  for (let r = 0; r < plan.rows; r++) {
    row(
      a.data,
      aStarts[r] as number,
      aStep,
      b.data,
      bStarts[r] as number,
      bStep,
      out,
      r * plan.length,
      plan.length,
    );
  }
  return wrap(out, shape);
}

// Binary arithmetic.
export const add = (a: NDArray, b: NDArray): NDArray =>
  zip(a, b, (x, xo, xs, y, yo, ys, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = (x[xo + i * xs] as number) + (y[yo + i * ys] as number);
  });
export const sub = (a: NDArray, b: NDArray): NDArray =>
  zip(a, b, (x, xo, xs, y, yo, ys, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = (x[xo + i * xs] as number) - (y[yo + i * ys] as number);
  });
export const mul = (a: NDArray, b: NDArray): NDArray =>
  zip(a, b, (x, xo, xs, y, yo, ys, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = (x[xo + i * xs] as number) * (y[yo + i * ys] as number);
  });
export const div = (a: NDArray, b: NDArray): NDArray =>
  zip(a, b, (x, xo, xs, y, yo, ys, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = (x[xo + i * xs] as number) / (y[yo + i * ys] as number);
  });

/** `-grad · a / b²`: the gradient of `a / b` with respect to `b`. */
export const divGradB = (grad: NDArray, a: NDArray, b: NDArray): NDArray =>
  mul(
    grad,
    zip(a, b, (x, xo, xs, y, yo, ys, o, oo, n) => {
      for (let i = 0; i < n; i++) {
        const d = y[yo + i * ys] as number;
        o[oo + i] = -(x[xo + i * xs] as number) / (d * d);
      }
    }),
  );

// Unary functions.
export const neg = (a: NDArray): NDArray =>
  map(a, (x, xo, xs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = -(x[xo + i * xs] as number);
  });
/** `a · factor`. */
export const scale = (a: NDArray, factor: number): NDArray =>
  map(a, (x, xo, xs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = (x[xo + i * xs] as number) * factor;
  });
export const pow = (a: NDArray, exponent: number): NDArray =>
  map(a, (x, xo, xs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = (x[xo + i * xs] as number) ** exponent;
  });
/** `grad · p · a^(p-1)`; exactly 0 for p = 0, where the formula would give 0 · ∞ at a = 0 (PyTorch's rule). */
export const powGrad = (grad: NDArray, a: NDArray, exponent: number): NDArray =>
  zip(grad, a, (g, go, gs, x, xo, xs, o, oo, n) => {
    if (exponent === 0) return; // the output is already zero-filled
    for (let i = 0; i < n; i++) {
      o[oo + i] =
        (g[go + i * gs] as number) * exponent * (x[xo + i * xs] as number) ** (exponent - 1);
    }
  });
export const exp = (a: NDArray): NDArray =>
  map(a, (x, xo, xs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = Math.exp(x[xo + i * xs] as number);
  });
export const log = (a: NDArray): NDArray =>
  map(a, (x, xo, xs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = Math.log(x[xo + i * xs] as number);
  });
export const tanh = (a: NDArray): NDArray =>
  map(a, (x, xo, xs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = Math.tanh(x[xo + i * xs] as number);
  });
/** `grad · (1 - y²)` where `y = tanh(x)`. */
export const tanhGrad = (grad: NDArray, y: NDArray): NDArray =>
  zip(grad, y, (g, go, gs, t, to, ts, o, oo, n) => {
    for (let i = 0; i < n; i++) {
      const v = t[to + i * ts] as number;
      o[oo + i] = (g[go + i * gs] as number) * (1 - v * v);
    }
  });
export const sigmoid = (a: NDArray): NDArray =>
  map(a, (x, xo, xs, o, oo, n) => {
    for (let i = 0; i < n; i++) {
      const v = x[xo + i * xs] as number;
      // Two branches so exp never overflows: for large |v| the result saturates to 0 or 1.
      if (v >= 0) {
        o[oo + i] = 1 / (1 + Math.exp(-v));
      } else {
        const e = Math.exp(v);
        o[oo + i] = e / (1 + e);
      }
    }
  });
/** `grad · y · (1 - y)` where `y = sigmoid(x)`. */
export const sigmoidGrad = (grad: NDArray, y: NDArray): NDArray =>
  zip(grad, y, (g, go, gs, s, so, ss, o, oo, n) => {
    for (let i = 0; i < n; i++) {
      const v = s[so + i * ss] as number;
      o[oo + i] = (g[go + i * gs] as number) * v * (1 - v);
    }
  });
export const relu = (a: NDArray): NDArray =>
  map(a, (x, xo, xs, o, oo, n) => {
    for (let i = 0; i < n; i++) {
      const v = x[xo + i * xs] as number;
      o[oo + i] = Math.max(v, 0); // NaN stays NaN, as in PyTorch
    }
  });
/** `grad` where `x > 0`, else 0 (PyTorch's subgradient 0 at x = 0). */
export const reluGrad = (grad: NDArray, x: NDArray): NDArray =>
  zip(grad, x, (g, go, gs, v, vo, vs, o, oo, n) => {
    for (let i = 0; i < n; i++)
      o[oo + i] = (v[vo + i * vs] as number) > 0 ? (g[go + i * gs] as number) : 0;
  });

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
/** `x · Φ(x)` with the exact normal CDF `Φ(x) = (1 + erf(x / √2)) / 2` (PyTorch's default gelu). */
export const gelu = (a: NDArray): NDArray =>
  map(a, (x, xo, xs, o, oo, n) => {
    for (let i = 0; i < n; i++) {
      const v = x[xo + i * xs] as number;
      o[oo + i] = 0.5 * v * (1 + erf(v * SQRT1_2));
    }
  });
/** `grad · (Φ(x) + x · φ(x))`, φ the standard normal density. */
export const geluGrad = (grad: NDArray, x: NDArray): NDArray =>
  zip(grad, x, (g, go, gs, y, yo, ys, o, oo, n) => {
    for (let i = 0; i < n; i++) {
      const v = y[yo + i * ys] as number;
      const cdf = 0.5 * (1 + erf(v * SQRT1_2));
      const pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
      o[oo + i] = (g[go + i * gs] as number) * (cdf + v * pdf);
    }
  });

// Comparisons (no gradient): 1 where the relation holds, else 0.
export const equal = (a: NDArray, b: NDArray): NDArray =>
  zip(a, b, (x, xo, xs, y, yo, ys, o, oo, n) => {
    for (let i = 0; i < n; i++)
      o[oo + i] = (x[xo + i * xs] as number) === (y[yo + i * ys] as number) ? 1 : 0;
  });
export const greater = (a: NDArray, b: NDArray): NDArray =>
  zip(a, b, (x, xo, xs, y, yo, ys, o, oo, n) => {
    for (let i = 0; i < n; i++)
      o[oo + i] = (x[xo + i * xs] as number) > (y[yo + i * ys] as number) ? 1 : 0;
  });

/** Adds `bias (n)` to every row of the contiguous, freshly allocated `out (rows, n)`, in place. */
export function addRowsInPlace(out: NDArray, bias: NDArray): void {
  const n = bias.size;
  const o = out.data;
  const b = contiguous(bias);
  const bd = b.data;
  const bo = b.offset;
  for (let start = out.offset; start < out.offset + out.size; start += n) {
    for (let j = 0; j < n; j++) o[start + j] = (o[start + j] as number) + (bd[bo + j] as number);
  }
}
