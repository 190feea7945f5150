/**
 * The error function to double precision, for the exact (erf) form of gelu. JavaScript has no
 * Math.erf; the classic single-formula approximations (Abramowitz–Stegun 7.1.26, error 1.5e-7)
 * are too coarse for float64 parity with PyTorch, so this uses two convergent expansions.
 * @module
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
/** Below this |x| the series is used, above it the continued fraction (both converge fast there). */
const SWITCH = 2.5;
/** Depth of the continued fraction; at |x| >= 2.5 it has converged to double precision. */
const FRACTION_DEPTH = 60;

/** erf(x) = 2/√π · e^(−x²) · Σ (2x²)^n x / (1·3·…·(2n+1)): every term positive, so no cancellation. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x > 0 by Laplace's continued fraction e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))). */
function erfcFraction(x: number): number {
  let f = x;
  for (let k = FRACTION_DEPTH; k >= 1; k--) f = x + k / 2 / f;
  return (INV_SQRT_PI * Math.exp(-x * x)) / f;
}

/** The error function, accurate to a few ulps over the whole real line. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax < SWITCH) return erfSeries(x);
  const tail = ax > 6 ? 0 : erfcFraction(ax);
  return x > 0 ? 1 - tail : tail - 1;
}
