/**
 * Property tests: for random shapes (ranks 0–4, sizes 0–4, size 1 often so that broadcasting is
 * exercised), random float64 values (with a few hostile ones: ±0, ±Infinity, NaN, subnormals,
 * 1e300) and random memory layouts (permuted strides, offsets into a larger buffer), every op
 * agrees with the plain reference in reference.ts, and throws exactly when the reference (NumPy)
 * rejects the arguments. Random compositions of 2–4 ops pass gradcheck.
 *
 * Every fc.assert has a fixed seed, so CI is deterministic. When a property fails, fast-check
 * prints the seed, the path and the shrunk counterexample: copy the counterexample into
 * regressions.test.ts as an explicit test (see the comment there).
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import * as sg from '../../src/index.js';
import { gradcheck, noGrad, ShapeError, type Tensor } from '../../src/index.js';
import * as ref from './reference.js';
import { type Arr, isRejected, type Rejected } from './reference.js';

// ---- generators ---------------------------------------------------------------------------

/** A size: 1 often (broadcasting), 0 sometimes (PyTorch allows size-0 axes), else 2–4. */
const sizeArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(1) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 5, arbitrary: fc.integer({ min: 2, max: 4 }) },
);

function shapeArb(minRank = 0, maxRank = 4): fc.Arbitrary<number[]> {
  return fc.array(sizeArb, { minLength: minRank, maxLength: maxRank });
}

/** Finite values mostly; now and then one that breaks naive kernels. */
const valueArb = fc.oneof(
  { weight: 40, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(0, -0, Infinity, -Infinity, Number.NaN, 5e-324, 1e300, -1e300),
  },
);
const finiteArb = fc.double({ min: -10, max: 10, noNaN: true });

/** Mostly `usual`, sometimes (1 in `odds`) `rare`. */
function mostly<T>(usual: fc.Arbitrary<T>, rare: fc.Arbitrary<T>, odds = 8): fc.Arbitrary<T> {
  return fc.oneof({ weight: odds - 1, arbitrary: usual }, { weight: 1, arbitrary: rare });
}

/**
 * How a tensor sits in memory: permuted axes (strides out of order) and/or a narrowed view of a
 * larger buffer whose extra entries hold GARBAGE, so a kernel that ignores strides or offsets
 * reads it and fails loudly.
 */
interface Layout {
  /** The tensor is `permute(base, perm)`. */
  readonly perm: readonly number[] | null;
  /** The base is `narrow(padded, axis, before, size)`, `axis` counted in the base's axes. */
  readonly pad: { readonly axis: number; readonly before: number; readonly after: number } | null;
}
const GARBAGE = 7777777;

function layoutArb(rank: number): fc.Arbitrary<Layout> {
  const axes = Array.from({ length: rank }, (_, d) => d);
  return fc.record({
    perm:
      rank < 2
        ? fc.constant(null)
        : fc.option(fc.shuffledSubarray(axes, { minLength: rank, maxLength: rank }), { nil: null }),
    pad:
      rank === 0
        ? fc.constant(null)
        : fc.option(fc.record({ axis: fc.nat(rank - 1), before: fc.nat(2), after: fc.nat(2) }), {
            nil: null,
          }),
  });
}

/** A reference array and the layout its tensor gets. */
interface Sample {
  readonly arr: Arr;
  readonly layout: Layout;
}

function sampleArb(shape: readonly number[], values = valueArb): fc.Arbitrary<Sample> {
  const n = ref.sizeOf(shape);
  return fc.record({
    arr: fc
      .array(values, { minLength: n, maxLength: n })
      .map((data): Arr => ({ shape: shape.slice(), data })),
    layout: layoutArb(shape.length),
  });
}

/**
 * Two shapes that often broadcast: the second is the first with some axes set to 1, leading
 * axes dropped or added, and now and then an axis of another size (which may not broadcast).
 */
function relatedShapesArb(maxRank: number): fc.Arbitrary<[number[], number[]]> {
  const edit = fc.oneof(
    { weight: 5, arbitrary: fc.constant<'same' | 'one' | number>('same') },
    { weight: 3, arbitrary: fc.constant<'same' | 'one' | number>('one') },
    { weight: 1, arbitrary: sizeArb },
  );
  return fc
    .record({
      base: shapeArb(0, maxRank),
      edits: fc.array(edit, { minLength: maxRank, maxLength: maxRank }),
      drop: fc.nat(maxRank),
      extra: fc.array(sizeArb, { maxLength: 2 }),
      swap: fc.boolean(),
    })
    .map(({ base, edits, drop, extra, swap }): [number[], number[]] => {
      const edited = base.map((s, d) => {
        const e = edits[d] ?? 'same';
        return e === 'same' ? s : e === 'one' ? 1 : e;
      });
      const other = [...extra, ...edited.slice(Math.min(drop, edited.length))].slice(-maxRank);
      return swap ? [other, base] : [base, other];
    });
}

// ---- tensors from reference arrays and back ------------------------------------------------

function leafOf(a: Arr, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  return sg.tensor(Float64Array.from(a.data), { shape: a.shape, dtype });
}

function inversePermutation(perm: readonly number[]): number[] {
  const out = new Array<number>(perm.length);
  perm.forEach((p, d) => {
    out[p] = d;
  });
  return out;
}

