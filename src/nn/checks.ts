/**
 * Input checks shared by the layers' forward methods.
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { formatShape, ShapeError, show } from '../errors.js';
import type { DType } from '../ndarray/ndarray.js';

/** Throws a TypeError unless `value` is a Tensor of `dtype` (the module's parameter dtype). */
export function expectInput(where: string, arg: string, value: unknown, dtype: DType): Tensor {
  if (!(value instanceof Tensor)) {
    const what = Array.isArray(value)
      ? 'an array (wrap it with tensor(...))'
      : value === null
        ? 'null'
        : typeof value;
    throw new TypeError(`${where}: ${arg} must be a Tensor; got ${what}`);
  }
  if (value.dtype !== dtype) {
    throw new TypeError(
      `${where}: ${arg} is ${value.dtype} but the module's parameters are ${dtype}; convert one with .to('${dtype}')`,
    );
  }
  return value;
}

/**
 * Throws a TypeError unless `state` is undefined or an array of exactly two entries (an LSTM's
 * `[h, c]`). `expected` describes the pair for the message, e.g. `[h, c], two (B, H) tensors`.
 */
export function expectStatePair(where: string, state: unknown, expected: string): void {
  if (state === undefined || (Array.isArray(state) && state.length === 2)) return;
  const got = Array.isArray(state)
    ? `an array of ${state.length}`
    : state === null
      ? 'null'
      : ((state as object).constructor?.name ?? typeof state);
  throw new TypeError(`${where}: state must be ${expected}; got ${got}`);
}

/** Checks a position offset: a non-negative integer. */
export function checkOffset(where: string, offset: unknown): void {
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`${where}: offset must be a non-negative integer; got ${show(offset)}`);
  }
}

/**
 * Throws a ShapeError unless positions `offset .. offset + T - 1` fit in a table of `maxLen`,
 * where T is `shape[1]` of `arg`; `expected` is the shape to name when offset is 0, e.g.
 * `(B, T<=6, D=12)`.
 */
export function checkPositions(
  where: string,
  arg: string,
  shape: readonly number[],
  { offset, maxLen, expected }: { offset: number; maxLen: number; expected: string },
): void {
  const T = shape[1] as number;
  if (offset + T <= maxLen) return;
  throw new ShapeError(
    offset
      ? `${where}: positions ${offset}..${offset + T - 1} go past maxLen ${maxLen}; expected offset + T <= ${maxLen}, got offset ${offset} and ${arg} ${formatShape(shape)}`
      : `${where}: ${arg} has T=${T} but maxLen is ${maxLen}; expected ${expected}, got ${formatShape(shape)}`,
  );
}

/** Throws a RangeError unless `value` is a positive integer (a layer size). */
export function expectPositiveInt(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${where}: ${arg} must be a positive integer; got ${show(value)}`);
  }
  return value;
}

/**
 * Throws a RangeError unless the width and the head count are positive integers and the width
 * splits evenly into heads. `names` are the caller's option names.
 */
export function expectHeads(
  where: string,
  width: number,
  heads: number,
  [widthName, headsName]: [string, string] = ['dModel', 'nHead'],
): void {
  expectPositiveInt(where, widthName, width);
  expectPositiveInt(where, headsName, heads);
  if (width % heads !== 0) {
    throw new RangeError(
      `${where}: ${widthName} must be divisible by ${headsName}; got ${widthName} ${width}, ${headsName} ${heads}`,
    );
  }
}

/** Throws a RangeError unless `value` is a probability in [0, 1). */
export function expectDropout(where: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new RangeError(`${where}: dropout must be a probability in [0, 1); got ${show(value)}`);
  }
  return value;
}

/**
 * Runs `fn` and renames an error raised inside by a layer's forward (`EncoderLayer.forward: …`)
 * to the call the user made (`Transformer.forward: …`). Used by containers whose arguments keep
 * their layers' names (`srcMask`, `tgtKeyPaddingMask`, …), so the rest of the message stays true.
 * `inner` matches the prefix to rename; a layer that builds cells passes `/^\w+Cell: /`.
 */
export function asCaller<T>(where: string, fn: () => T, inner = /^\w+\.forward: /): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof Error) error.message = error.message.replace(inner, `${where}: `);
    throw error;
  }
}
