/**
 * Numerical safety: large logits, fully masked attention rows, constant layer-norm rows,
 * saturating activations and IEEE special values. Expected values at ±Infinity, log 0 and exp
 * overflow are PyTorch's (checked with torch 1.13 on this machine, float32 and float64); where
 * PyTorch itself gives NaN (gelu at −Infinity, gelu's gradient at ±Infinity) the test says so.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  crossEntropy,
  type DType,
  exp,
  gelu,
  LayerNorm,
  layerNorm,
  log,
  logSoftmax,
  MultiHeadAttention,
  mul,
  randn,
  scaledDotProductAttention,
  sigmoid,
  softmax,
  sum,
  type Tensor,
  tanh,
  tensor,
} from '../../src/index.js';

const dtypes: DType[] = ['float32', 'float64'];

function values(t: Tensor | null | undefined): number[] {
  if (!t) throw new Error('expected a tensor (a missing gradient?)');
  const out: number[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else out.push(v as number);
  };
  visit(t.toArray());
  return out;
}

/** Asserts every element is finite, naming the first that is not. */
function expectFinite(t: Tensor | null | undefined, label: string): void {
  const bad = values(t).findIndex((v) => !Number.isFinite(v));
  expect(bad, `${label}: element ${bad} is ${values(t)[bad]}`).toBe(-1);
}

/** `Σ out ⊙ w` for a fixed random `w`, so every output element gets its own upstream gradient. */
function weightedLoss(out: Tensor, seed: string): Tensor {
  const w = randn(out.shape, { dtype: out.dtype, rng: seedrandom(seed) });
  return sum(mul(out, w));
}

/** Equality that treats +0 and −0 alike and NaN as equal to NaN. */
function expectSameValues(actual: number[], expected: number[], label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i] as number;
    const same = a === e || (Number.isNaN(a) && Number.isNaN(e));
    expect(same, `${label}: element ${i} is ${a}, expected ${e}`).toBe(true);
  });
}