/** A float64 tensor equal to `arr`, laid out as `layout` says. */
function tensorOf({ arr, layout }: Sample): Tensor {
  const base = layout.perm ? (ref.permute(arr, inversePermutation(layout.perm)) as Arr) : arr;
  let t: Tensor;
  if (layout.pad) {
    const { axis, before, after } = layout.pad;
    const size = base.shape[axis] as number;
    const padded = ref.build(
      base.shape.map((s, d) => (d === axis ? s + before + after : s)),
      (index) => {
        const i = index[axis] as number;
        if (i < before || i >= before + size) return GARBAGE;
        const source = index.slice();
        source[axis] = i - before;
        return ref.at(base, source);
      },
    );
    t = sg.narrow(leafOf(padded), axis, before, size);
  } else {
    t = leafOf(base);
  }
  return layout.perm ? sg.permute(t, layout.perm) : t;
}

/** Reads a tensor of any strides through the `ndarray` package's own indexing. */
function arrOf(t: Tensor): Arr {
  return ref.build(t.shape, (index) => t.data.get(...index));
}

/** `[2, 0, 3]`, as seqgrad's formatShape writes shapes in messages. */
function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Throws unless `actual` has `expected`'s shape and every element agrees: equal (±0 alike, NaN
 * with NaN, Infinity with Infinity) or within `rtol · scale`, where scale is the element's own
 * |expected| or, for sums and products, the same op on |inputs|, which bounds the rounding error
 * of any summation order; plus `atol` (for float32, whose products of tiny values underflow).
 */
function expectAgree(
  actual: Tensor,
  expected: Arr | Rejected,
  label: string,
  { scale, rtol = 1e-12, atol = 0 }: { scale?: Arr | Rejected; rtol?: number; atol?: number } = {},
): void {
  if (isRejected(expected))
    throw new Error(`${label}: the reference rejected (${expected.rejected})`);
  if (fmt(actual.shape) !== fmt(expected.shape)) {
    throw new Error(`${label}: shape ${fmt(actual.shape)}, expected ${fmt(expected.shape)}`);
  }
  const scaleData = scale && !isRejected(scale) ? scale.data : null;
  const got = arrOf(actual).data;
  expected.data.forEach((e, i) => {
    const a = got[i] as number;
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) return;
    const bound = atol + rtol * (scaleData ? (scaleData[i] as number) : Math.abs(e));
    if (!(Math.abs(a - e) <= bound)) {
      throw new Error(
        `${label}: element ${fmt(ref.unravel(i, expected.shape))} is ${a}, expected ${e} (|diff| ${Math.abs(a - e)}, bound ${bound})`,
      );
    }
  });
}

/** Runs `fn`: throws unless it throws an instance of `kind` whose message matches `message`. */
function expectThrows(
  fn: () => unknown,
  kind: new (...args: never[]) => Error,
  message: RegExp | string,
  label: string,
): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof kind)) {
    throw new Error(
      `${label}: expected a ${kind.name}, got ${error === undefined ? 'a result' : String(error)}`,
    );
  }
  const ok = typeof message === 'string' ? error.message === message : message.test(error.message);
  if (!ok)
    throw new Error(
      `${label}: message ${JSON.stringify(error.message)} does not match ${String(message)}`,
    );
}

const abs = (a: Arr) => ref.map(a, Math.abs);
const describeSample = (s: Sample) =>
  `${fmt(s.arr.shape)}${s.layout.perm ? ` permuted ${fmt(s.layout.perm)}` : ''}${s.layout.pad ? ' narrowed' : ''}`;

// ---- the reference itself, against NumPy ---------------------------------------------------

describe('the reference agrees with NumPy on hand-checked cases', () => {
  const iota = (shape: number[], from = 0): Arr =>
    ref.build(shape, (i) => from + ref.ravel(i, shape));
  it('broadcasts, reduces, moves and multiplies as numpy 2.4 does', () => {
    // np.arange(6.).reshape(2, 1, 3) - [[10], [20], [30], [40]]
    const difference = ref.sub(iota([2, 1, 3]), { shape: [4, 1], data: [10, 20, 30, 40] }) as Arr;
    expect(difference.shape).toEqual([2, 4, 3]);
    expect(difference.data.slice(0, 6)).toEqual([-10, -9, -8, -20, -19, -18]);
    expect(difference.data.slice(12, 15)).toEqual([-7, -6, -5]);
    expect(ref.sum(iota([2, 3, 4]), [0, 2], true)).toEqual({
      shape: [1, 3, 1],
      data: [60, 92, 124],
    });
    expect(ref.mean(iota([2, 3, 4]), [2, 0])).toEqual({ shape: [3], data: [7.5, 11.5, 15.5] });
    expect(ref.max(iota([2, 3, 4]), [1])).toEqual({
      shape: [2, 4],
      data: [8, 9, 10, 11, 20, 21, 22, 23],
    });
    expect((ref.permute(iota([2, 3, 4]), [2, 0, 1]) as Arr).data.slice(0, 10)).toEqual([
      0, 4, 8, 12, 16, 20, 1, 5, 9, 13,
    ]);
    // np.matmul([1, 2, 3], arange(24).reshape(2, 3, 4)) and the transposed case with a 1-D b
    const v = { shape: [3], data: [1, 2, 3] };
    const rows = [32, 38, 44, 50, 104, 110, 116, 122];
    expect(ref.matmul(v, iota([2, 3, 4]))).toEqual({ shape: [2, 4], data: rows });
    expect(ref.matmul(ref.permute(iota([2, 3, 4]), [0, 2, 1]) as Arr, v)).toEqual({
      shape: [2, 4],
      data: rows,
    });
    const batched = ref.matmul(iota([2, 1, 2, 3]), iota([3, 3, 2])) as Arr;
    expect(batched.shape).toEqual([2, 3, 2, 2]);
    expect(batched.data.slice(0, 8)).toEqual([10, 13, 28, 40, 28, 31, 100, 112]);
    expect(ref.concat([iota([2, 2]), iota([2, 0]), iota([2, 1], 9)], 1)).toEqual({
      shape: [2, 3],
      data: [0, 1, 9, 2, 3, 10],
    });
    expect(ref.stack([iota([3]), iota([3], 10)], -1)).toEqual({
      shape: [3, 2],
      data: [0, 10, 1, 11, 2, 12],
    });
    expect(isRejected(ref.broadcastShape([2, 3], [4, 3]))).toBe(true);
    expect(ref.broadcastShape([0, 1], [1, 5])).toEqual([0, 5]);
    expect(isRejected(ref.broadcastShape([0], [2]))).toBe(true);
  });
});

