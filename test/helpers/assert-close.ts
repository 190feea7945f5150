import { expect } from 'vitest';
import { type NestedNumbers, Tensor } from '../../src/index.js';

/** Flattens a Tensor, nested arrays or a number into a plain list with its shape. */
export function flat(value: Tensor | NestedNumbers | ArrayLike<number>): {
  data: number[];
  shape: number[];
} {
  if (value instanceof Tensor) return flat(value.toArray());
  if (typeof value === 'number') return { data: [value], shape: [] };
  if (!Array.isArray(value))
    return {
      data: Array.from(value as ArrayLike<number>),
      shape: [(value as ArrayLike<number>).length],
    };
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return { data: (value as unknown[]).flat(Number.POSITIVE_INFINITY) as number[], shape };
}

/**
 * Asserts `actual` ≈ `expected` elementwise: |a − e| <= atol + rtol · |e|. On failure it reports
 * the worst index, both values and the tolerance, not a wall of numbers.
 */
export function assertClose(
  actual: Tensor | NestedNumbers,
  expected: Tensor | NestedNumbers | { shape: number[]; data: number[] },
  {
    atol = 1e-10,
    rtol = 1e-9,
    label = 'value',
  }: { atol?: number; rtol?: number; label?: string } = {},
): void {
  const a = flat(actual);
  const e =
    typeof expected === 'object' &&
    expected !== null &&
    !Array.isArray(expected) &&
    !(expected instanceof Tensor)
      ? { data: expected.data, shape: expected.shape }
      : flat(expected as Tensor | NestedNumbers);
  expect(a.shape, `${label}: shape`).toEqual(e.shape);
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < e.data.length; i++) {
    const x = a.data[i] as number;
    const y = e.data[i] as number;
    if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const ratio = Math.abs(x - y) / (atol + rtol * Math.abs(y));
    if (!(ratio <= worstRatio)) {
      worstRatio = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio;
      worst = i;
    }
  }
  if (worstRatio > 1) {
    throw new Error(
      `${label}: element ${worst} is ${a.data[worst]}, expected ${e.data[worst]} (|diff| ${Math.abs(
        (a.data[worst] as number) - (e.data[worst] as number),
      )}, atol ${atol}, rtol ${rtol})`,
    );
  }
}
