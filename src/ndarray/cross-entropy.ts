/**
 * Fused cross-entropy over rows of logits `(N, C)` with integer targets, forward and backward,
 * with PyTorch's `ignore_index` and `label_smoothing` semantics.
 * @module
 */
import { allocate, contiguous, dtypeOf, type NDArray, wrap } from './ndarray.js';

/** Options after validation; `targets` are class ids in [0, C) or `ignoreIndex`. */
export interface CrossEntropyConfig {
  readonly targets: Int32Array;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
}

/**
 * Per-row losses `(1 − ε)·(−log p_t) + ε·mean_c(−log p_c)` (0 for ignored rows), and each row's
 * log-sum-exp, which the backward pass reuses to rebuild the probabilities.
 */
export function crossEntropyRows(
  a: NDArray,
  config: CrossEntropyConfig,
): { losses: Float64Array; logSumExp: Float64Array } {
  const x = contiguous(a);
  const [N, C] = x.shape as [number, number];
  const losses = new Float64Array(N);
  const logSumExp = new Float64Array(N);
  const eps = config.labelSmoothing;
  for (let r = 0; r < N; r++) {
    const target = config.targets[r] as number;
    if (target === config.ignoreIndex) continue;
    const start = x.offset + r * C;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) max = Math.max(max, x.data[start + c] as number);
    let sum = 0;
    let sumLogits = 0;
    for (let c = 0; c < C; c++) {
      const v = x.data[start + c] as number;
      sum += Math.exp(v - max);
      sumLogits += v;
    }
    const lse = max + Math.log(sum);
    logSumExp[r] = lse;
    const nll = lse - (x.data[start + target] as number);
    const smooth = lse - sumLogits / C;
    // Without smoothing the smooth term is left out, not multiplied by 0: it is +Infinity when
    // some logit is -Infinity, and 0 · Infinity would turn a finite loss into NaN.
    losses[r] = eps === 0 ? nll : (1 - eps) * nll + eps * smooth;
  }
  return { losses, logSumExp };
}

/**
 * `∂loss/∂logits`: for each kept row, `rowScale[r] · (softmax − ((1 − ε)·onehot(t) + ε / C))`;
 * ignored rows get 0.
 */
export function crossEntropyBackward(
  a: NDArray,
  config: CrossEntropyConfig,
  logSumExp: Float64Array,
  rowScale: (row: number) => number,
): NDArray {
  const x = contiguous(a);
  const [N, C] = x.shape as [number, number];
  const out = allocate(N * C, dtypeOf(x));
  const eps = config.labelSmoothing;
  for (let r = 0; r < N; r++) {
    const target = config.targets[r] as number;
    if (target === config.ignoreIndex) continue;
    const scale = rowScale(r);
    const start = x.offset + r * C;
    const lse = logSumExp[r] as number;
    for (let c = 0; c < C; c++) {
      const p = Math.exp((x.data[start + c] as number) - lse);
      out[r * C + c] = scale * (p - eps / C - (c === target ? 1 - eps : 0));
    }
  }
  return wrap(out, x.shape);
}
