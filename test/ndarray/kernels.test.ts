import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erf } from '../../src/ndarray/erf.js';
import { matmul } from '../../src/ndarray/matmul.js';
import { expand, permute, slice } from '../../src/ndarray/movement.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import { contiguous, copy, isContiguous, planRows, wrap } from '../../src/ndarray/ndarray.js';
import { normal } from '../../src/ndarray/random.js';
import { sumAxes } from '../../src/ndarray/reduce.js';
import { softmax } from '../../src/ndarray/softmax.js';
import { useWasmGemm } from '../../src/ndarray/wasm-gemm.js';
import { assertClose } from '../helpers/assert-close.js';

const rng = seedrandom('kernels');
const random = (shape: number[]) => normal(shape, 'float64', rng);
const at = (a: NDArray, ...index: number[]) => a.get(...index) as number;

/** The textbook triple loop, read through `get`, as the oracle for the kernel. */
function naiveMatmul(a: NDArray, b: NDArray): number[][] {
  const [M, K] = a.shape as [number, number];
  const N = b.shape[1] as number;
  return Array.from({ length: M }, (_, i) =>
    Array.from({ length: N }, (_, j) => {
      let s = 0;
      for (let k = 0; k < K; k++) s += at(a, i, k) * at(b, k, j);
      return s;
    }),
  );
}

const toNested = (a: NDArray): number[][] =>
  Array.from({ length: a.shape[0] as number }, (_, i) =>
    Array.from({ length: a.shape[1] as number }, (_, j) => at(a, i, j)),
  );

