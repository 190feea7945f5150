import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import * as sg from '../../src/index.js';
import { manualSeed, randn, tensor } from '../../src/index.js';

describe('factories', () => {
  it('build tensors from numbers, nested arrays, booleans and typed arrays', () => {
    expect(tensor(3).shape).toEqual([]);
    expect(tensor(3).item()).toBe(3);
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect([t.shape, t.dtype, t.size, t.ndim]).toEqual([[2, 3], 'float32', 6, 2]);
    expect(tensor([true, false]).toArray()).toEqual([1, 0]);
    const f64 = tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
    expect([f64.dtype, f64.toArray()]).toEqual([
      'float64',
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    expect(tensor(new Float64Array([1, 2]), { dtype: 'float32' }).dtype).toBe('float32');
  });

  it('copy their data, so later writes to the source do not leak in', () => {
    const source = new Float32Array([1, 2]);
    const t = tensor(source);
    source[0] = 99;
    expect(t.toArray()).toEqual([1, 2]);
  });

  it('make constants and ranges', () => {
    expect(sg.zeros([2]).toArray()).toEqual([0, 0]);
    expect(sg.ones([2, 1], { dtype: 'float64' }).toArray()).toEqual([[1], [1]]);
    expect(sg.full([3], 7).toArray()).toEqual([7, 7, 7]);
    expect(sg.arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(sg.arange(2, 8, 3).toArray()).toEqual([2, 5]);
    expect(sg.arange(3, 0, -1).toArray()).toEqual([3, 2, 1]);
    expect(sg.zeros([0, 3]).size).toBe(0);
  });

  it('draw the same numbers from the same seed, from the default generator or an explicit one', () => {
    manualSeed(42);
    const a = randn([5]).toArray();
    manualSeed(42);
    expect(randn([5]).toArray()).toEqual(a);
    expect(randn([5], { rng: seedrandom('x') }).toArray()).toEqual(
      randn([5], { rng: seedrandom('x') }).toArray(),
    );
    expect(randn([5]).toArray()).not.toEqual(a);
  });

  it('sample with the right moments', () => {
    const n = randn([20000], { rng: seedrandom('moments'), dtype: 'float64' });
    expect(n.mean().item()).toBeCloseTo(0, 1);
    expect(n.pow(2).mean().item()).toBeCloseTo(1, 1);
    const u = sg.rand([20000], { rng: seedrandom('moments') });
    expect(u.mean().item()).toBeCloseTo(0.5, 1);
  });
});

describe('literal values', () => {
  const x = tensor([
    [1, -2, 3],
    [4, 5, -6],
  ]);
  it('reduce', () => {
    expect(x.sum().item()).toBe(5);
    expect(x.sum(0).toArray()).toEqual([5, 3, -3]);
    expect(x.sum(1, true).toArray()).toEqual([[2], [3]]);
    expect(x.mean(1).toArray()).toEqual([2 / 3, 1].map((v) => Math.fround(v)));
    expect(x.max(1).toArray()).toEqual([3, 5]);
    expect(x.max().item()).toBe(5);
    expect(sg.max(tensor([1, Number.NaN, 3])).item()).toBeNaN();
  });
  it('move axes', () => {
    expect(x.transpose(0, 1).toArray()).toEqual([
      [1, 4],
      [-2, 5],
      [3, -6],
    ]);
    expect(x.select(1, -1).toArray()).toEqual([3, -6]);
    expect(x.narrow(1, 1, 2).toArray()).toEqual([
      [-2, 3],
      [5, -6],
    ]);
    expect(x.reshape([3, -1]).toArray()).toEqual([
      [1, -2],
      [3, 4],
      [5, -6],
    ]);
    expect(x.unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(x.unsqueeze(0).squeeze().shape).toEqual([2, 3]);
    expect(x.squeeze(0).shape).toEqual([2, 3]);
    expect(sg.stack([x, x], 2).shape).toEqual([2, 3, 2]);
    expect(sg.concat([x, x], -1).toArray()).toEqual([
      [1, -2, 3, 1, -2, 3],
      [4, 5, -6, 4, 5, -6],
    ]);
    expect(
      tensor([[1], [2]])
        .expand([2, 3])
        .toArray(),
    ).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });
  it('apply functions', () => {
    expect(x.relu().toArray()).toEqual([
      [1, 0, 3],
      [4, 5, 0],
    ]);
    expect(tensor([0]).sigmoid().item()).toBe(0.5);
    expect(tensor([-1000, 1000]).sigmoid().toArray()).toEqual([0, 1]);
    expect(tensor([1], { dtype: 'float64' }).gelu().item()).toBeCloseTo(0.8413447460685429, 15);
    expect(
      x
        .maskedFill(
          [
            [true, false, false],
            [false, false, true],
          ],
          0,
        )
        .toArray(),
    ).toEqual([
      [0, -2, 3],
      [4, 5, 0],
    ]);
    expect(sg.where([true, false, true], tensor([1, 2, 3]), 0).toArray()).toEqual([1, 0, 3]);
    expect(x.to('float64').dtype).toBe('float64');
  });
  it('multiply matrices and vectors as torch.matmul', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(a.matmul(tensor([[5], [6]])).toArray()).toEqual([[17], [39]]);
    expect(a.matmul(tensor([5, 6])).toArray()).toEqual([17, 39]);
    expect(tensor([5, 6]).matmul(a).toArray()).toEqual([23, 34]);
    expect(
      tensor([1, 2])
        .matmul(tensor([3, 4]))
        .toArray(),
    ).toBe(11);
  });
  it('computes cross-entropy as PyTorch for a hand-checked case', () => {
    // −log softmax([0, ln 3])[1] = −log(3/4)
    const loss = sg.crossEntropy(tensor([[0, Math.log(3)]], { dtype: 'float64' }), [1]);
    expect(loss.item()).toBeCloseTo(-Math.log(3 / 4), 12);
  });
});

describe('max with ties', () => {
  it('sends the gradient of max(dim) to the first maximum, and spreads max() over all maxima', () => {
    const x = tensor(
      [
        [1, 3, 3],
        [2, 2, 0],
      ],
      { requiresGrad: true },
    );
    x.max(1).sum().backward();
    expect(x.grad?.toArray()).toEqual([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const y = tensor(
      [
        [1, 3, 3],
        [3, 2, 0],
      ],
      { requiresGrad: true },
    );
    y.max().backward();
    expect(y.grad?.toArray()).toEqual(
      [
        [0, 1 / 3, 1 / 3],
        [1 / 3, 0, 0],
      ].map((r) => r.map(Math.fround)),
    );
  });
});

describe('dropout', () => {
  it('is the identity when not training or p = 0', () => {
    const x = randn([4]);
    expect(sg.dropout(x, 0.5, false)).toBe(x);
    expect(sg.dropout(x, 0, true)).toBe(x);
  });
  it('zeroes about p of the elements, scales the rest by 1/(1−p), and repeats with the seed', () => {
    const x = sg.ones([10000]);
    const y = sg.dropout(x, 0.25, true, seedrandom('d')).toArray() as number[];
    const kept = y.filter((v) => v !== 0);
    expect(kept.length / y.length).toBeCloseTo(0.75, 1);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
    expect(sg.dropout(x, 0.25, true, seedrandom('d')).toArray()).toEqual(y);
    expect(sg.dropout(x, 1, true).sum().item()).toBe(0);
  });
});
