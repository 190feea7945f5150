/**
 * A plain float64 reference for the property tests: row-major flat arrays with a shape, and the
 * ops written the slow, obvious way with NumPy's (and torch.matmul's) semantics. Nothing here
 * imports seqgrad, so a bug in a kernel cannot hide in its own oracle.
 *
 * Ops that NumPy rejects return a {@link Rejected} value naming the reason instead of throwing,
 * so a property can assert "seqgrad throws exactly when the reference rejects".
 */

/** A dense row-major array of float64 values. */
export interface Arr {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

/** What the reference returns for arguments NumPy (or PyTorch) refuses. */
export interface Rejected {
  readonly rejected: string;
}

/** True when `r` is a rejection rather than a value. */
export function isRejected<T>(r: T | Rejected): r is Rejected {
  return typeof r === 'object' && r !== null && 'rejected' in r;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, s) => n * s, 1);
}

export function stridesOf(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = s;
    s *= shape[d] as number;
  }
  return out;
}

/** The multi-index of flat position `flat` in a row-major array of `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    index[d] = flat % size;
    flat = Math.floor(flat / size);
  }
  return index;
}

/** The flat position of `index` in a row-major array of `shape`. */
export function ravel(index: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * (shape[d] as number) + (index[d] as number);
  return flat;
}

/** Element `index` of `a`. */
export function at(a: Arr, index: readonly number[]): number {
  return a.data[ravel(index, a.shape)] as number;
}

/** An array of `shape` whose element at each multi-index is `f(index)`. */
export function build(shape: readonly number[], f: (index: number[]) => number): Arr {
  const n = sizeOf(shape);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) data[i] = f(unravel(i, shape));
  return { shape: shape.slice(), data };
}

/** Applies `f` to each element. */
export function map(a: Arr, f: (v: number) => number): Arr {
  return { shape: a.shape.slice(), data: a.data.map(f) };
}

/** A negative axis counted from the end, resolved; undefined when out of [-ndim, ndim). */
function axisOf(dim: number, ndim: number): number | undefined {
  if (!Number.isInteger(dim) || dim < -ndim || dim >= ndim) return undefined;
  return dim < 0 ? dim + ndim : dim;
}

// ---- broadcasting binary ops -------------------------------------------------------------

/** NumPy's broadcast shape: align at the right; each pair of sizes equal or one of them 1. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | Rejected {
  const ndim = Math.max(a.length, b.length);
  const out = new Array<number>(ndim);
  for (let k = 1; k <= ndim; k++) {
    const x = a[a.length - k] ?? 1;
    const y = b[b.length - k] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return { rejected: `axis -${k}: ${x} vs ${y}` };
    out[ndim - k] = x === 1 ? y : x;
  }
  return out;
}

/** Element `index` (of the broadcast shape) of `a`, which is broadcast to that shape. */
function broadcastAt(a: Arr, index: readonly number[]): number {
  const lead = index.length - a.shape.length;
  const own = a.shape.map((s, d) => (s === 1 ? 0 : (index[d + lead] as number)));
  return at(a, own);
}

function binary(a: Arr, b: Arr, f: (x: number, y: number) => number): Arr | Rejected {
  const shape = broadcastShape(a.shape, b.shape);
  if (isRejected(shape)) return shape;
  return build(shape, (index) => f(broadcastAt(a, index), broadcastAt(b, index)));
}

export const add = (a: Arr, b: Arr) => binary(a, b, (x, y) => x + y);
export const sub = (a: Arr, b: Arr) => binary(a, b, (x, y) => x - y);
export const mul = (a: Arr, b: Arr) => binary(a, b, (x, y) => x * y);
export const div = (a: Arr, b: Arr) => binary(a, b, (x, y) => x / y);

// ---- reductions --------------------------------------------------------------------------

/**
 * Resolves `dims` (undefined: every axis) to distinct, sorted axes; rejects an axis out of range
 * or listed twice, as NumPy does.
 */
function reductionAxes(dims: readonly number[] | undefined, ndim: number): number[] | Rejected {
  if (dims === undefined) return Array.from({ length: ndim }, (_, d) => d);
  const axes: number[] = [];
  for (const d of dims) {
    const axis = axisOf(d, ndim);
    if (axis === undefined) return { rejected: `axis ${d} out of range for rank ${ndim}` };
    if (axes.includes(axis)) return { rejected: `axis ${d} listed twice` };
    axes.push(axis);
  }
  return axes.sort((x, y) => x - y);
}

/**
 * The generic reduction: `fold` maps the values of each fibre over `axes` (gathered in row-major
 * order) to one number. The result keeps the reduced axes as size 1 when `keepDim`, else drops
 * them.
 */
