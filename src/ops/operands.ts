/**
 * Argument checks shared by every op: operand types, dtypes, broadcasting and integer ids.
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { allocate, type DType, wrap } from '../ndarray/ndarray.js';
import { broadcastShapes } from '../ndarray/shape.js';

/** An operand of an arithmetic op: a Tensor, or a number that takes the other operand's dtype. */
export type Operand = Tensor | number;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array (wrap it with tensor(...))';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}

/** Throws a TypeError unless `value` is a Tensor. */
export function expectTensor(where: string, arg: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) {
    throw new TypeError(`${where}: ${arg} must be a Tensor; got ${describe(value)}`);
  }
  return value;
}

/** A 0-d tensor holding `value` in `dtype`. */
export function scalarTensor(value: number, dtype: DType): Tensor {
  const data = allocate(1, dtype);
  data[0] = value;
  return new Tensor(wrap(data, []));
}

/** Throws a TypeError naming both arguments unless all tensors share one dtype. */
export function expectSameDtype(where: string, tensors: Record<string, Tensor>): DType {
  const entries = Object.entries(tensors);
  const [firstName, first] = entries[0] as [string, Tensor];
  for (const [name, t] of entries.slice(1)) {
    if (t.dtype !== first.dtype) {
      throw new TypeError(
        `${where}: dtype mismatch; ${firstName} is ${first.dtype} but ${name} is ${t.dtype} (convert one with .to('${first.dtype}'))`,
      );
    }
  }
  return first.dtype;
}

/**
 * Resolves the two operands of a broadcasting binary op: numbers become 0-d tensors of the other
 * operand's dtype; dtypes must agree and the shapes must broadcast.
 */
export function binaryOperands(where: string, a: Operand, b: Operand): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') {
    throw new TypeError(`${where}: at least one of a and b must be a Tensor; got two numbers`);
  }
  const x =
    typeof a === 'number' ? scalarTensor(a, (b as Tensor).dtype) : expectTensor(where, 'a', a);
  const y = typeof b === 'number' ? scalarTensor(b, x.dtype) : expectTensor(where, 'b', b);
  expectSameDtype(where, { a: x, b: y });
  broadcastShapes(where, x.data.shape, y.data.shape);
  return [x, y];
}

/**
 * Class ids or indices as an Int32Array, each an integer in [0, limit) (or equal to `allowed`).
 * @throws RangeError naming the first bad entry
 */
export function toIndices(
  where: string,
  arg: string,
  values: ArrayLike<number>,
  limit: number,
  allowed?: number,
): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v === allowed) {
      out[i] = v;
      continue;
    }
    if (!Number.isInteger(v) || v < 0 || v >= limit) {
      const what = Number.isInteger(v) ? 'out of range' : 'not an integer';
      throw new RangeError(
        `${where}: ${arg}[${i}] is ${what}; expected an integer in [0, ${limit}), got ${v}`,
      );
    }
    out[i] = v;
  }
  return out;
}
