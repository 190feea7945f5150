/**
 * Anomaly detection, as `torch.autograd.detect_anomaly`: when enabled, the first op whose forward
 * or backward pass turns finite numbers into NaN or ±Infinity throws, naming the op and the line
 * of user code that called it.
 * @module
 */

import { contiguous, type NDArray } from '../ndarray/ndarray.js';
import { unravel } from '../ndarray/shape.js';

let enabled = false;

/** True while anomaly detection is on. */
export function isAnomalyDetectionEnabled(): boolean {
  return enabled;
}

/**
 * Turns anomaly detection on or off for everything that follows. It costs a scan of every op's
 * inputs and output and a stack trace per op, so leave it off outside debugging.
 */
export function setAnomalyDetection(on: boolean): void {
  enabled = on;
}

/**
 * Runs `fn` with anomaly detection on (and restores the previous setting): every op checks that
 * it did not create a NaN or an infinity from finite inputs, forward and backward, and the first
 * that does throws an {@link AnomalyError} naming it and where it was called.
 *
 * @example
 * ```ts
 * const x = tensor([1, 0], { requiresGrad: true });
 * let message = '';
 * try { detectAnomaly(() => x.log().sum().backward()); } catch (e) { message = (e as Error).message; }
 * message.startsWith('anomaly: log produced -Infinity'); // true
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/** Raised by anomaly detection: an op created a NaN or an infinity from finite numbers. */
export class AnomalyError extends Error {
  /** Always `'AnomalyError'`. */
  override name = 'AnomalyError';
}

/** The first NaN or infinity in `a` and its index, or null. */
function firstNonFinite(a: NDArray): { value: number; index: number[] } | null {
  const x = contiguous(a);
  const n = x.size;
  for (let i = 0; i < n; i++) {
    const v = x.data[x.offset + i] as number;
    if (!Number.isFinite(v)) return { value: v, index: unravel(i, x.shape) };
  }
  return null;
}

const describe = (v: number) => (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');

/** @internal The user's call site: the stack without this library's frames. */
export function callSite(): string {
  // Library frames can be many (a layer calls ops that call record): look deep enough to reach
  // the user's code, then drop the library's own frames.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const lines = stack.split('\n').slice(1);
  const library = /[/\\]src[/\\](autograd|ops|ndarray|nn|models)[/\\]|[/\\]seqgrad[/\\]dist[/\\]/;
  const outside = lines.filter((l) => !library.test(l));
  return (outside.length > 0 ? outside : lines).slice(0, 6).join('\n');
}

/** @internal Throws when `output` holds a NaN or infinity that none of `inputs` held. */
export function checkForward(
  op: string,
  inputs: readonly NDArray[],
  output: NDArray,
  trace: string,
): void {
  const bad = firstNonFinite(output);
  if (!bad) return;
  const kind = Number.isNaN(bad.value) ? 'nan' : 'inf';
  const inherited = inputs.some((input) => {
    const found = firstNonFinite(input);
    return found !== null && (Number.isNaN(found.value) ? 'nan' : 'inf') === kind;
  });
  if (inherited) return;
  throw new AnomalyError(
    `anomaly: ${op} produced ${describe(bad.value)} at index [${bad.index.join(', ')}] of its output from finite inputs; it was called at:\n${trace}`,
  );
}

/** @internal Throws when the gradient an op's backward returned for input `k` is not finite. */
export function checkBackward(
  op: string,
  k: number,
  grad: NDArray,
  trace: string | undefined,
): void {
  const bad = firstNonFinite(grad);
  if (!bad) return;
  throw new AnomalyError(
    `anomaly: the backward pass of ${op} produced ${describe(bad.value)} at index [${bad.index.join(', ')}] of the gradient of its input ${k} from a finite gradient; ${op} was called at:\n${trace ?? '(unknown: anomaly detection was off when it ran)'}`,
  );
}