function reduce(
  a: Arr,
  dims: readonly number[] | undefined,
  keepDim: boolean,
  fold: (values: number[]) => number,
): Arr | Rejected {
  const axes = reductionAxes(dims, a.shape.length);
  if (isRejected(axes)) return axes;
  const kept = a.shape.map((s, d) => (axes.includes(d) ? 1 : s));
  const reducedShape = axes.map((d) => a.shape[d] as number);
  const out = build(kept, (index) => {
    const values: number[] = [];
    for (let i = 0; i < sizeOf(reducedShape); i++) {
      const inner = unravel(i, reducedShape);
      const full = index.slice();
      axes.forEach((d, k) => {
        full[d] = inner[k] as number;
      });
      values.push(at(a, full));
    }
    return fold(values);
  });
  return keepDim ? out : { shape: kept.filter((_, d) => !axes.includes(d)), data: out.data };
}

/** Σ over `dims` (every axis when undefined). */
export function sum(a: Arr, dims?: readonly number[], keepDim = false): Arr | Rejected {
  return reduce(a, dims, keepDim, (values) => values.reduce((s, v) => s + v, 0));
}

/** The mean over `dims`: NaN for an empty reduction (0/0), as NumPy and PyTorch. */
export function mean(a: Arr, dims?: readonly number[], keepDim = false): Arr | Rejected {
  return reduce(a, dims, keepDim, (values) => values.reduce((s, v) => s + v, 0) / values.length);
}

/** The maximum over `dims`; rejected over an empty reduction (NumPy: "zero-size array"). */
export function max(a: Arr, dims?: readonly number[], keepDim = false): Arr | Rejected {
  const axes = reductionAxes(dims, a.shape.length);
  if (isRejected(axes)) return axes;
  if (axes.some((d) => a.shape[d] === 0)) {
    return { rejected: 'max over a zero-size axis' };
  }
  // Math.max propagates NaN, as NumPy and PyTorch do.
  return reduce(a, dims, keepDim, (values) => values.reduce((m, v) => Math.max(m, v), -Infinity));
}

// ---- movement ----------------------------------------------------------------------------

/** The same elements in a new shape; one size may be -1 (rejected when that is ambiguous). */
export function reshape(a: Arr, shape: readonly number[]): Arr | Rejected {
  const holes = shape.filter((s) => s === -1).length;
  if (holes > 1 || shape.some((s) => s !== -1 && (!Number.isInteger(s) || s < 0))) {
    return { rejected: `invalid shape [${shape.join(', ')}]` };
  }
  const target = shape.slice();
  if (holes === 1) {
    const known = sizeOf(shape.filter((s) => s !== -1));
    // PyTorch and NumPy both refuse to infer a size next to a 0 (any value would do).
    if (known === 0 || a.data.length % known !== 0) return { rejected: 'cannot infer -1' };
    target[target.indexOf(-1)] = a.data.length / known;
  }
  if (sizeOf(target) !== a.data.length) {
    return { rejected: `${a.data.length} elements into [${shape.join(', ')}]` };
  }
  return { shape: target, data: a.data.slice() };
}

/** Axis `d` of the result is axis `dims[d]` of `a`. */
export function permute(a: Arr, dims: readonly number[]): Arr | Rejected {
  const n = a.shape.length;
  const axes = dims.map((d) => axisOf(d, n));
  if (axes.length !== n || axes.some((d) => d === undefined) || new Set(axes).size !== n) {
    return { rejected: `[${dims.join(', ')}] is not a permutation of ${n} axes` };
  }
  const order = axes as number[];
  const shape = order.map((d) => a.shape[d] as number);
  return build(shape, (index) => {
    const source = new Array<number>(n);
    order.forEach((d, k) => {
      source[d] = index[k] as number;
    });
    return at(a, source);
  });
}

/** Swaps two axes. */
export function transpose(a: Arr, dim0: number, dim1: number): Arr | Rejected {
  const n = a.shape.length;
  const x = axisOf(dim0, n);
  const y = axisOf(dim1, n);
  if (x === undefined || y === undefined) return { rejected: 'axis out of range' };
  return permute(
    a,
    a.shape.map((_, d) => (d === x ? y : d === y ? x : d)),
  );
}

/** `length` entries of axis `dim` from `start` (`a[:, start:start+length]` for dim 1). */
export function narrow(a: Arr, dim: number, start: number, length: number): Arr | Rejected {
  const axis = axisOf(dim, a.shape.length);
  if (axis === undefined) return { rejected: 'axis out of range' };
  const size = a.shape[axis] as number;
  if (start < 0 || length < 0 || start + length > size) return { rejected: 'range leaves axis' };
  const shape = a.shape.map((s, d) => (d === axis ? length : s));
  return build(shape, (index) => {
    const source = index.slice();
    source[axis] = (index[axis] as number) + start;
    return at(a, source);
  });
}