describe('row plans', () => {
  it('merges axes that are contiguous for every operand', () => {
    const a = wrap(new Float32Array(24), [2, 3, 4]);
    const plan = planRows([2, 3, 4], [a.stride, [0, 0, 1]], [0, 0]);
    expect(plan.rows).toBe(6);
    expect(plan.length).toBe(4);
    expect(Array.from(plan.offsets[0] as Int32Array)).toEqual([0, 4, 8, 12, 16, 20]);
    expect(Array.from(plan.offsets[1] as Int32Array)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(planRows([2, 3, 4], [a.stride], [0]).rows).toBe(1);
  });

  it('copies transposed, sliced and broadcast views element for element', () => {
    const a = random([3, 4, 5]);
    const t = permute(a, [2, 0, 1]);
    expect(isContiguous(t)).toBe(false);
    const c = copy(t);
    expect(isContiguous(c)).toBe(true);
    expect(at(c, 4, 1, 2)).toBe(at(a, 1, 2, 4));
    const s = slice(a, 1, 1, 2);
    expect(at(contiguous(s), 2, 1, 3)).toBe(at(a, 2, 2, 3));
    const e = expand(wrap(new Float64Array([1, 2, 3]), [3, 1]), [2, 3, 4]);
    expect(toNested(contiguous(e).pick(1, null, null) as NDArray)).toEqual([
      [1, 1, 1, 1],
      [2, 2, 2, 2],
      [3, 3, 3, 3],
    ]);
  });
});

for (const kernel of ['wasm', 'js'] as const)
  describe(`matmul kernel (${kernel})`, () => {
    beforeAll(() => {
      // The WebAssembly SIMD kernel must be available here (Node 20); the JS kernel is its fallback.
      expect(useWasmGemm(kernel === 'wasm' ? 'auto' : 'js')).toBe(kernel === 'wasm');
    });
    afterAll(() => {
      useWasmGemm('auto');
    });
    const dtypes = kernel === 'wasm' ? (['float32'] as const) : (['float64'] as const);
    const random = (shape: number[]) => normal(shape, dtypes[0], rng);
    const tolerance = kernel === 'wasm' ? { atol: 1e-4, rtol: 1e-4 } : { atol: 1e-11 };
    // Sizes that are not multiples of the 4-wide unrolling, to reach every remainder loop.
    const [M, K, N] = [7, 5, 6];
    const layouts: Array<[string, () => [NDArray, NDArray]]> = [
      ['row-major × row-major', () => [random([M, K]), random([K, N])]],
      ['row-major × transposed view', () => [random([M, K]), permute(random([N, K]), [1, 0])]],
      ['transposed view × row-major', () => [permute(random([K, M]), [1, 0]), random([K, N])]],
      [
        'transposed × transposed',
        () => [permute(random([K, M]), [1, 0]), permute(random([N, K]), [1, 0])],
      ],
      [
        'sliced (strided) operands',
        () => [slice(random([M, K + 3]), 1, 2, K), slice(random([K, N + 2]), 1, 1, N)],
      ],
    ];
    for (const [name, make] of layouts) {
      it(`agrees with the triple loop for ${name}`, () => {
        const [a, b] = make();
        assertClose(
          toNested(matmul(a, b)),
          naiveMatmul(a, b),
          kernel === 'wasm' ? tolerance : { atol: 1e-12 },
        );
      });
    }

    // Large enough for the packed path: M crosses the 128-row block, K the 256-deep block, and
    // neither M nor N is a multiple of the 4×4 tile.
    const [bigM, bigK, bigN] = [133, 301, 31];
    const bigLayouts: Array<[string, () => [NDArray, NDArray]]> = [
      ['row-major', () => [random([bigM, bigK]), random([bigK, bigN])]],
      [
        'transposed views',
        () => [permute(random([bigK, bigM]), [1, 0]), permute(random([bigN, bigK]), [1, 0])],
      ],
      [
        'sliced operands',
        () => [
          slice(random([bigM, bigK + 5]), 1, 3, bigK),
          slice(random([bigK, bigN + 4]), 1, 2, bigN),
        ],
      ],
    ];
    for (const [name, make] of bigLayouts) {
      it(`agrees with the triple loop on a packed, blocked product (${name})`, () => {
        const [a, b] = make();
        assertClose(toNested(matmul(a, b)), naiveMatmul(a, b), tolerance);
      });
    }

    it('broadcasts batch axes', () => {
      const a = random([2, 1, 3, 4]);
      const b = random([5, 4, 6]);
      const c = matmul(a, b);
      expect(c.shape).toEqual([2, 5, 3, 6]);
      const expected = naiveMatmul(
        a.pick(1, 0, null, null) as NDArray,
        b.pick(3, null, null) as NDArray,
      );
      assertClose(
        toNested(c.pick(1, 3, null, null) as NDArray),
        expected,
        kernel === 'wasm' ? tolerance : { atol: 1e-12 },
      );
    });

    it('handles empty inner and outer sizes', () => {
      expect(Array.from(matmul(random([2, 0]), random([0, 3])).data)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(matmul(random([0, 4]), random([4, 3])).shape).toEqual([0, 3]);
    });
  });

describe('reductions', () => {
  it('sums over any set of axes of a strided view', () => {
    const a = permute(random([2, 3, 4]), [1, 2, 0]); // (3, 4, 2)
    const s = sumAxes(a, [0, 2], false);
    expect(s.shape).toEqual([4]);
    for (let j = 0; j < 4; j++) {
      let expected = 0;
      for (let i = 0; i < 3; i++) for (let k = 0; k < 2; k++) expected += at(a, i, j, k);
      expect(at(s, j)).toBeCloseTo(expected, 12);
    }
  });
});

describe('softmax kernel', () => {
  it('stays finite for logits of magnitude 1e4 in float32', () => {
    const x = wrap(new Float32Array([1e4, -1e4, 0, 1e4 - 1]), [1, 4]);
    const y = softmax(x, 1, false);
    expect(Array.from(y.data).every(Number.isFinite)).toBe(true);
    assertClose(
      Array.from(y.data),
      [1 / (1 + Math.exp(-1)), 0, 0, Math.exp(-1) / (1 + Math.exp(-1))],
      {
        atol: 1e-7,
      },
    );
    expect(Array.from(softmax(x, 1, true).data).every(Number.isFinite)).toBe(true);
  });
});

describe('erf', () => {
  it('matches reference values to double precision', () => {
    // Values from Python's math.erf (correctly rounded libm).
    const reference: Array<[number, number]> = [
      [0, 0],
      [1e-10, 1.1283791670955126e-10],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2.4, 0.999311486103355],
      [2.6, 0.9997639655834707],
      [-3, -0.9999779095030014],
      [5, 0.9999999999984626],
    ];
    for (const [x, expected] of reference) expect(Math.abs(erf(x) - expected)).toBeLessThan(4e-16);
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(Number.isNaN(erf(Number.NaN))).toBe(true);
  });
});