// ---- elementwise ops ------------------------------------------------------------------------

const binaryOps = [
  { name: 'add', op: sg.add, reference: ref.add },
  { name: 'sub', op: sg.sub, reference: ref.sub },
  { name: 'mul', op: sg.mul, reference: ref.mul },
  { name: 'div', op: sg.div, reference: ref.div },
] as const;

describe('broadcasting binary ops', () => {
  it('add, sub, mul and div give NumPy’s shape and values, or a ShapeError exactly when NumPy refuses', () => {
    const arb = fc
      .tuple(fc.constantFrom(...binaryOps), relatedShapesArb(4))
      .chain(([entry, [sa, sb]]) =>
        fc.record({
          entry: fc.constant(entry),
          a: sampleArb(sa),
          b: sampleArb(sb),
          // A number operand takes the other's dtype and broadcasts as a 0-d tensor.
          numberSide: mostly(
            fc.constant<'a' | 'b' | null>(null),
            fc.constantFrom<'a' | 'b'>('a', 'b'),
          ),
        }),
      );
    fc.assert(
      fc.property(arb, ({ entry, a, b, numberSide }) => {
        const label = `${entry.name}(${numberSide === 'a' ? 'number' : describeSample(a)}, ${numberSide === 'b' ? 'number' : describeSample(b)})`;
        const number = (s: Sample) => s.arr.data[0] ?? 2.5;
        const left = numberSide === 'a' ? { shape: [], data: [number(a)] } : a.arr;
        const right = numberSide === 'b' ? { shape: [], data: [number(b)] } : b.arr;
        const expected = entry.reference(left, right);
        const call = () =>
          entry.op(
            numberSide === 'a' ? number(a) : tensorOf(a),
            numberSide === 'b' ? number(b) : tensorOf(b),
          );
        if (isRejected(expected)) {
          const message = `${entry.name}: ${fmt(left.shape)} and ${fmt(right.shape)} do not broadcast (${expected.rejected})`;
          expectThrows(call, ShapeError, message, label);
        } else {
          expectAgree(call(), expected, label);
        }
      }),
      { seed: 0x5eed01, numRuns: 1000 },
    );
  });
});

// ---- reductions -----------------------------------------------------------------------------

/** Axes to reduce: undefined (all), or 1+ distinct axes, each maybe negative; sometimes a bad list. */
function dimsArb(rank: number): fc.Arbitrary<number[] | undefined> {
  if (rank === 0) return fc.constant(undefined);
  const axes = Array.from({ length: rank }, (_, d) => d);
  const good: fc.Arbitrary<number[]> = fc
    .shuffledSubarray(axes, { minLength: 1 })
    .chain((ds) => fc.tuple(...ds.map((d) => fc.constantFrom(d, d - rank))));
  const bad = fc.oneof(
    good.map((ds) => [
      ...ds,
      (ds[0] as number) < 0 ? (ds[0] as number) + rank : (ds[0] as number) - rank,
    ]),
    fc.constantFrom(rank, -rank - 1).map((d) => [d]),
  );
  return mostly(fc.option(good, { nil: undefined }), bad, 10);
}

