/**
 * clipGradNorm against torch.nn.utils.clip_grad_norm_ (test/fixtures/torch/optim.json): the total
 * norm before clipping and the clipped gradients for norms 2, ∞, 1 and 3, then its edge cases.
 */
import { describe, expect, it } from 'vitest';
import {
  clipGradNorm,
  type DType,
  type Tensor,
  tensor,
  transpose,
  zeros,
} from '../../src/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { fromJSON, loadFixture, type TensorJSON } from '../helpers/fixtures.js';

interface ClipCase {
  name: string;
  maxNorm: number;
  normType: number | 'inf';
  grads: TensorJSON[];
  totalNorm: number;
  clipped: TensorJSON[];
}

const { clipGradNorm: cases } = loadFixture<{ clipGradNorm: ClipCase[] }>('optim');

function withGrads(grads: TensorJSON[], dtype: DType): Tensor[] {
  return grads.map((g) => {
    const p = zeros(g.shape, { dtype, requiresGrad: true });
    p.grad = fromJSON(g, { dtype });
    return p;
  });
}

const normOf = (c: ClipCase) => (c.normType === 'inf' ? Number.POSITIVE_INFINITY : c.normType);

describe.each(cases)('$name matches torch.nn.utils.clip_grad_norm_', (c) => {
  it('float64: total norm and clipped gradients to 1e-12', () => {
    const params = withGrads(c.grads, 'float64');
    const total = clipGradNorm(params, c.maxNorm, normOf(c));
    expect(Math.abs(total - c.totalNorm)).toBeLessThanOrEqual(1e-12 * c.totalNorm);
    params.forEach((p, i) => {
      assertClose(p.grad as Tensor, c.clipped[i] as TensorJSON, { atol: 1e-12, rtol: 1e-12 });
    });
  });

  it('float32: to 1e-6 relative', () => {
    const params = withGrads(c.grads, 'float32');
    const total = clipGradNorm(params, c.maxNorm, normOf(c));
    expect(Math.abs(total - c.totalNorm)).toBeLessThanOrEqual(1e-6 * c.totalNorm);
    params.forEach((p, i) => {
      assertClose(p.grad as Tensor, c.clipped[i] as TensorJSON, { atol: 1e-7, rtol: 1e-6 });
    });
  });
});

describe('clipGradNorm', () => {
  it('the fixture clips in all but one case, and that case is left exactly as it was', () => {
    expect(cases.map((c) => c.totalNorm > c.maxNorm)).toEqual([true, false, true, true, true]);
    const unclipped = cases[1] as ClipCase;
    const params = withGrads(unclipped.grads, 'float64');
    clipGradNorm(params, unclipped.maxNorm);
    expect(params.map((p) => (p.grad as Tensor).toArray())).toEqual(
      unclipped.grads.map((g) => fromJSON(g).toArray()),
    );
  });

  it('the clipped gradients have the requested norm', () => {
    const params = withGrads((cases[0] as ClipCase).grads, 'float64');
    expect(clipGradNorm(params, 0.25)).toBeGreaterThan(1);
    // An infinite maxNorm measures without clipping.
    expect(clipGradNorm(params, Number.POSITIVE_INFINITY)).toBeCloseTo(0.25, 5);
  });

  it('skips parameters without a gradient and returns 0 when none has one', () => {
    const a = zeros([2], { requiresGrad: true });
    const b = zeros([2], { requiresGrad: true });
    expect(clipGradNorm([a, b], 1)).toBe(0);
    b.grad = tensor([6, 8], { dtype: 'float32' });
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(10, 6);
    expect(a.grad).toBeNull();
    assertClose(b.grad, [0.6, 0.8], { atol: 1e-6 });
  });

  it('accepts a single tensor, as PyTorch', () => {
    const w = zeros([2], { requiresGrad: true, dtype: 'float64' });
    w.grad = tensor([3, -4], { dtype: 'float64' });
    expect(clipGradNorm(w, 2.5, Number.POSITIVE_INFINITY)).toBe(4);
    assertClose(w.grad, [1.875, -2.5], { atol: 1e-6 });
  });

  it('scales a strided gradient in place', () => {
    const w = zeros([2, 3], { requiresGrad: true, dtype: 'float64' });
    const storage = tensor(
      [
        [3, 0],
        [0, 0],
        [0, 4],
      ],
      { dtype: 'float64' },
    );
    const grad = transpose(storage, 0, 1);
    w.grad = grad;
    expect(clipGradNorm([w], 1)).toBe(5);
    expect(w.grad).toBe(grad);
    assertClose(
      grad,
      [
        [0.6, 0, 0],
        [0, 0, 0.8],
      ],
      { atol: 1e-6 },
    );
    assertClose(
      storage,
      [
        [0.6, 0],
        [0, 0],
        [0, 0.8],
      ],
      { atol: 1e-6 },
    );
  });

  it('errorIfNonfinite throws on an infinite or NaN norm before touching the gradients', () => {
    const w = zeros([2], { requiresGrad: true, dtype: 'float64' });
    w.grad = tensor([Number.POSITIVE_INFINITY, 1], { dtype: 'float64' });
    expect(() => clipGradNorm([w], 1, 2, { errorIfNonfinite: true })).toThrow(
      'clipGradNorm: the total norm of order 2 of the gradients is Infinity, so they cannot be clipped; pass errorIfNonfinite: false to scale them by the non-finite norm anyway',
    );
    expect(w.grad.toArray()).toEqual([Number.POSITIVE_INFINITY, 1]);
    w.grad = tensor([Number.NaN, 1], { dtype: 'float64' });
    expect(() =>
      clipGradNorm([w], 1, Number.POSITIVE_INFINITY, { errorIfNonfinite: true }),
    ).toThrow(/order Infinity of the gradients is NaN/);
  });

  it('without errorIfNonfinite a non-finite norm spreads as in PyTorch', () => {
    const w = zeros([2], { requiresGrad: true, dtype: 'float64' });
    w.grad = tensor([Number.POSITIVE_INFINITY, 1], { dtype: 'float64' });
    expect(clipGradNorm([w], 1)).toBe(Number.POSITIVE_INFINITY);
    // The coefficient is 1 / ∞ = 0: ∞ · 0 is NaN, 1 · 0 is 0 (torch gives [nan, 0.]).
    expect(w.grad.toArray()).toEqual([Number.NaN, 0]);
    w.grad = tensor([Number.NaN, 1], { dtype: 'float64' });
    expect(clipGradNorm([w], 1)).toBeNaN();
    expect(w.grad.toArray()).toEqual([Number.NaN, Number.NaN]);
  });

  it.each([
    [() => clipGradNorm([], -1), 'clipGradNorm: maxNorm must be a non-negative number; got -1'],
    [
      () => clipGradNorm([], Number.NaN),
      'clipGradNorm: maxNorm must be a non-negative number; got NaN',
    ],
    [
      () => clipGradNorm([], 1, 0),
      'clipGradNorm: normType must be a positive number or Infinity; got 0',
    ],
    [
      () => clipGradNorm([], 1, 'inf' as unknown as number),
      'clipGradNorm: normType must be a positive number or Infinity; got "inf"',
    ],
    [
      () => clipGradNorm(5 as never, 1),
      'clipGradNorm: params must be a Tensor or an array of Tensors; got 5',
    ],
    [
      () => clipGradNorm([zeros([1]), 'w' as never], 1),
      'clipGradNorm: params[1] must be a Tensor; got "w"',
    ],
  ])('rejects bad arguments: %#', (call, message) => {
    expect(call).toThrow(message);
  });
});
