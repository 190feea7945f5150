/**
 * Gradient checking by central finite differences in float64, for op authors and for course
 * exercises ("is my backward right?").
 * @module
 */

import seedrandom from 'seedrandom';
import { copy, type NDArray } from '../ndarray/ndarray.js';
import { normal, type Rng } from '../ndarray/random.js';
import { unravel } from '../ndarray/shape.js';
import { noGrad } from './grad-mode.js';
import { Tensor } from './tensor.js';

/** Options of {@link gradcheck}; the defaults are PyTorch's `gradcheck` defaults. */
export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-6. */
  eps?: number;
  /** Absolute tolerance. Default 1e-5. */
  atol?: number;
  /** Relative tolerance. Default 1e-3. */
  rtol?: number;
  /** Generator for the random output weights; a fixed seed when omitted, so results repeat. */
  rng?: Rng;
}

/** The element where analytic and numeric gradients disagree most. */
export interface GradcheckWorst {
  /** Position of the input in `inputs`. */
  readonly input: number;
  /** The element's index within that input. */
  readonly index: number[];
  /** The gradient autograd computed. */
  readonly analytic: number;
  /** The central-difference estimate. */
  readonly numeric: number;
}

/** What {@link gradcheck} found. */
export interface GradcheckResult {
  /** True when every element satisfies `|analytic − numeric| <= atol + rtol · |numeric|`. */
  readonly ok: boolean;
  /** The largest absolute difference. */
  readonly maxAbsError: number;
  /** The largest difference relative to `|numeric|` (where that is not 0). */
  readonly maxRelError: number;
  /** The element furthest outside the tolerance (or closest to it when all pass); null with no elements. */
  readonly worst: GradcheckWorst | null;
}

function weightedSum(output: NDArray, weights: NDArray): number {
  const out = copy(output);
  let s = 0;
  for (let i = 0; i < out.size; i++) s += (out.data[i] as number) * (weights.data[i] as number);
  return s;
}

/**
 * Compares the gradients autograd computes for `fn` with central finite differences. The scalar
 * checked is `Σ fn(...inputs) ⊙ w` for a fixed random `w`, so every output element counts with a
 * different weight. Inputs with `requiresGrad` are checked (all inputs when none has it); they
 * must be float64, because float32 finite differences are too noisy to judge.
 *
 * @example
 * ```ts
 * const x = randn([3, 4], { dtype: 'float64' });
 * const result = gradcheck((t) => t.tanh().mul(t), [x]);
 * result.ok; // true
 * ```
 * @throws TypeError when an input is not a float64 Tensor or `fn` does not return a Tensor
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor))
      throw new TypeError(`gradcheck: inputs[${i}] must be a Tensor; got ${typeof t}`);
    if (t.dtype !== 'float64') {
      throw new TypeError(
        `gradcheck: inputs[${i}] is ${t.dtype}; expected float64, because finite differences need double precision (use .to('float64'))`,
      );
    }
  });
  const anyMarked = inputs.some((t) => t.requiresGrad);
  const checked = inputs.map((t) => !anyMarked || t.requiresGrad);
  const leaves = inputs.map(
    (t, i) => new Tensor(copy(t.data), { requiresGrad: checked[i] === true }),
  );
  const call = (): Tensor => {
    const out = fn(...leaves);
    if (!(out instanceof Tensor))
      throw new TypeError(`gradcheck: fn must return a Tensor; got ${typeof out}`);
    return out;
  };

  const output = call();
  const weights = normal(output.data.shape, 'float64', options.rng ?? seedrandom('gradcheck'));
  if (output.requiresGrad) output.backward(new Tensor(weights));

  let maxAbsError = 0;
  let maxRelError = 0;
  let worst: GradcheckWorst | null = null;
  let worstRatio = -1;
  leaves.forEach((leaf, k) => {
    if (!checked[k]) return;
    const values = leaf.data.data;
    const analytic = leaf.grad ? copy(leaf.grad.data) : null;
    for (let i = 0; i < values.length; i++) {
      const saved = values[i] as number;
      values[i] = saved + eps;
      const plus = noGrad(() => weightedSum(call().data, weights));
      values[i] = saved - eps;
      const minus = noGrad(() => weightedSum(call().data, weights));
      values[i] = saved;
      const numeric = (plus - minus) / (2 * eps);
      const exact = analytic ? (analytic.data[i] as number) : 0;
      const abs = Math.abs(exact - numeric);
      const ratio = abs / (atol + rtol * Math.abs(numeric));
      maxAbsError = Math.max(maxAbsError, abs);
      if (numeric !== 0) maxRelError = Math.max(maxRelError, abs / Math.abs(numeric));
      if (!(ratio <= worstRatio)) {
        worstRatio = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio;
        worst = { input: k, index: unravel(i, leaf.data.shape), analytic: exact, numeric };
      }
    }
  });
  return { ok: worstRatio <= 1, maxAbsError, maxRelError, worst };
}