describe('reductions', () => {
  const arb = shapeArb(0, 4).chain((shape) =>
    fc.record({ sample: sampleArb(shape), dims: dimsArb(shape.length), keepDim: fc.boolean() }),
  );

  it('sum and mean over any set of axes, with or without keepDim, agree with the reference', () => {
    fc.assert(
      fc.property(arb, ({ sample, dims, keepDim }) => {
        for (const [name, op, reference] of [
          ['sum', sg.sum, ref.sum],
          ['mean', sg.mean, ref.mean],
        ] as const) {
          const label = `${name}(${describeSample(sample)}, dims ${dims ? fmt(dims) : 'all'}, keepDim ${keepDim})`;
          const expected = reference(sample.arr, dims, keepDim);
          if (isRejected(expected)) {
            expectThrows(
              () => op(tensorOf(sample), dims, keepDim),
              RangeError,
              new RegExp(`^${name}: dim`),
              label,
            );
          } else {
            const scale = reference(abs(sample.arr), dims, keepDim);
            expectAgree(op(tensorOf(sample), dims, keepDim), expected, label, { scale });
          }
        }
      }),
      { seed: 0x5eed02, numRuns: 500 },
    );
  });

  it('max over one axis or all agrees with the reference (NaN wins), and refuses empty reductions', () => {
    const maxArb = shapeArb(0, 4).chain((shape) =>
      fc.record({
        sample: sampleArb(shape),
        dim:
          shape.length === 0
            ? fc.constant(undefined)
            : fc.option(fc.integer({ min: -shape.length, max: shape.length - 1 }), {
                nil: undefined,
              }),
        keepDim: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(maxArb, ({ sample, dim, keepDim }) => {
        const label = `max(${describeSample(sample)}, dim ${dim ?? 'all'}, keepDim ${keepDim})`;
        const expected = ref.max(sample.arr, dim === undefined ? undefined : [dim], keepDim);
        if (isRejected(expected)) {
          expectThrows(
            () => sg.max(tensorOf(sample), dim, keepDim),
            ShapeError,
            /^max: .*empty/,
            label,
          );
        } else {
          expectAgree(sg.max(tensorOf(sample), dim, keepDim), expected, label, { rtol: 0 });
        }
      }),
      { seed: 0x5eed03, numRuns: 500 },
    );
  });
});

// ---- movement -------------------------------------------------------------------------------

function primeFactors(n: number): number[] {
  if (n === 0) return [0];
  const out: number[] = [];
  for (let p = 2; n > 1; p++) {
    while (n % p === 0) {
      out.push(p);
      n /= p;
    }
  }
  return out;
}

describe('movement ops', () => {
  it('reshape (with -1, on strided views) agrees with the reference, and refuses what it refuses', () => {
    const arb = shapeArb(0, 4).chain((shape) =>
      fc.record({
        sample: sampleArb(shape),
        assignment: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        slots: fc.integer({ min: 0, max: 4 }),
        hole: fc.option(fc.nat(3), { nil: null }),
        corrupt: mostly(fc.constant(false), fc.constant(true)),
      }),
    );
    fc.assert(
      fc.property(arb, ({ sample, assignment, slots, hole, corrupt }) => {
        // Regroup the prime factors of the sizes into 0–4 new axes, padding with 1s.
        const factors = sample.arr.shape.flatMap(primeFactors);
        const target = new Array<number>(factors.length > 0 ? Math.max(1, slots) : slots).fill(1);
        factors.forEach((f, i) => {
          const slot = (assignment[i] ?? 0) % target.length;
          target[slot] = (target[slot] as number) * f;
        });
        if (corrupt) target.push(2);
        if (hole !== null && target.length > 0) target[hole % target.length] = -1;
        const label = `reshape(${describeSample(sample)}, ${fmt(target)})`;
        const expected = ref.reshape(sample.arr, target);
        if (isRejected(expected)) {
          expectThrows(() => sg.reshape(tensorOf(sample), target), ShapeError, /^reshape: /, label);
        } else {
          expectAgree(sg.reshape(tensorOf(sample), target), expected, label, { rtol: 0 });
        }
      }),
      { seed: 0x5eed04, numRuns: 500 },
    );
  });

  it('permute and transpose (negative axes allowed) agree with the reference', () => {
    const arb = shapeArb(0, 4).chain((shape) => {
      const axes = Array.from({ length: shape.length }, (_, d) => d);
      const signed = (d: number) => fc.constantFrom(d, d - shape.length);
      return fc.record({
        sample: sampleArb(shape),
        perm: fc
          .shuffledSubarray(axes, { minLength: shape.length, maxLength: shape.length })
          .chain((p) => fc.tuple(...p.map(signed))),
        pair:
          shape.length === 0
            ? fc.constant(null)
            : fc
                .tuple(fc.nat(shape.length - 1), fc.nat(shape.length - 1))
                .chain(([x, y]) => fc.tuple(signed(x), signed(y))),
      });
    });
    fc.assert(
      fc.property(arb, ({ sample, perm, pair }) => {
        const p = perm as number[];
        expectAgree(
          sg.permute(tensorOf(sample), p),
          ref.permute(sample.arr, p),
          `permute(${describeSample(sample)}, ${fmt(p)})`,
          {
            rtol: 0,
          },
        );
        if (pair) {
          const [x, y] = pair;
          expectAgree(
            sg.transpose(tensorOf(sample), x, y),
            ref.transpose(sample.arr, x, y),
            `transpose(${describeSample(sample)}, ${x}, ${y})`,
            { rtol: 0 },
          );
        }
      }),
      { seed: 0x5eed05, numRuns: 300 },
    );
  });

  it('select and narrow agree with the reference, and throw RangeError exactly when it refuses', () => {
    const arb = shapeArb(1, 4).chain((shape) =>
      fc.integer({ min: -shape.length, max: shape.length - 1 }).chain((dim) => {
        const size = shape[dim < 0 ? dim + shape.length : dim] as number;
        return fc.record({
          sample: sampleArb(shape),
          dim: fc.constant(dim),
          index: fc.integer({ min: -size - 1, max: size }),
          start: fc.integer({ min: 0, max: size + 1 }),
          length: fc.integer({ min: 0, max: size + 1 }),
        });
      }),
    );
    fc.assert(
      fc.property(arb, ({ sample, dim, index, start, length }) => {
        const selectLabel = `select(${describeSample(sample)}, ${dim}, ${index})`;
        const selected = ref.select(sample.arr, dim, index);
        if (isRejected(selected)) {
          expectThrows(
            () => sg.select(tensorOf(sample), dim, index),
            RangeError,
            /^select: index is out of range/,
            selectLabel,
          );
        } else {
          expectAgree(sg.select(tensorOf(sample), dim, index), selected, selectLabel, { rtol: 0 });
        }
        const narrowLabel = `narrow(${describeSample(sample)}, ${dim}, ${start}, ${length})`;
        const narrowed = ref.narrow(sample.arr, dim, start, length);
        if (isRejected(narrowed)) {
          expectThrows(
            () => sg.narrow(tensorOf(sample), dim, start, length),
            RangeError,
            /^narrow: start/,
            narrowLabel,
          );
        } else {
          expectAgree(sg.narrow(tensorOf(sample), dim, start, length), narrowed, narrowLabel, {
            rtol: 0,
          });
        }
      }),
      { seed: 0x5eed06, numRuns: 500 },
    );
  });

  it('concat (size-0 parts included) and stack agree with the reference; mismatched shapes throw ShapeError', () => {
    const arb = shapeArb(1, 4).chain((shape) =>
      fc
        .record({
          dim: fc.integer({ min: -shape.length, max: shape.length - 1 }),
          lengths: fc.array(sizeArb, { minLength: 1, maxLength: 3 }),
          stackDim: fc.integer({ min: -shape.length - 1, max: shape.length }),
          misfit: mostly(fc.constant(null), fc.nat(3)),
        })
        .chain(({ dim, lengths, stackDim, misfit }) => {
          const axis = dim < 0 ? dim + shape.length : dim;
          const shapes = lengths.map((n, k) => {
            const s = shape.map((size, d) => (d === axis ? n : size));
            // A part that differs off the axis (another size on the next axis) must be refused.
            if (misfit !== null && k === misfit % lengths.length && shape.length > 1) {
              const other = (axis + 1) % shape.length;
              s[other] = (s[other] as number) + 1;
            }
            return s;
          });
          return fc.record({
            dim: fc.constant(dim),
            stackDim: fc.constant(stackDim),
            parts: fc.tuple(...shapes.map((s) => sampleArb(s))),
            stackParts: fc.tuple(...lengths.map(() => sampleArb(shape))),
          });
        }),
    );
    fc.assert(
      fc.property(arb, ({ dim, stackDim, parts, stackParts }) => {
        const concatLabel = `concat([${parts.map(describeSample).join(', ')}], ${dim})`;
        const joined = ref.concat(
          parts.map((p) => p.arr),
          dim,
        );
        if (isRejected(joined)) {
          expectThrows(
            () => sg.concat(parts.map(tensorOf), dim),
            ShapeError,
            /^concat: tensors\[\d\] differs from tensors\[0\] outside dim/,
            concatLabel,
          );
        } else {
          expectAgree(sg.concat(parts.map(tensorOf), dim), joined, concatLabel, { rtol: 0 });
        }
        const stackLabel = `stack([${stackParts.map(describeSample).join(', ')}], ${stackDim})`;
        expectAgree(
          sg.stack(stackParts.map(tensorOf), stackDim),
          ref.stack(
            stackParts.map((p) => p.arr),
            stackDim,
          ),
          stackLabel,
          { rtol: 0 },
        );
      }),
      { seed: 0x5eed07, numRuns: 500 },
    );
  });
});

// ---- matmul ---------------------------------------------------------------------------------

/** Operand shapes for matmul: broadcast-ish batch axes, 1-D operands, now and then a bad K. */
const matmulShapesArb = fc
  .record({
    batches: relatedShapesArb(2),
    m: sizeArb,
    k: sizeArb,
    n: sizeArb,
    aVector: mostly(fc.constant(false), fc.constant(true), 5),
    bVector: mostly(fc.constant(false), fc.constant(true), 5),
    kOff: mostly(fc.constant(0), fc.integer({ min: 1, max: 2 }), 10),
  })
  .map(({ batches: [ba, bb], m, k, n, aVector, bVector, kOff }): [number[], number[]] => [
    aVector ? [k] : [...ba, m, k],
    bVector ? [k + kOff] : [...bb, k + kOff, n],
  ]);

describe('matmul', () => {
  it('agrees with torch.matmul semantics (1-D operands, broadcast batch axes), or throws ShapeError exactly when NumPy refuses', () => {
    const arb = matmulShapesArb.chain(([sa, sb]) => fc.tuple(sampleArb(sa), sampleArb(sb)));
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const label = `matmul(${describeSample(a)}, ${describeSample(b)})`;
        const expected = ref.matmul(a.arr, b.arr);
        if (isRejected(expected)) {
          expectThrows(
            () => sg.matmul(tensorOf(a), tensorOf(b)),
            ShapeError,
            /^matmul: (inner sizes differ|batch axes do not broadcast)/,
            label,
          );
        } else {
          const scale = ref.matmul(abs(a.arr), abs(b.arr));
          expectAgree(sg.matmul(tensorOf(a), tensorOf(b)), expected, label, { scale });
        }
      }),
      { seed: 0x5eed08, numRuns: 1000 },
    );
  });

  it('agrees on products large enough for the packed (float64) and WebAssembly (float32) kernels', () => {
    const big = fc.integer({ min: 9, max: 40 });
    const arb = fc
      .record({
        batch: fc.constantFrom([], [1], [2]),
        m: big,
        k: big,
        n: big,
        dtype: fc.constantFrom('float32', 'float64'),
      })
      .chain(({ batch, m, k, n, dtype }) =>
        fc.record({
          a: sampleArb([...batch, m, k], finiteArb),
          b: sampleArb([k, n], finiteArb),
          dtype: fc.constant(dtype as 'float32' | 'float64'),
        }),
      );
    fc.assert(
      fc.property(arb, ({ a, b, dtype }) => {
        const label = `matmul(${describeSample(a)}, ${describeSample(b)}) in ${dtype}`;
        // In float32 the inputs are rounded first, so only the kernel's own rounding is judged.
        const round = (x: Arr) => (dtype === 'float32' ? ref.map(x, Math.fround) : x);
        const expected = ref.matmul(round(a.arr), round(b.arr));
        const scale = ref.matmul(abs(round(a.arr)), abs(round(b.arr)));
        const result = sg.matmul(sg.cast(tensorOf(a), dtype), sg.cast(tensorOf(b), dtype));
        const float32 = dtype === 'float32';
        expectAgree(result, expected, label, {
          scale,
          rtol: float32 ? 1e-5 : 1e-12,
          atol: float32 ? 1e-37 : 0, // below float32's smallest normal number, products underflow
        });
      }),
      { seed: 0x5eed09, numRuns: 20 },
    );
  });
});

