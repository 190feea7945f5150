/**
 * Factories: tensors from data, constants and random samples. They create leaves and record
 * nothing.
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { formatShape, ShapeError } from '../errors.js';
import { allocate, copy, type DType, type FloatArray, wrap, zerosND } from '../ndarray/ndarray.js';
import { normal, type Rng, resolveRng, uniform } from '../ndarray/random.js';
import { checkSize, sizeOf } from '../ndarray/shape.js';

/** Options of every factory. */
export interface TensorOptions {
  /** `'float32'` (default) or `'float64'`. */
  dtype?: DType;
  /** Make the result a leaf whose gradient {@link Tensor.backward} fills. */
  requiresGrad?: boolean;
}

/** Options of {@link tensor}. */
export interface TensorDataOptions extends TensorOptions {
  /** The shape, required for a flat typed array with more than one axis. */
  shape?: readonly number[];
}

/** Options of the random factories. */
export interface RandomOptions extends TensorOptions {
  /** The generator to draw from (e.g. `seedrandom('x')`); the default one when omitted. */
  rng?: Rng;
}

/** Nested arrays of numbers (or booleans, stored as 1 and 0), as `tensor` accepts them. */
export type NestedData = number | boolean | readonly NestedData[];

function checkShapeArg(where: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${where}: shape must be an array of sizes; got ${typeof shape}`);
  }
  return shape.map((s, i) => checkSize(where, `shape[${i}]`, s));
}

function leaf(data: FloatArray, shape: readonly number[], options: TensorOptions): Tensor {
  return new Tensor(wrap(data, shape), { requiresGrad: options.requiresGrad ?? false });
}

/**
 * Turns one leaf of nested data into a number, or throws naming it by `path()` (e.g.
 * `ids[0][2]`); the path is built only when a message needs it.
 */
export type LeafReader = (value: unknown, path: () => string) => number;

/** `tensor()`'s reader: numbers as they are, booleans as 1 and 0. */
const numberOrBoolean: LeafReader = (value, path) => {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
  throw new TypeError(`tensor: ${path()} is ${what}; expected a number`);
};

/**
 * @internal Reads rectangular nested arrays into row-major values and their shape. A ragged level
 * is a ShapeError naming its path (`where: arg is ragged at arg[1]; expected length 3, got
 * length 2`); each leaf goes through `readLeaf`, which names bad entries by their path.
 */
export function readNested(
  where: string,
  arg: string,
  data: unknown,
  readLeaf: LeafReader,
): { values: Float64Array; shape: number[] } {
  const shape: number[] = [];
  for (let level = data; Array.isArray(level); level = level[0]) shape.push(level.length);
  const values = new Float64Array(sizeOf(shape));
  const index: number[] = []; // the position being read, one entry per level above it
  const path = () => arg + index.map((i) => `[${i}]`).join('');
  let at = 0;
  const visit = (value: unknown, depth: number): void => {
    if (depth === shape.length) {
      values[at++] = readLeaf(value, path);
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[depth]) {
      const got = Array.isArray(value)
        ? `length ${value.length}`
        : value === null
          ? 'null'
          : `a ${typeof value}`;
      throw new ShapeError(
        `${where}: ${arg} is ragged at ${path()}; expected length ${shape[depth]}, got ${got}`,
      );
    }
    for (let i = 0; i < value.length; i++) {
      index[depth] = i;
      visit(value[i], depth + 1);
    }
    index.length = depth;
  };
  visit(data, 0);
  return { values, shape };
}

/**
 * A tensor from a number, nested arrays, or a Float32Array/Float64Array with `options.shape`.
 * The data is copied. A typed array keeps its own dtype unless `options.dtype` says otherwise.
 *
 * @example
 * ```ts
 * tensor([[1, 2, 3], [4, 5, 6]]).shape;                         // [2, 3]
 * tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] }).dtype; // 'float64'
 * ```
 * @throws {@link ShapeError} for ragged nested arrays or a shape that does not fit the data
 * @throws TypeError for entries that are not numbers
 */
export function tensor(
  data: NestedData | Float32Array | Float64Array | Tensor,
  options: TensorDataOptions = {},
): Tensor {
  if (data instanceof Tensor) {
    const dtype = options.dtype ?? data.dtype;
    return new Tensor(copy(data.data, dtype), { requiresGrad: options.requiresGrad ?? false });
  }
  if (data instanceof Float32Array || data instanceof Float64Array) {
    const dtype = options.dtype ?? (data instanceof Float64Array ? 'float64' : 'float32');
    const shape = options.shape ? checkShapeArg('tensor', options.shape) : [data.length];
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(
        `tensor: shape does not fit the data; expected ${data.length} elements, got shape ${formatShape(shape)} (${sizeOf(shape)} elements)`,
      );
    }
    const out = allocate(data.length, dtype);
    out.set(data);
    return leaf(out, shape, options);
  }
  const { values, shape: inferred } = readNested('tensor', 'data', data, numberOrBoolean);
  const out = allocate(values.length, options.dtype ?? 'float32');
  out.set(values);
  let shape = inferred;
  if (options.shape) {
    shape = checkShapeArg('tensor', options.shape);
    if (sizeOf(shape) !== out.length) {
      throw new ShapeError(
        `tensor: shape does not fit the data; expected ${out.length} elements, got shape ${formatShape(shape)}`,
      );
    }
  }
  return leaf(out, shape, options);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  const sizes = checkShapeArg('full', shape);
  const out = allocate(sizeOf(sizes), options.dtype ?? 'float32');
  out.fill(value);
  return leaf(out, sizes, options);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  const sizes = checkShapeArg('zeros', shape);
  return leaf(allocate(sizeOf(sizes), options.dtype ?? 'float32'), sizes, options);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(checkShapeArg('ones', shape), 1, options);
}

/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: Tensor): Tensor {
  return new Tensor(zerosND(t.data.shape, t.dtype));
}

/** Ones with the shape and dtype of `t`. */
export function onesLike(t: Tensor): Tensor {
  return full(t.data.shape, 1, { dtype: t.dtype });
}

/** Samples from the standard normal distribution (mean 0, standard deviation 1). */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const sizes = checkShapeArg('randn', shape);
  const data = normal(sizes, options.dtype ?? 'float32', resolveRng(options.rng));
  return new Tensor(data, { requiresGrad: options.requiresGrad ?? false });
}

/** Samples from the uniform distribution on [0, 1). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const sizes = checkShapeArg('rand', shape);
  const data = uniform(sizes, options.dtype ?? 'float32', resolveRng(options.rng));
  return new Tensor(data, { requiresGrad: options.requiresGrad ?? false });
}

/**
 * `[0, 1, …, end − 1]`, or `[start, start + step, …]` below `end` when given a start.
 *
 * @example
 * ```ts
 * arange(4).toArray();        // [0, 1, 2, 3]
 * arange(2, 8, 3).toArray();  // [2, 5]
 * ```
 */
export function arange(end: number, options?: TensorOptions): Tensor;
export function arange(start: number, end: number, step?: number, options?: TensorOptions): Tensor;
export function arange(
  first: number,
  second?: number | TensorOptions,
  third?: number,
  fourth?: TensorOptions,
): Tensor {
  const hasStart = typeof second === 'number';
  const start = hasStart ? first : 0;
  const end = hasStart ? second : first;
  const step = hasStart ? (third ?? 1) : 1;
  const options = (hasStart ? fourth : second) ?? {};
  if (![start, end, step].every(Number.isFinite) || step === 0) {
    throw new RangeError(
      `arange: start, end and step must be finite and step non-zero; got ${start}, ${end}, ${step}`,
    );
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const out = allocate(n, options.dtype ?? 'float32');
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return leaf(out, [n], options);
}