describe('softmax, logSoftmax and crossEntropy with logits of magnitude 1e4 (float32)', () => {
  const logits = () =>
    tensor(
      [
        [1e4, -1e4, 0, 5e3],
        [-1e4, -1e4, -1e4, -1e4], // all equal and hugely negative: uniform
        [1e4, 1e4, -1e4, 9999], // two tied maxima
      ],
      { requiresGrad: true },
    );

  it('softmax is finite, sums to 1 per row, and has finite gradients', () => {
    const x = logits();
    const y = softmax(x, -1);
    expectFinite(y, 'softmax');
    expect(values(y).slice(0, 4)).toEqual([1, 0, 0, 0]);
    expect(values(y).slice(4, 8)).toEqual([0.25, 0.25, 0.25, 0.25]);
    for (const rowSum of values(sum(y, -1))) expect(rowSum).toBeCloseTo(1, 6);
    weightedLoss(y, 'softmax upstream').backward();
    expectFinite(x.grad, 'softmax gradient');
  });

  it('logSoftmax is finite (−2e4, not −Infinity) and has finite gradients', () => {
    const x = logits();
    const y = logSoftmax(x, -1);
    expectFinite(y, 'logSoftmax');
    expect(values(y).slice(0, 4)).toEqual([0, -2e4, -1e4, -5e3]); // torch: [0, -20000, -10000, -5000]
    weightedLoss(y, 'logSoftmax upstream').backward();
    expectFinite(x.grad, 'logSoftmax gradient');
  });

  it('crossEntropy is finite with and without label smoothing, for every reduction', () => {
    for (const labelSmoothing of [0, 0.1]) {
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        const x = logits();
        const loss = crossEntropy(x, [1, 0, 2], { labelSmoothing, reduction });
        const label = `crossEntropy(smoothing ${labelSmoothing}, ${reduction})`;
        expectFinite(loss, label);
        (reduction === 'none' ? weightedLoss(loss, 'ce upstream') : loss).backward();
        expectFinite(x.grad, `${label} gradient`);
      }
    }
    // torch: F.cross_entropy([[1e4, -1e4, 0, 5e3]], [1]) == 20000, gradient [1, -1, 0, 0]
    const x = tensor([[1e4, -1e4, 0, 5e3]], { requiresGrad: true });
    const loss = crossEntropy(x, [1]);
    expect(loss.item()).toBe(2e4);
    loss.backward();
    expect(values(x.grad)).toEqual([1, -1, 0, 0]);
  });

  it('softmax, logSoftmax and crossEntropy of logits with some −Infinity (masked) entries stay finite where PyTorch does', () => {
    const x = tensor([[-Infinity, 0, 1]], { requiresGrad: true });
    const y = softmax(x, -1);
    expect(values(y)[0]).toBe(0);
    weightedLoss(y, 'masked softmax').backward();
    expectFinite(x.grad, 'softmax gradient with a −Infinity logit');
    // log p of the masked class is −Infinity, the others finite (torch: [-inf, -1.3133, -0.3133]).
    expect(values(logSoftmax(x, -1))[0]).toBe(-Infinity);
    expectFinite(
      logSoftmax(x, -1).select(0, 0).narrow(0, 1, 2),
      'logSoftmax of the unmasked classes',
    );
  });

  it('crossEntropy of logits with a −Infinity entry off the target is finite, as PyTorch (1.3133)', () => {
    // torch: F.cross_entropy([[-inf, 0., 1.]], [1]) == 1.31326162815094, grad [0, -0.7311, 0.7311].
    // (With label smoothing PyTorch gives +inf, because the smoothing term averages log p over
    // every class, the masked one included.)
    const x = tensor([[-Infinity, 0, 1]], { requiresGrad: true });
    const loss = crossEntropy(x, [1]);
    expect(loss.item()).toBeCloseTo(1.31326162815094, 6);
    loss.backward();
    expectFinite(x.grad, 'crossEntropy gradient');
    expect(values(x.grad)[0]).toBe(0);
    expect(values(x.grad)[1]).toBeCloseTo(-0.7310585975646973, 6);
  });
});

describe('attention with scores of magnitude ≥ 1e4 (float32)', () => {
  it('scaledDotProductAttention: outputs and the gradients of q, k, v are finite; a causal mask changes nothing', () => {
    const rng = seedrandom('sdpa large');
    // q·k over D = 4 with entries ~100: scores of order 1e4.
    const make = (shape: number[]) => {
      const t = randn(shape, { rng }).mul(100).detach();
      t.requiresGrad = true;
      return t;
    };
    for (const masked of [false, true]) {
      const [q, k, v] = [make([2, 3, 4]), make([2, 3, 4]), make([2, 3, 5])];
      const mask = tensor([
        [0, -Infinity, -Infinity],
        [0, 0, -Infinity],
        [0, 0, 0],
      ]);
      const scores = q.matmul(k.transpose(-2, -1)).div(2);
      expect(Math.max(...values(scores).map(Math.abs))).toBeGreaterThan(1e4);
      const { output, weights } = scaledDotProductAttention(q, k, v, masked ? { mask } : {});
      expectFinite(output, 'output');
      expectFinite(weights, 'weights');
      weightedLoss(output, 'sdpa upstream').backward();
      for (const [name, t] of [
        ['q', q],
        ['k', k],
        ['v', v],
      ] as const)
        expectFinite(t.grad, `${name}.grad (mask: ${masked})`);
    }
  });

  it('MultiHeadAttention: output, attention weights and every gradient are finite for inputs up to 1e4', () => {
    for (const magnitude of [1e2, 1e4]) {
      const rng = seedrandom(`mha large ${magnitude}`);
      const attention = new MultiHeadAttention(12, 3, { rng }); // E = 12, H = 3, D = 4
      const query = randn([2, 3, 12], { rng }).mul(magnitude).detach();
      const key = randn([2, 5, 12], { rng }).mul(magnitude).detach();
      const value = randn([2, 5, 12], { rng }).mul(magnitude).detach();
      for (const t of [query, key, value]) t.requiresGrad = true;
      const { output, weights } = attention.forward(query, key, value, { isCausal: true });
      expectFinite(output, `output (×${magnitude})`);
      expectFinite(weights, `weights (×${magnitude})`);
      // The softmax saturates: some weight is (nearly) one-hot.
      expect(Math.max(...values(weights))).toBeGreaterThan(0.3);
      weightedLoss(output, 'mha upstream').backward();
      for (const [name, t] of [
        ['query', query],
        ['key', key],
        ['value', value],
      ] as const)
        expectFinite(t.grad, `${name}.grad (×${magnitude})`);
      for (const [name, p] of attention.namedParameters())
        expectFinite(p.grad, `${name}.grad (×${magnitude})`);
    }
  });
});