// ---- gradients of random compositions ----------------------------------------------------------

/** Draws an integer in [0, n) from the step's fast-check choices. */
type Pick = (n: number) => number;
/** A new float64 leaf of `shape`, uniform in `range`. */
type MakeLeaf = (shape: readonly number[], range?: readonly [number, number]) => Tensor;

/** One step of a composition, its extra leaves fixed: gradcheck differentiates them too. */
interface Planned {
  readonly label: string;
  readonly extras: readonly Tensor[];
  readonly apply: (x: Tensor, extras: readonly Tensor[]) => Tensor;
}

/** An op the composition can apply to the current value `x` when `fits(x)`. */
interface ChainOp {
  readonly fits: (x: Tensor) => boolean;
  readonly plan: (x: Tensor, pick: Pick, leaf: MakeLeaf) => Planned;
}

const valuesOf = (x: Tensor) => arrOf(x).data;
const maxAbs = (x: Tensor) => Math.max(0, ...valuesOf(x).map(Math.abs));
const minAbs = (x: Tensor) => Math.min(Infinity, ...valuesOf(x).map(Math.abs));
const always = () => true;
const hasAxes = (x: Tensor) => x.ndim >= 1 && x.size > 0;
const small = (x: Tensor) => x.size <= 24;
/** A non-negative axis of `x` or its negative twin. */
const pickAxis = (x: Tensor, pick: Pick) => {
  const d = pick(x.ndim);
  return pick(2) === 0 ? d : d - x.ndim;
};

