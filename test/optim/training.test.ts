/**
 * End to end: a two-layer network of seqgrad's Linear trained with Adam on a fixed toy
 * regression. 100 steps must cut the mean squared error far below the untrained model's (and
 * below the target's variance, the loss of the best constant guess): a level that an untrained
 * model, a no-op or a wrong-signed optimizer cannot reach. (Exact parity with PyTorch is the job
 * of optimizers.test.ts; this checks that the pieces train together.)
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Adam, Linear, Module, mseLoss, randn, type Tensor, tensor } from '../../src/index.js';

class TinyNet extends Module {
  readonly hidden: Linear;
  readonly output: Linear;
  constructor(rng: () => number) {
    super();
    this.hidden = this.registerModule('hidden', new Linear(3, 16, { rng }));
    this.output = this.registerModule('output', new Linear(16, 1, { rng }));
  }
  forward(x: Tensor): Tensor {
    return this.output.forward(this.hidden.forward(x).tanh()); // (N, 1)
  }
}

/** 64 standard-normal inputs (N, 3) and y = sin(2·x₀) + x₁·x₂ − 0.5·x₂ (N, 1), fixed by a seed. */
function toyData(): { x: Tensor; y: Tensor; variance: number } {
  const x = randn([64, 3], { rng: seedrandom('optim toy data') });
  const targets = (x.toArray() as number[][]).map(([a = 0, b = 0, c = 0]) => {
    return Math.sin(2 * a) + b * c - 0.5 * c;
  });
  const mean = targets.reduce((s, t) => s + t, 0) / targets.length;
  const variance = targets.reduce((s, t) => s + (t - mean) ** 2, 0) / targets.length;
  return { x, y: tensor(targets.map((t) => [t])), variance };
}

describe('training end to end', () => {
  it('100 Adam steps on a Linear–tanh–Linear network cut the loss below 5% of the untrained loss', () => {
    const { x, y, variance } = toyData();
    const model = new TinyNet(seedrandom('optim toy model'));
    const optimizer = new Adam(model.parameters(), { lr: 0.03 });
    const untrained = mseLoss(model.forward(x), y).item();
    for (let step = 0; step < 100; step++) {
      optimizer.zeroGrad();
      const loss = mseLoss(model.forward(x), y);
      loss.backward();
      optimizer.step();
    }
    const trained = mseLoss(model.forward(x), y).item();
    expect(untrained).toBeGreaterThan(0.5); // the task is not trivially solved at initialisation
    expect(trained / untrained).toBeLessThan(0.05); // reached about 0.011
    expect(trained).toBeLessThan(0.05 * variance);
    expect(optimizer.stateDict().state['0']?.step).toBe(100);
  });
});