describe('fully masked attention rows', () => {
  it('scaledDotProductAttention: a row with every key blocked gets zero weights, zero output and zero gradient, no NaN', () => {
    for (const dtype of dtypes) {
      const rng = seedrandom(`sdpa masked ${dtype}`);
      const make = (shape: number[]) => {
        const t = randn(shape, { rng, dtype }).detach();
        t.requiresGrad = true;
        return t;
      };
      const [q, k, v] = [make([2, 3, 4]), make([2, 5, 4]), make([2, 5, 6])];
      const blocked = Array(5).fill(-Infinity);
      const mask = tensor([[0, 0, 0, 0, 0], blocked, [0, -Infinity, 0, -Infinity, 0]], { dtype }); // (T, S)
      const { output, weights } = scaledDotProductAttention(q, k, v, { mask });
      for (const b of [0, 1]) {
        expect(values(weights.select(0, b).select(0, 1)), `weights row 1 (${dtype})`).toEqual([
          0, 0, 0, 0, 0,
        ]);
        expect(values(output.select(0, b).select(0, 1)), `output row 1 (${dtype})`).toEqual([
          0, 0, 0, 0, 0, 0,
        ]);
      }
      weightedLoss(output, 'masked upstream').backward();
      for (const [name, t] of [
        ['q', q],
        ['k', k],
        ['v', v],
      ] as const)
        expectFinite(t.grad, `${name}.grad (${dtype})`);
      for (const b of [0, 1])
        expect(values(q.grad?.select(0, b).select(0, 1)), `q.grad row 1 (${dtype})`).toEqual([
          0, 0, 0, 0,
        ]);
      // The other rows still get gradient: the mask did not switch everything off.
      expect(values(q.grad?.select(0, 0).select(0, 0)).some((g) => g !== 0)).toBe(true);
    }
  });

  it('MultiHeadAttention: a fully padded batch item and a fully masked query row attend to nothing, with zero and finite gradients', () => {
    const rng = seedrandom('mha masked');
    const attention = new MultiHeadAttention(12, 3, { rng });
    // A non-zero output bias, so "attends to nothing" is visible as output == out_proj.bias.
    const outBias = attention.outProj.bias as Tensor;
    outBias.data.data.set(values(randn([12], { rng })));
    const query = randn([2, 3, 12], { rng }).detach();
    const key = randn([2, 5, 12], { rng }).detach();
    const value = randn([2, 5, 12], { rng }).detach();
    for (const t of [query, key, value]) t.requiresGrad = true;
    const keyPaddingMask = [Array(5).fill(false), Array(5).fill(true)]; // batch item 1: all padding
    const attnMask = [Array(5).fill(false), Array(5).fill(true), Array(5).fill(false)]; // query 1 blocked
    const { output, weights } = attention.forward(query, key, value, { keyPaddingMask, attnMask });
    const bias = values(outBias);
    for (let t = 0; t < 3; t++) {
      expect(values(weights?.select(0, 1).select(0, t))).toEqual([0, 0, 0, 0, 0]);
      expectSameValues(values(output.select(0, 1).select(0, t)), bias, `output[1, ${t}]`);
    }
    expect(values(weights?.select(0, 0).select(0, 1))).toEqual([0, 0, 0, 0, 0]);
    expectSameValues(values(output.select(0, 0).select(0, 1)), bias, 'output[0, 1]');
    weightedLoss(output, 'mha masked upstream').backward();
    for (const [name, t] of [
      ['query', query],
      ['key', key],
      ['value', value],
    ] as const)
      expectFinite(t.grad, `${name}.grad`);
    for (const [name, p] of attention.namedParameters()) expectFinite(p.grad, `${name}.grad`);
    // Nothing flows into the masked rows' queries, or into the padded keys and values.
    expect(values(query.grad?.select(0, 1)).every((g) => g === 0)).toBe(true);
    expect(values(query.grad?.select(0, 0).select(0, 1)).every((g) => g === 0)).toBe(true);
    expect(values(key.grad?.select(0, 1)).every((g) => g === 0)).toBe(true);
    expect(values(value.grad?.select(0, 1)).every((g) => g === 0)).toBe(true);
    expect(values(query.grad?.select(0, 0).select(0, 0)).some((g) => g !== 0)).toBe(true);
  });
});

