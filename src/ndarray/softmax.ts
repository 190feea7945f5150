/**
 * Fused softmax and log-softmax over one axis, forward and backward. The input is viewed as
 * `(outer, n, inner)` with the reduced axis in the middle; each (outer, inner) pair is one
 * distribution of `n` entries `inner` apart (1 apart for the last axis, the common case).
 * @module
 */
import { allocate, contiguous, dtypeOf, type NDArray, wrap } from './ndarray.js';
import { splitAt } from './shape.js';

/**
 * Softmax (`log = false`) or log-softmax (`log = true`) over `axis`. Subtracting each row's
 * maximum before `exp` keeps every exponent <= 0, so nothing overflows for large logits.
 */
export function softmax(a: NDArray, axis: number, log: boolean): NDArray {
  const x = contiguous(a);
  const [outer, n, inner] = splitAt(x.shape, axis);
  const src = x.data;
  const out = allocate(x.size, dtypeOf(x));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const start = o * n * inner + j;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < n; k++) {
        const v = src[x.offset + start + k * inner] as number;
        if (v > max || Number.isNaN(v)) max = v;
      }
      if (log) {
        let sum = 0;
        for (let k = 0; k < n; k++)
          sum += Math.exp((src[x.offset + start + k * inner] as number) - max);
        const logSum = Math.log(sum) + max;
        for (let k = 0; k < n; k++)
          out[start + k * inner] = (src[x.offset + start + k * inner] as number) - logSum;
      } else {
        // One exp per element: store the exponentials, then scale them by 1 / Σ.
        let sum = 0;
        for (let k = 0; k < n; k++) {
          const e = Math.exp((src[x.offset + start + k * inner] as number) - max);
          out[start + k * inner] = e;
          sum += e;
        }
        const scale = 1 / sum;
        for (let k = 0; k < n; k++)
          out[start + k * inner] = (out[start + k * inner] as number) * scale;
      }
    }
  }
  return wrap(out, x.shape);
}

/**
 * Backward of {@link softmax} given its output `y` (contiguous, as softmax returns it):
 * softmax: `dx = y · (g − Σ g·y)`; log-softmax: `dx = g − exp(y) · Σ g`.
 */
export function softmaxBackward(grad: NDArray, y: NDArray, axis: number, log: boolean): NDArray {
  const g = contiguous(grad);
  const [outer, n, inner] = splitAt(y.shape, axis);
  const gs = g.data;
  const ys = y.data;
  const out = allocate(y.size, dtypeOf(y));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const start = o * n * inner + j;
      let dot = 0;
      for (let k = 0; k < n; k++) {
        const at = start + k * inner;
        dot += log
          ? (gs[g.offset + at] as number)
          : (gs[g.offset + at] as number) * (ys[y.offset + at] as number);
      }
      for (let k = 0; k < n; k++) {
        const at = start + k * inner;
        const gv = gs[g.offset + at] as number;
        const yv = ys[y.offset + at] as number;
        out[at] = log ? gv - Math.exp(yv) * dot : yv * (gv - dot);
      }
    }
  }
  return wrap(out, y.shape);
}