/** Entry `index` of axis `dim`, dropping the axis (`a[:, index]`); a negative index counts back. */
export function select(a: Arr, dim: number, index: number): Arr | Rejected {
  const axis = axisOf(dim, a.shape.length);
  if (axis === undefined) return { rejected: 'axis out of range' };
  const size = a.shape[axis] as number;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    return { rejected: 'index out of range' };
  }
  const slice = narrow(a, axis, index < 0 ? index + size : index, 1) as Arr;
  return { shape: a.shape.filter((_, d) => d !== axis), data: slice.data };
}

/** Joins arrays along `dim`; every other axis must agree (NumPy's concatenate). */
export function concat(arrays: readonly Arr[], dim = 0): Arr | Rejected {
  const first = arrays[0];
  if (!first) return { rejected: 'no arrays' };
  const n = first.shape.length;
  const axis = axisOf(dim, n);
  if (axis === undefined) return { rejected: 'axis out of range' };
  for (const a of arrays) {
    if (a.shape.length !== n || a.shape.some((s, d) => d !== axis && s !== first.shape[d])) {
      return { rejected: 'shapes differ outside the axis' };
    }
  }
  const starts: number[] = [];
  let total = 0;
  for (const a of arrays) {
    starts.push(total);
    total += a.shape[axis] as number;
  }
  const shape = first.shape.map((s, d) => (d === axis ? total : s));
  return build(shape, (index) => {
    const position = index[axis] as number;
    let k = arrays.length - 1;
    // The last array starting at or before the position holds it (an empty one never does).
    while ((starts[k] as number) > position) k--;
    const source = index.slice();
    source[axis] = position - (starts[k] as number);
    return at(arrays[k] as Arr, source);
  });
}

/** Stacks same-shaped arrays along a new axis `dim` (in [-(ndim+1), ndim]). */
export function stack(arrays: readonly Arr[], dim = 0): Arr | Rejected {
  const first = arrays[0];
  if (!first) return { rejected: 'no arrays' };
  const n = first.shape.length;
  const axis = axisOf(dim, n + 1);
  if (axis === undefined) return { rejected: 'axis out of range' };
  if (arrays.some((a) => a.shape.length !== n || a.shape.some((s, d) => s !== first.shape[d]))) {
    return { rejected: 'shapes differ' };
  }
  const shape = first.shape.slice();
  shape.splice(axis, 0, arrays.length);
  return build(shape, (index) => {
    const source = index.slice();
    const [k] = source.splice(axis, 1);
    return at(arrays[k as number] as Arr, source);
  });
}

// ---- matmul --------------------------------------------------------------------------------

/**
 * `torch.matmul`: 1-D `a` is a row vector and 1-D `b` a column vector, whose added axis is
 * dropped from the result; otherwise `(..., M, K) · (..., K, N)` with the batch axes broadcast.
 * Rank 0, different inner sizes or batch axes that do not broadcast are rejected.
 */
export function matmul(a: Arr, b: Arr): Arr | Rejected {
  if (a.shape.length === 0 || b.shape.length === 0) return { rejected: 'rank 0 operand' };
  const left = a.shape.length === 1 ? { shape: [1, ...a.shape], data: a.data } : a;
  const right = b.shape.length === 1 ? { shape: [...b.shape, 1], data: b.data } : b;
  const [M, K] = left.shape.slice(-2) as [number, number];
  const [Kb, N] = right.shape.slice(-2) as [number, number];
  if (K !== Kb) return { rejected: `inner sizes ${K} vs ${Kb}` };
  const batch = broadcastShape(left.shape.slice(0, -2), right.shape.slice(0, -2));
  if (isRejected(batch)) return batch;
  const leftBatch = { shape: left.shape.slice(0, -2), data: [] };
  const rightBatch = { shape: right.shape.slice(0, -2), data: [] };
  const lead = (own: Arr, index: readonly number[]) => {
    const offset = index.length - own.shape.length;
    return own.shape.map((s, d) => (s === 1 ? 0 : (index[d + offset] as number)));
  };
  const product = build([...batch, M, N], (index) => {
    const batchIndex = index.slice(0, -2);
    const [i, j] = index.slice(-2) as [number, number];
    const l = lead(leftBatch, batchIndex);
    const r = lead(rightBatch, batchIndex);
    let s = 0;
    for (let k = 0; k < K; k++) s += at(left, [...l, i, k]) * at(right, [...r, k, j]);
    return s;
  });
  const shape = product.shape.slice();
  if (b.shape.length === 1) shape.pop();
  if (a.shape.length === 1) shape.splice(shape.length - (b.shape.length === 1 ? 1 : 2), 1);
  return { shape, data: product.data };
}
