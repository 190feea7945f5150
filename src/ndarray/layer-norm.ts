/**
 * Fused layer normalisation over the trailing `n` elements of each row, forward and backward,
 * in double precision. The per-row mean and reciprocal standard deviation are kept for backward.
 * @module
 */
import { allocate, contiguous, dtypeOf, type NDArray, wrap } from './ndarray.js';

/** What the forward pass keeps for the backward pass. */
export interface LayerNormSaved {
  readonly mean: Float64Array;
  readonly rstd: Float64Array;
}

/**
 * `y = (x − mean) / sqrt(var + eps) · weight + bias` per row of `n` trailing elements, with the
 * biased variance (as PyTorch). `weight` and `bias` are contiguous `n`-element arrays or null.
 */
export function layerNorm(
  a: NDArray,
  n: number,
  weight: NDArray | null,
  bias: NDArray | null,
  eps: number,
): { output: NDArray; saved: LayerNormSaved } {
  const x = contiguous(a);
  const rows = n === 0 ? 0 : x.size / n;
  const src = x.data;
  const out = allocate(x.size, dtypeOf(x));
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  const w = weight ? contiguous(weight) : null;
  const b = bias ? contiguous(bias) : null;
  for (let r = 0; r < rows; r++) {
    const start = x.offset + r * n;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += src[start + k] as number;
    const mu = sum / n;
    let sq = 0;
    for (let k = 0; k < n; k++) {
      const d = (src[start + k] as number) - mu;
      sq += d * d;
    }
    const inv = 1 / Math.sqrt(sq / n + eps);
    mean[r] = mu;
    rstd[r] = inv;
    for (let k = 0; k < n; k++) {
      let v = ((src[start + k] as number) - mu) * inv;
      if (w) v *= w.data[w.offset + k] as number;
      if (b) v += b.data[b.offset + k] as number;
      out[r * n + k] = v;
    }
  }
  return { output: wrap(out, x.shape), saved: { mean, rstd } };
}

/**
 * Gradients of {@link layerNorm}. With `x̂` the normalised input and `ĝ = g · weight`:
 * `dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂))`, `dweight = Σ g · x̂`, `dbias = Σ g` over rows.
 */
export function layerNormBackward(
  grad: NDArray,
  a: NDArray,
  n: number,
  weight: NDArray | null,
  saved: LayerNormSaved,
  needs: { x: boolean; weight: boolean; bias: boolean },
): { x: NDArray | null; weight: NDArray | null; bias: NDArray | null } {
  const x = contiguous(a);
  const g = contiguous(grad);
  const rows = saved.mean.length;
  const dtype = dtypeOf(x);
  const dx = needs.x ? allocate(x.size, dtype) : null;
  const dw = needs.weight ? new Float64Array(n) : null;
  const db = needs.bias ? new Float64Array(n) : null;
  const w = weight ? contiguous(weight) : null;
  const xhat = new Float64Array(n);
  const ghat = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const xs = x.offset + r * n;
    const gs = g.offset + r * n;
    const mu = saved.mean[r] as number;
    const inv = saved.rstd[r] as number;
    let meanG = 0;
    let meanGX = 0;
    for (let k = 0; k < n; k++) {
      const h = ((x.data[xs + k] as number) - mu) * inv;
      const gv = g.data[gs + k] as number;
      const gh = w ? gv * (w.data[w.offset + k] as number) : gv;
      xhat[k] = h;
      ghat[k] = gh;
      meanG += gh;
      meanGX += gh * h;
      if (dw) dw[k] = (dw[k] as number) + gv * h;
      if (db) db[k] = (db[k] as number) + gv;
    }
    meanG /= n;
    meanGX /= n;
    if (dx) {
      for (let k = 0; k < n; k++) {
        dx[r * n + k] = inv * ((ghat[k] as number) - meanG - (xhat[k] as number) * meanGX);
      }
    }
  }
  const paramShape = weight ? weight.shape : [n];
  const cast = (v: Float64Array | null) => {
    if (!v) return null;
    const o = allocate(n, dtype);
    o.set(v);
    return wrap(o, paramShape);
  };
  return { x: dx ? wrap(dx, x.shape) : null, weight: cast(dw), bias: cast(db) };
}
