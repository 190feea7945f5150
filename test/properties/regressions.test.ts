/**
 * Counterexamples found by the property tests (ops.property.test.ts) and the numerics tests,
 * pinned as explicit tests so they stay fixed even if the generators change.
 *
 * How to add one: when a property fails, fast-check prints `Counterexample: [...]` (already
 * shrunk) and the error of the failing check, e.g. `matmul([2, 1, 0], [0, 1]): ...` or, for the
 * gradient property, `gradcheck failed for x[2, 3] → tanh → sum(dims [1], keepDim false)`.
 * Write that case out here with literal shapes and values: build the tensors with `tensor(...)`
 * (float64), call the op, and compare with the reference in reference.ts (or with gradcheck),
 * asserting the CORRECT behaviour. Name the test after the op and the shapes, and say in a
 * comment which property found it and what went wrong.
 */
import { describe, expect, it } from 'vitest';
import { crossEntropy, gradcheck, matmul, type Tensor, tensor, zeros } from '../../src/index.js';
import type { Arr } from './reference.js';
import * as ref from './reference.js';

const f64 = { dtype: 'float64' } as const;

function arrOf(t: Tensor): Arr {
  return ref.build(t.shape, (index) => t.data.get(...index));
}

describe('matmul', () => {
  // Found by 'matmul agrees with torch.matmul semantics …' (seed 0x5eed08), shrunk to
  // a [2, 1, 0], b [0, 1]. An (..., M, K) operand of rank > 2 times a 1-D or 2-D one is folded to
  // (batch·M, K) with `a.size / K`, which is 0/0 = NaN when K = 0, so seqgrad threw
  // "RangeError: reshape: shape must hold non-negative integers and at most one -1; got [NaN, 0]".
  // torch.matmul(torch.zeros(2, 1, 0), torch.zeros(0, 1)) is zeros(2, 1, 1) (an empty sum is 0).
  it('an empty inner axis K = 0 with a batched a and a 2-D or 1-D b gives zeros, as torch.matmul', () => {
    const cases: [number[], number[], number[]][] = [
      [
        [2, 1, 0],
        [0, 1],
        [2, 1, 1],
      ],
      [
        [2, 3, 0],
        [0, 4],
        [2, 3, 4],
      ],
      [[2, 3, 0], [0], [2, 3]],
    ];
    for (const [sa, sb, expected] of cases) {
      const product = matmul(zeros(sa, f64), zeros(sb, f64));
      expect(product.shape, `matmul(${sa}, ${sb})`).toEqual(expected);
      expect(arrOf(product).data.every((v) => v === 0)).toBe(true);
    }
  });

  it('and its gradient (empty for a and b) comes back without error', () => {
    const a = zeros([2, 3, 0], { ...f64, requiresGrad: true });
    const b = zeros([0, 4], { ...f64, requiresGrad: true });
    const result = gradcheck((x, y) => matmul(x as Tensor, y as Tensor), [a, b]);
    expect(result.ok).toBe(true);
  });
});

describe('crossEntropy', () => {
  // Found by numerics.test.ts ('crossEntropy of logits with a −Infinity entry off the target').
  // The loss is (1 − ε)·nll + ε·smooth, and smooth = lse − mean(logits) is +Infinity when a logit
  // is −Infinity; with ε = 0 that is 0·Infinity = NaN. PyTorch skips the smoothing term when
  // label_smoothing is 0: F.cross_entropy([[-inf, 0., 1.]], [1]) == 1.31326162815094.
  it('a −Infinity logit off the target gives a finite loss without label smoothing', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        const logits = tensor([[-Infinity, 0, 1]], { dtype });
        const loss = crossEntropy(logits, [1], { reduction });
        const value = arrOf(loss).data[0] as number;
        expect(value, `${dtype}, ${reduction}`).toBeCloseTo(1.31326162815094, 6);
      }
    }
  });
});
