/**
 * The fused primitives (softmax, logSoftmax, layerNorm, crossEntropy) against the composite
 * versions built from the small primitives, which stay here as their oracles (STYLE 2.3).
 */
import seedrandom from 'seedrandom';
import { describe, it } from 'vitest';
import type { Tensor } from '../../src/index.js';
import * as sg from '../../src/index.js';
import { assertClose } from '../helpers/assert-close.js';

function compositeSoftmax(x: Tensor, dim: number): Tensor {
  const shifted = x.sub(x.max(dim, true).detach());
  const e = shifted.exp();
  return e.div(e.sum(dim, true));
}

function compositeLogSoftmax(x: Tensor, dim: number): Tensor {
  const shifted = x.sub(x.max(dim, true).detach());
  return shifted.sub(shifted.exp().sum(dim, true).log());
}

function compositeLayerNorm(
  x: Tensor,
  n: number,
  weight: Tensor,
  bias: Tensor,
  eps = 1e-5,
): Tensor {
  const dims = Array.from({ length: n }, (_, i) => x.ndim - n + i);
  const centred = x.sub(x.mean(dims, true));
  const variance = centred.pow(2).mean(dims, true);
  return centred.div(variance.add(eps).sqrt()).mul(weight).add(bias);
}

/** `Σ_rows [(1 − ε)·(−log p_t) + ε·mean_c(−log p_c)] / kept`, skipping ignored rows. */
function compositeCrossEntropy(
  logits: Tensor,
  targets: number[],
  eps: number,
  ignoreIndex = -100,
): Tensor {
  const C = logits.shape[1] as number;
  const logp = compositeLogSoftmax(logits, 1);
  const distribution = targets.map((t) =>
    Array.from({ length: C }, (_, c) =>
      t === ignoreIndex ? 0 : (c === t ? 1 - eps : 0) + eps / C,
    ),
  );
  const kept = targets.filter((t) => t !== ignoreIndex).length;
  return logp
    .mul(sg.tensor(distribution, { dtype: 'float64' }))
    .sum()
    .neg()
    .div(kept);
}

function compare(
  fused: (x: Tensor) => Tensor,
  composite: (x: Tensor) => Tensor,
  shape: number[],
  seed: string,
) {
  const x1 = sg.randn(shape, { dtype: 'float64', rng: seedrandom(seed), requiresGrad: true });
  const x2 = sg.tensor(x1, { requiresGrad: true });
  const upstream = sg.randn(shape.length ? fused(x1.detach()).shape : [], {
    dtype: 'float64',
    rng: seedrandom('up'),
  });
  const a = fused(x1);
  const b = composite(x2);
  assertClose(a, b, { label: 'output' });
  a.backward(upstream);
  b.backward(upstream);
  assertClose(x1.grad as Tensor, x2.grad as Tensor, { label: 'gradient' });
}

describe('fused ops agree with their composite oracles (float64)', () => {
  it('linear', () => {
    const w = sg.randn([5, 4], { dtype: 'float64', rng: seedrandom('lw') });
    const b = sg.randn([5], { dtype: 'float64', rng: seedrandom('lb') });
    compare(
      (x) => sg.linear(x, w, b),
      (x) => sg.matmul(x, w.transpose(0, 1)).add(b),
      [2, 3, 4],
      'lx',
    );
  });
  it('softmax over a middle axis', () =>
    compare(
      (x) => x.softmax(1),
      (x) => compositeSoftmax(x, 1),
      [2, 3, 4],
      's',
    ));
  it('logSoftmax over the last axis', () =>
    compare(
      (x) => x.logSoftmax(-1),
      (x) => compositeLogSoftmax(x, -1),
      [3, 5],
      'l',
    ));
  it('layerNorm over the last two axes with affine parameters', () => {
    const w = sg.randn([3, 4], { dtype: 'float64', rng: seedrandom('w') });
    const b = sg.randn([3, 4], { dtype: 'float64', rng: seedrandom('b') });
    compare(
      (x) => sg.layerNorm(x, [3, 4], w, b),
      (x) => compositeLayerNorm(x, 2, w, b),
      [2, 3, 4],
      'n',
    );
  });
  it('crossEntropy with label smoothing and an ignored row', () => {
    const targets = [2, -100, 0, 4];
    compare(
      (x) => sg.crossEntropy(x, targets, { labelSmoothing: 0.2 }),
      (x) => compositeCrossEntropy(x, targets, 0.2),
      [4, 5],
      'c',
    );
  });
});
