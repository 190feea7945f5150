import { describe, expect, it } from 'vitest';
import { sumToShape } from '../../src/autograd/backward.js';
import { record } from '../../src/autograd/record.js';
import { isGradEnabled, noGrad, ShapeError, Tensor, tensor, zeros } from '../../src/index.js';
import { wrap } from '../../src/ndarray/ndarray.js';

describe('backward', () => {
  it('accumulates into leaves across calls, as PyTorch does', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    w.mul(w).sum().backward();
    expect(w.grad?.toArray()).toEqual([2, 4, 6]);
    w.mul(3).sum().backward();
    expect(w.grad?.toArray()).toEqual([5, 7, 9]);
  });

  it('keeps gradients on leaves only', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const hidden = w.mul(2);
    hidden.sum().backward();
    expect(hidden.isLeaf).toBe(false);
    expect(hidden.grad).toBeNull();
    expect(w.grad?.toArray()).toEqual([2, 2]);
  });

  it('adds the gradients of every path through a shared tensor', () => {
    const x = tensor([3], { requiresGrad: true });
    const y = x.mul(x).add(x.mul(2)); // x² + 2x, dy/dx = 2x + 2
    y.sum().backward();
    expect(x.grad?.toArray()).toEqual([8]);
  });

  it('reduces a broadcast gradient to the input shape', () => {
    const a = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const b = tensor([10, 20, 30], { requiresGrad: true });
    const c = tensor([[1], [2]], { requiresGrad: true });
    a.add(b).mul(c).sum().backward();
    expect(b.grad?.toArray()).toEqual([3, 3, 3]);
    expect(c.grad?.toArray()).toEqual([[66], [75]]);
    expect(a.grad?.toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });

  it('does not write gradients into inputs that do not require grad', () => {
    const x = tensor([1, 2]);
    const w = tensor([3, 4], { requiresGrad: true });
    x.mul(w).sum().backward();
    expect(x.grad).toBeNull();
    expect(w.grad?.toArray()).toEqual([1, 2]);
  });

  it('adds the gradients of overlapping slices and of dense uses of the same tensor', () => {
    const x = tensor([1, 2, 3, 4], { requiresGrad: true });
    const loss = x
      .narrow(0, 0, 3)
      .mul(tensor([1, 10, 100]))
      .sum() // slice [0, 3)
      .add(
        x
          .narrow(0, 2, 2)
          .mul(tensor([1000, 10000]))
          .sum(),
      ) //      slice [2, 4)
      .add(x.mul(2).sum()); //                                          the whole tensor
    loss.backward();
    expect(x.grad?.toArray()).toEqual([3, 12, 1102, 10002]);
    x.narrow(0, 1, 1).sum().backward(); // accumulates across calls, as dense gradients do
    expect(x.grad?.toArray()).toEqual([3, 13, 1102, 10002]);
  });

  it('never writes a slice gradient into an array another input also received', () => {
    // add's backward hands the same gradient array to both inputs; the slice of h must not
    // modify the copy that w receives.
    for (const sliceFirst of [false, true]) {
      const x = tensor([1, 2, 3], { requiresGrad: true });
      const w = tensor([10, 20, 30], { requiresGrad: true });
      const h = x.mul(1);
      const dense = h.add(w.mul(1)).mul(tensor([1, 1, 1])); // add passes one array to both sides
      const sliced = h.narrow(0, 0, 1).mul(5);
      (sliceFirst ? sliced.sum().add(dense.sum()) : dense.sum().add(sliced.sum())).backward();
      expect(w.grad?.toArray()).toEqual([1, 1, 1]);
      expect(x.grad?.toArray()).toEqual([6, 1, 1]);
    }
  });

  it('backpropagates through a 10,000-step chain without overflowing the stack', () => {
    const h0 = tensor([0.5], { requiresGrad: true, dtype: 'float64' });
    let h = h0;
    for (let t = 0; t < 10_000; t++) h = h.mul(0.9999).tanh();
    expect(() => h.sum().backward()).not.toThrow();
    expect(Number.isFinite(h0.grad?.item() ?? Number.NaN)).toBe(true);
  });

  it('detach cuts the graph', () => {
    const x = tensor([2], { requiresGrad: true });
    x.mul(x.detach()).sum().backward();
    expect(x.grad?.toArray()).toEqual([2]);
  });

  it('takes an explicit upstream gradient for a non-scalar output', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).backward(tensor([1, 0, -1]));
    expect(x.grad?.toArray()).toEqual([2, 0, -6]);
  });

  it('rejects a non-scalar output without a gradient, naming the shape', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    expect(() => x.mul(2).backward()).toThrow(ShapeError);
    expect(() => x.mul(2).backward()).toThrow(
      'backward: grad is required for a tensor with 6 elements; expected a scalar () or a grad argument, got [2, 3]',
    );
  });

  it('rejects an upstream gradient of the wrong shape or dtype', () => {
    const y = tensor([1, 2, 3], { requiresGrad: true }).mul(2);
    expect(() => y.backward(tensor([1, 2]))).toThrow(
      'backward: grad has a different shape; expected [3], got [2]',
    );
    expect(() => y.backward(tensor([1, 2, 3], { dtype: 'float64' }))).toThrow(
      'backward: dtype mismatch; the tensor is float32 but grad is float64',
    );
  });

  it('explains why a tensor without a graph cannot backpropagate', () => {
    expect(() => tensor([1]).mul(2).backward()).toThrow(
      /backward: this tensor does not require grad/,
    );
  });

  it('names the op when a backward returns the wrong number of gradients', () => {
    const x = tensor([1], { requiresGrad: true });
    const broken = record('broken', [x, x], wrap(new Float32Array([1]), [1]), () => [null]);
    expect(() => broken.backward()).toThrow('internal: broken returned 1 gradient for 2 inputs');
  });
});

describe('requiresGrad', () => {
  it('is settable on leaves and refused on results of ops', () => {
    const x = tensor([1]);
    x.requiresGrad = true;
    expect(x.requiresGrad).toBe(true);
    const y = x.mul(2);
    expect(() => {
      y.requiresGrad = false;
    }).toThrow('Tensor.requiresGrad: can only be set on a leaf tensor; this one was made by mul');
  });
});

describe('noGrad', () => {
  it('records nothing inside and restores grad mode afterwards, even after a throw', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    expect(x.mul(2).requiresGrad).toBe(true);
  });

  it('refuses an async function, whose awaited part would record the graph', () => {
    expect(() => noGrad(async () => 1)).toThrow(/noGrad: fn returned a Promise/);
    expect(isGradEnabled()).toBe(true);
  });
});

describe('sumToShape', () => {
  it('sums leading and stretched axes', () => {
    const g = zeros([2, 3, 4]).add(1).data;
    expect(new Tensor(sumToShape(g, [3, 1], 'test')).toArray()).toEqual([[8], [8], [8]]);
    expect(new Tensor(sumToShape(g, [], 'test')).toArray()).toEqual(24);
  });

  it('reports a gradient that cannot come from broadcasting as an internal error', () => {
    const g = zeros([2, 3]).data;
    expect(() => sumToShape(g, [4], 'bad')).toThrow(
      'internal: bad returned a gradient of shape [2, 3] for an input of shape [4]',
    );
  });
});