/**
 * True when every fibre of `x` along `axis` (all of `x` when undefined) has a unique maximum
 * ahead of the runner-up by more than 1e-3: max is differentiable there, whereas at a tie the
 * finite difference splits the gradient and PyTorch's max does not.
 */
function clearMaximum(x: Tensor, axis?: number): boolean {
  const a = arrOf(x);
  const groups = new Map<string, number[]>();
  a.data.forEach((v, i) => {
    const index = ref.unravel(i, a.shape);
    const key = axis === undefined ? '' : index.filter((_, d) => d !== axis).join(',');
    groups.set(key, [...(groups.get(key) ?? []), v]);
  });
  return [...groups.values()].every((vs) => {
    const sorted = [...vs].sort((p, q) => q - p);
    return sorted.length < 2 || (sorted[0] as number) - (sorted[1] as number) > 1e-3;
  });
}

/** A shape that broadcasts against `shape`: some axes set to 1, some leading ones dropped. */
function partnerShape(shape: readonly number[], pick: Pick): number[] {
  const ones = shape.map((s) => (pick(3) === 0 ? 1 : s));
  return ones.slice(pick(ones.length + 1));
}

const unary = (
  label: string,
  f: (x: Tensor) => Tensor,
  fits: (x: Tensor) => boolean = always,
): ChainOp => ({
  fits,
  plan: () => ({ label, extras: [], apply: (x) => f(x) }),
});

const withPartner = (
  name: string,
  f: (x: Tensor, w: Tensor) => Tensor,
  range?: readonly [number, number],
): ChainOp => ({
  fits: always,
  plan: (x, pick, leaf) => {
    const w = leaf(partnerShape(x.shape, pick), range);
    return { label: `${name} w${fmt(w.shape)}`, extras: [w], apply: (v, [e]) => f(v, e as Tensor) };
  },
});

