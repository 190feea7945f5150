/**
 * Shape arithmetic: sizes, row-major strides, axis normalisation and NumPy broadcasting.
 * @module
 */
import { formatShape, ShapeError } from '../errors.js';

/** Number of elements of a shape (1 for `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Row-major strides of a shape. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d] as number;
  }
  return strides;
}

/** The multi-index of row-major flat position `index` in `shape`. */
export function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    out[d] = index % size;
    index = Math.floor(index / size);
  }
  return out;
}

/** The `(outer, n, inner)` sizes of `shape` around `axis`: a row-major walk over one axis. */
export function splitAt(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis] as number, sizeOf(shape.slice(axis + 1))];
}

/** True when both shapes have the same rank and sizes. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/**
 * Resolves a possibly negative axis against `ndim`.
 * @throws RangeError naming the call and argument when it is not an integer in [-ndim, ndim)
 */
export function normalizeAxis(where: string, axis: number, ndim: number, arg = 'dim'): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    const range = ndim === 0 ? 'none (the tensor is 0-d)' : `an integer in [${-ndim}, ${ndim - 1}]`;
    throw new RangeError(`${where}: ${arg} is out of range; expected ${range}, got ${axis}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Checks that a size argument is a non-negative integer. */
export function checkSize(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${where}: ${arg} must be a non-negative integer; got ${String(value)}`);
  }
  return value;
}

/**
 * The shape NumPy broadcasting gives `shapes`: aligned at the right, each axis equal or 1.
 * @throws {@link ShapeError} `add: [2, 3] and [4, 5] do not broadcast (axis -1: 3 vs 5)`
 */
export function broadcastShapes(where: string, ...shapes: (readonly number[])[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (let k = 1; k <= ndim; k++) {
    for (const shape of shapes) {
      const size = shape[shape.length - k];
      if (size === undefined || size === 1) continue;
      const current = out[ndim - k] as number;
      if (current !== 1 && current !== size) {
        const names = shapes.map(formatShape).join(' and ');
        throw new ShapeError(
          `${where}: ${names} do not broadcast (axis -${k}: ${current} vs ${size})`,
        );
      }
      out[ndim - k] = size;
    }
  }
  return out;
}

/** Strides that read an array of `shape`/`stride` as if it had the (broadcast) shape `target`. */
export function broadcastStrides(
  shape: readonly number[],
  stride: readonly number[],
  target: readonly number[],
): number[] {
  const lead = target.length - shape.length;
  return target.map((_, d) => {
    if (d < lead) return 0;
    return shape[d - lead] === 1 ? 0 : (stride[d - lead] as number);
  });
}