describe('layerNorm of a constant row', () => {
  it('is finite (0, or the bias) with finite gradient (g − mean g)·w / √eps, in float32 and float64', () => {
    for (const dtype of dtypes) {
      for (const level of [0, 3, -1e4]) {
        const x = tensor([Array(4).fill(level), [1, 2, 3, 5]], { dtype, requiresGrad: true });
        const weight = tensor([0.5, -1, 2, 1.5], { dtype, requiresGrad: true });
        const bias = tensor([0.1, 0.2, 0.3, 0.4], { dtype, requiresGrad: true });
        const y = layerNorm(x, [4], weight, bias);
        const label = `layerNorm of ${level}s (${dtype})`;
        expectFinite(y, label);
        expect(values(y.select(0, 0))).toEqual(values(bias));
        const upstream = tensor(
          [
            [1, 2, 3, 4],
            [1, 1, 1, 1],
          ],
          { dtype },
        );
        sum(mul(y, upstream)).backward();
        expectFinite(x.grad, `${label}: x.grad`);
        expectFinite(weight.grad, `${label}: weight.grad`);
        expectFinite(bias.grad, `${label}: bias.grad`);
        // x̂ = 0, so ∂/∂x = (ĝ − mean ĝ) / √(0 + eps) with ĝ = g ⊙ w; torch agrees (float32: 1e-6).
        const gw = [1 * 0.5, 2 * -1, 3 * 2, 4 * 1.5];
        const meanGw = gw.reduce((s, v) => s + v, 0) / 4;
        const expected = gw.map((g) => (g - meanGw) / Math.sqrt(1e-5));
        values(x.grad?.select(0, 0)).forEach((g, i) => {
          expect(g).toBeCloseTo(expected[i] as number, dtype === 'float32' ? 2 : 8);
        });
      }
    }
  });

  it('the LayerNorm module behaves the same on a constant row', () => {
    const norm = new LayerNorm(4);
    const x = tensor([[7, 7, 7, 7]], { requiresGrad: true });
    const y = norm.forward(x);
    expect(values(y)).toEqual([0, 0, 0, 0]);
    weightedLoss(y, 'LayerNorm upstream').backward();
    expectFinite(x.grad, 'x.grad');
    for (const [name, p] of norm.namedParameters()) expectFinite(p.grad, `${name}.grad`);
  });
});