const chainOps: ChainOp[] = [
  unary('tanh', sg.tanh),
  unary('sigmoid', sg.sigmoid),
  unary('gelu', sg.gelu),
  unary('exp', sg.exp, (x) => maxAbs(x) < 3),
  unary('neg', sg.neg),
  unary(
    'pow 2',
    (x) => sg.pow(x, 2),
    (x) => maxAbs(x) < 10,
  ),
  unary(
    'pow 3',
    (x) => sg.pow(x, 3),
    (x) => maxAbs(x) < 5,
  ),
  unary('log(x² + 1)', (x) => sg.log(sg.add(sg.mul(x, x), 1))),
  unary('sqrt(x² + 1)', (x) => sg.sqrt(sg.add(sg.mul(x, x), 1))),
  unary('relu', sg.relu, (x) => minAbs(x) > 1e-3),
  withPartner('+', sg.add),
  withPartner('w −', (x, w) => sg.sub(w, x)),
  withPartner('·', sg.mul),
  withPartner('/', sg.div, [0.5, 2]),
  {
    fits: (x) => x.ndim >= 1,
    plan: (x, pick, leaf) => {
      const mask = ref.build(x.shape, () => pick(2)).data;
      const w = leaf(partnerShape(x.shape, pick));
      const condition = sg.tensor(Float64Array.from(mask), { shape: x.shape, dtype: 'float64' });
      return {
        label: `where(mask, ·, w${fmt(w.shape)})`,
        extras: [w],
        apply: (v, [e]) => sg.where(condition, v, e as Tensor),
      };
    },
  },
  ...(['sum', 'mean'] as const).map(
    (name): ChainOp => ({
      fits: (x) => x.ndim >= 1,
      plan: (x, pick) => {
        const chosen = x.shape.map((_, d) => d).filter(() => pick(2) === 0);
        const dims = (chosen.length > 0 ? chosen : [pick(x.ndim)]).map((d) =>
          pick(2) === 0 ? d : d - x.ndim,
        );
        const keepDim = pick(2) === 0;
        const op = name === 'sum' ? sg.sum : sg.mean;
        return {
          label: `${name}(dims ${fmt(dims)}, keepDim ${keepDim})`,
          extras: [],
          apply: (v) => op(v, dims, keepDim),
        };
      },
    }),
  ),
  {
    fits: (x) => hasAxes(x) && x.shape.some((_, d) => clearMaximum(x, d)),
    plan: (x, pick) => {
      const candidates = x.shape.map((_, d) => d).filter((d) => clearMaximum(x, d));
      const dim = candidates[pick(candidates.length)] as number;
      const keepDim = pick(2) === 0;
      return {
        label: `max(dim ${dim}, keepDim ${keepDim})`,
        extras: [],
        apply: (v) => sg.max(v, dim, keepDim),
      };
    },
  },
  unary(
    'max()',
    (x) => sg.max(x),
    (x) => x.size > 0 && clearMaximum(x),
  ),
  {
    fits: (x) => x.size > 0,
    plan: (x, pick) => {
      // Regroup the prime factors of the size into 1–3 axes; maybe infer one of them.
      const target = new Array<number>(1 + pick(3)).fill(1);
      for (const f of x.shape.flatMap(primeFactors)) {
        const slot = pick(target.length);
        target[slot] = (target[slot] as number) * f;
      }
      if (pick(2) === 0) target[pick(target.length)] = -1;
      return { label: `reshape ${fmt(target)}`, extras: [], apply: (v) => sg.reshape(v, target) };
    },
  },
  {
    fits: (x) => x.ndim >= 2,
    plan: (x, pick) => {
      const rest = x.shape.map((_, d) => d);
      const perm: number[] = [];
      while (rest.length > 0) perm.push(rest.splice(pick(rest.length), 1)[0] as number);
      return { label: `permute ${fmt(perm)}`, extras: [], apply: (v) => sg.permute(v, perm) };
    },
  },
  {
    fits: (x) => x.ndim >= 2,
    plan: (x, pick) => {
      const [a, b] = [pickAxis(x, pick), pickAxis(x, pick)];
      return { label: `transpose(${a}, ${b})`, extras: [], apply: (v) => sg.transpose(v, a, b) };
    },
  },
  {
    fits: hasAxes,
    plan: (x, pick) => {
      const dim = pickAxis(x, pick);
      const size = x.shape.at(dim) as number;
      const index = pick(size) - (pick(2) === 0 ? 0 : size);
      return {
        label: `select(${dim}, ${index})`,
        extras: [],
        apply: (v) => sg.select(v, dim, index),
      };
    },
  },
  {
    fits: hasAxes,
    plan: (x, pick) => {
      const dim = pickAxis(x, pick);
      const size = x.shape.at(dim) as number;
      const start = pick(size);
      const length = 1 + pick(size - start);
      return {
        label: `narrow(${dim}, ${start}, ${length})`,
        extras: [],
        apply: (v) => sg.narrow(v, dim, start, length),
      };
    },
  },
  {
    fits: small,
    plan: (x, pick) => {
      const shape = [2, ...x.shape.map((s) => (s === 1 && pick(2) === 0 ? 3 : s))];
      return { label: `expand ${fmt(shape)}`, extras: [], apply: (v) => sg.expand(v, shape) };
    },
  },
  {
    fits: (x) => x.ndim >= 1 && small(x),
    plan: (x, pick, leaf) => {
      const dim = pickAxis(x, pick);
      const shape = x.shape.map((s, d) => (d === (dim < 0 ? dim + x.ndim : dim) ? 1 + pick(2) : s));
      const w = leaf(shape);
      const first = pick(2) === 0;
      return {
        label: `concat(${first ? '·, w' : 'w, ·'}${fmt(shape)}; dim ${dim})`,
        extras: [w],
        apply: (v, [e]) => sg.concat(first ? [v, e as Tensor] : [e as Tensor, v], dim),
      };
    },
  },
  {
    fits: small,
    plan: (x, pick, leaf) => {
      const dim = pick(x.ndim + 1);
      const w = leaf(x.shape);
      return {
        label: `stack(·, w; dim ${dim})`,
        extras: [w],
        apply: (v, [e]) => sg.stack([v, e as Tensor], dim),
      };
    },
  },
  {
    fits: (x) => x.ndim < 4,
    plan: (x, pick) => {
      const dim = pick(x.ndim + 1);
      return { label: `unsqueeze(${dim})`, extras: [], apply: (v) => sg.unsqueeze(v, dim) };
    },
  },
  unary(
    'squeeze',
    (x) => sg.squeeze(x),
    (x) => x.shape.includes(1),
  ),
  {
    fits: (x) => hasAxes(x) && small(x),
    plan: (x, pick) => {
      const dim = pickAxis(x, pick);
      const size = x.shape.at(dim) as number;
      const ids = Array.from({ length: 1 + pick(4) }, () => pick(size));
      return {
        label: `indexSelect(${dim}, ${fmt(ids)})`,
        extras: [],
        apply: (v) => sg.indexSelect(v, dim, ids),
      };
    },
  },
  {
    fits: (x) => x.ndim >= 1,
    plan: (x, pick) => {
      const dim = pickAxis(x, pick);
      const log = pick(2) === 0;
      return {
        label: `${log ? 'logSoftmax' : 'softmax'}(${dim})`,
        extras: [],
        apply: (v) => (log ? sg.logSoftmax(v, dim) : sg.softmax(v, dim)),
      };
    },
  },
  {
    fits: hasAxes,
    plan: (x, pick, leaf) => {
      const n = x.shape.at(-1) as number;
      const affine = pick(2) === 0;
      const extras = affine ? [leaf([n]), leaf([n])] : [];
      return {
        label: `layerNorm([${n}]${affine ? ', weight, bias' : ''})`,
        extras,
        apply: (v, [weight, bias]) => sg.layerNorm(v, [n], weight ?? null, bias ?? null),
      };
    },
  },
  {
    fits: (x) => x.ndim >= 1 && small(x),
    plan: (x, pick, leaf) => {
      const k = x.shape.at(-1) as number;
      const n = 1 + pick(3);
      // A batch axis of 1 (broadcast) or of x's own batch size (2 when x has none).
      const batch = pick(2) === 0 ? 1 : x.ndim >= 3 ? (x.shape.at(-3) as number) : 2;
      const shape = [[k], [k, n], [batch, k, n]][pick(3)] as number[];
      const w = leaf(shape);
      return {
        label: `matmul(·, w${fmt(shape)})`,
        extras: [w],
        apply: (v, [e]) => sg.matmul(v, e as Tensor),
      };
    },
  },
  {
    fits: (x) => x.ndim >= 1 && small(x),
    plan: (x, pick, leaf) => {
      const k = x.ndim === 1 ? (x.shape[0] as number) : (x.shape.at(-2) as number);
      const shape = [[k], [1 + pick(3), k]][pick(2)] as number[];
      const w = leaf(shape);
      return {
        label: `matmul(w${fmt(shape)}, ·)`,
        extras: [w],
        apply: (v, [e]) => sg.matmul(e as Tensor, v),
      };
    },
  },
  {
    fits: (x) => x.ndim >= 1 && small(x),
    plan: (x, pick, leaf) => {
      const inFeatures = x.shape.at(-1) as number;
      const outFeatures = 1 + pick(3);
      const withBias = pick(2) === 0;
      const extras = [leaf([outFeatures, inFeatures]), ...(withBias ? [leaf([outFeatures])] : [])];
      return {
        label: `linear(W[${outFeatures}, ${inFeatures}]${withBias ? ', b' : ''})`,
        extras,
        apply: (v, [weight, bias]) => sg.linear(v, weight as Tensor, bias ?? null),
      };
    },
  },
  {
    fits: hasAxes,
    plan: (x, pick) => {
      const C = x.shape.at(-1) as number;
      const rows = x.shape.slice(0, -1);
      // Some targets ignored, but never all of them (a mean over nothing is 0/0, as in PyTorch).
      const flat = ref.build(rows, () => (pick(4) === 0 ? -100 : pick(C))).data.slice();
      if (flat.length > 0) flat[0] = pick(C);
      const targets = sg.tensor(Float64Array.from(flat), { shape: rows, dtype: 'float64' });
      const reduction = (['mean', 'sum', 'none'] as const)[pick(3)] ?? 'mean';
      const labelSmoothing = [0, 0.1][pick(2)] ?? 0;
      return {
        label: `crossEntropy(targets ${JSON.stringify(flat)}, ${reduction}, smoothing ${labelSmoothing})`,
        extras: [],
        apply: (v) => sg.crossEntropy(v, targets, { reduction, labelSmoothing }),
      };
    },
  },
  {
    fits: always,
    plan: (x, pick, leaf) => {
      const target = leaf(x.shape);
      const reduction = (['mean', 'sum', 'none'] as const)[pick(3)] ?? 'mean';
      return {
        label: `mseLoss(·, w, ${reduction})`,
        extras: [target],
        apply: (v, [e]) => sg.mseLoss(v, e as Tensor, { reduction }),
      };
    },
  },
];