describe('saturating activations at ±1e4 and ±Infinity (PyTorch 1.13’s values)', () => {
  const inputs = [-Infinity, -1e4, 1e4, Infinity];
  const cases: { name: string; fn: (x: Tensor) => Tensor; outputs: number[]; grads: number[] }[] = [
    // sigmoid(±∞) = 1 or 0 and tanh(±∞) = ±1 with zero gradient: the limits, no NaN.
    { name: 'sigmoid', fn: sigmoid, outputs: [0, 0, 1, 1], grads: [0, 0, 0, 0] },
    { name: 'tanh', fn: tanh, outputs: [-1, -1, 1, 1], grads: [0, 0, 0, 0] },
    // gelu(x) = x·Φ(x): at −∞ PyTorch computes −∞·0 = NaN, and its gradient Φ(x) + x·φ(x) is
    // ∞·0 = NaN at both infinities. At ±1e4 everything is finite: gelu is x or 0, slope 1 or 0.
    {
      name: 'gelu',
      fn: gelu,
      outputs: [Number.NaN, 0, 1e4, Infinity],
      grads: [Number.NaN, 0, 1, Number.NaN],
    },
  ];
  for (const { name, fn, outputs, grads } of cases) {
    it(`${name}: outputs ${outputs.join(', ')} and gradients ${grads.join(', ')}`, () => {
      for (const dtype of dtypes) {
        const x = tensor(inputs, { dtype, requiresGrad: true });
        const y = fn(x);
        expectSameValues(values(y), outputs, `${name} (${dtype})`);
        sum(y).backward();
        expectSameValues(values(x.grad), grads, `${name} gradient (${dtype})`);
      }
    });
  }

  it('sigmoid, tanh and gelu are finite with finite gradients on a sweep up to ±1e4', () => {
    const sweep = Array.from(
      { length: 81 },
      (_, i) => Math.sign(i - 40) * 10 ** (Math.abs(i - 40) / 10),
    );
    for (const dtype of dtypes) {
      for (const fn of [sigmoid, tanh, gelu]) {
        const x = tensor(sweep, { dtype, requiresGrad: true });
        const y = fn(x);
        expectFinite(y, `${fn.name} (${dtype})`);
        sum(y).backward();
        expectFinite(x.grad, `${fn.name} gradient (${dtype})`);
      }
    }
  });
});

describe('IEEE special values are reported faithfully', () => {
  it('exp overflows to Infinity (float32 past 88.7, float64 past 709.8), and so does its gradient', () => {
    const cases: [DType, number, number][] = [
      ['float32', 88, 89],
      ['float64', 709, 710],
    ];
    for (const [dtype, fits, overflows] of cases) {
      const x = tensor([fits, overflows, -Infinity, Infinity], { dtype, requiresGrad: true });
      const y = exp(x);
      const [a, b, c, d] = values(y);
      expect(Number.isFinite(a), `exp(${fits}) in ${dtype}`).toBe(true);
      const exact = Math.exp(fits);
      expect(Math.abs((a as number) - exact) / exact, `exp(${fits}) in ${dtype}`).toBeLessThan(
        1e-6,
      );
      expect([b, c, d]).toEqual([Infinity, 0, Infinity]); // torch: inf, 0, inf
      sum(y).backward();
      expect(values(x.grad).slice(1)).toEqual([Infinity, 0, Infinity]);
    }
  });

  it('log(0) is −Infinity with gradient +Infinity, log(−1) is NaN, log(∞) is ∞ with gradient 0 (as torch)', () => {
    for (const dtype of dtypes) {
      const x = tensor([0, -1, Infinity, 1], { dtype, requiresGrad: true });
      const y = log(x);
      expectSameValues(values(y), [-Infinity, Number.NaN, Infinity, 0], `log (${dtype})`);
      sum(y).backward();
      expectSameValues(values(x.grad), [Infinity, -1, 0, 1], `log gradient (${dtype})`);
    }
  });

  it('a softmax row of all −Infinity is NaN, as in PyTorch (attention handles that case itself)', () => {
    const y = softmax(tensor([[-Infinity, -Infinity]]), -1);
    expect(values(y).every(Number.isNaN)).toBe(true);
  });
});