/** What fast-check draws for a composition: a start shape, 2–4 steps and a seed for the values. */
interface ChainSpec {
  shape: number[];
  steps: { op: number; choices: number[] }[];
  seed: number;
}

const chainArb: fc.Arbitrary<ChainSpec> = fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
  steps: fc.array(
    fc.record({ op: fc.nat(), choices: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }) }),
    { minLength: 2, maxLength: 4 },
  ),
  seed: fc.nat(),
});

/** Turns a spec into a function of its leaves (the start tensor, then each step's extras). */
function buildChain(spec: ChainSpec): {
  labels: string[];
  fn: (...inputs: Tensor[]) => Tensor;
  inputs: Tensor[];
} {
  const rng = seedrandom(`chain ${spec.seed}`);
  const leaf: MakeLeaf = (shape, [lo, hi] = [-1.5, 1.5]) =>
    sg
      .rand(shape, { dtype: 'float64', rng })
      .mul(hi - lo)
      .add(lo)
      .detach();
  const start = leaf(spec.shape);
  const steps: Planned[] = [];
  let x = start;
  for (const step of spec.steps) {
    const candidates = chainOps.filter((op) => op.fits(x));
    const op = candidates[step.op % candidates.length] as ChainOp;
    let cursor = 0;
    const pick: Pick = (n) =>
      n <= 1 ? 0 : (step.choices[cursor++ % step.choices.length] as number) % n;
    const planned = op.plan(x, pick, leaf);
    const current = x;
    x = noGrad(() => planned.apply(current, planned.extras));
    steps.push(planned);
  }
  const fn = (...inputs: Tensor[]) => {
    let value = inputs[0] as Tensor;
    let next = 1;
    for (const step of steps) {
      value = step.apply(value, inputs.slice(next, next + step.extras.length));
      next += step.extras.length;
    }
    return value;
  };
  return {
    labels: [`x${fmt(spec.shape)}`, ...steps.map((s) => s.label)],
    fn,
    inputs: [start, ...steps.flatMap((s) => s.extras)],
  };
}

describe('gradients of random compositions', () => {
  it('compositions of 2–4 unary, binary, reduction and movement ops pass gradcheck (float64)', () => {
    fc.assert(
      fc.property(chainArb, (spec) => {
        const { labels, fn, inputs } = buildChain(spec);
        const result = gradcheck(fn, inputs);
        if (!result.ok) {
          throw new Error(
            `gradcheck failed for ${labels.join(' → ')}: worst ${JSON.stringify(result.worst)}, max abs error ${result.maxAbsError}`,
          );
        }
      }),
      { seed: 0x5eed0a, numRuns: 1000 },
    );
  });
});
