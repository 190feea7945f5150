import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  crossEntropy,
  GRUCell,
  gradientNormsThroughTime,
  Linear,
  LSTMCell,
  type NestedNumbers,
  noGrad,
  RNNCell,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  type UnrollableCell,
  unrollLosses,
  zeros,
} from '../../src/index.js';
import { assertClose } from '../helpers/assert-close.js';

// Distinct sizes: B=2, T=4, inputSize=3, hiddenSize=5, C=7 classes.
const B = 2;
const T = 4;
const I = 3;
const H = 5;
const C = 7;
const targets = [
  [0, 6, 2, 3],
  [5, 1, 1, 4],
];
const f64 = { dtype: 'float64' as const };
const inputs = () => randn([B, T, I], { rng: seedrandom('inputs'), ...f64 });
const readoutOf = (hidden = H) =>
  new Linear(hidden, C, { rng: seedrandom('readout') }).to('float64');
const makeRnn = (h = H) => new RNNCell(I, h, { rng: seedrandom('cell') }).to('float64');
const makeGru = (h = H) => new GRUCell(I, h, { rng: seedrandom('cell') }).to('float64');
const makeLstm = (h = H) => new LSTMCell(I, h, { rng: seedrandom('cell') }).to('float64');
const cells: Array<[string, (hidden?: number) => UnrollableCell]> = [
  ['RNNCell', makeRnn],
  ['GRUCell', makeGru],
  ['LSTMCell', makeLstm],
];
/** `xs[i]`, failing the test if it is missing (instead of a non-null assertion). */
function at<T>(xs: readonly T[], i: number): T {
  const value = xs[i];
  if (value === undefined) throw new Error(`missing element ${i}`);
  return value;
}

type State = Tensor | [Tensor, Tensor] | undefined;
const hiddenOf = (s: State) => (Array.isArray(s) ? s[0] : (s as Tensor));
function stepOnce(cell: UnrollableCell, x: Tensor, state: State): State {
  return cell instanceof LSTMCell
    ? cell.forward(x, state as [Tensor, Tensor] | undefined)
    : cell.forward(x, state as Tensor | undefined);
}

/** The RNNCell equations in plain numbers, independent of seqgrad's ops. */
function plainRnnLosses(
  cell: RNNCell,
  readout: Linear,
  x: number[][][],
  ids: number[][],
  h0?: number[][],
): { losses: number[]; hidden: number[][][] } {
  const [wIh, wHh, bIh, bHh] = [cell.weightIh, cell.weightHh, cell.biasIh, cell.biasHh].map((p) =>
    p?.toArray(),
  ) as [number[][], number[][], number[], number[]];
  const wOut = readout.weight.toArray() as number[][];
  const bOut = readout.bias?.toArray() as number[];
  let h = h0 ?? x.map(() => new Array<number>(H).fill(0));
  const losses: number[] = [];
  const hidden: number[][][] = [];
  for (let t = 0; t < at(x, 0).length; t++) {
    h = h.map((prev, b) =>
      wIh.map((row, j) => {
        const input = row.reduce((s, w, k) => s + w * at(at(at(x, b), t), k), 0);
        const recurrent = at(wHh, j).reduce((s, w, k) => s + w * at(prev, k), 0);
        return Math.tanh(input + at(bIh, j) + recurrent + at(bHh, j));
      }),
    );
    hidden.push(h);
    const perExample = h.map((hb, b) => {
      const logits = wOut.map((row, c) => row.reduce((s, w, k) => s + w * at(hb, k), at(bOut, c)));
      const top = Math.max(...logits);
      const logSumExp = top + Math.log(logits.reduce((s, z) => s + Math.exp(z - top), 0));
      return logSumExp - at(logits, at(at(ids, b), t));
    });
    losses.push(perExample.reduce((a, b) => a + b) / perExample.length);
  }
  return { losses, hidden };
}

describe('unrollLosses', () => {
  it('matches the RNN equations unrolled by hand, step by step, and sums them', () => {
    const cell = makeRnn();
    const readout = readoutOf();
    const x = inputs();
    const run = unrollLosses(cell, x, targets, readout);
    const plain = plainRnnLosses(cell, readout, x.toArray() as number[][][], targets);
    expect(run.losses).toHaveLength(T);
    assertClose(run.lossValues, plain.losses, { atol: 1e-12, label: 'per-step losses' });
    run.losses.forEach((loss, t) => {
      expect(loss.shape).toEqual([]);
      expect(loss.item()).toBe(run.lossValues[t]);
    });
    run.hidden.forEach((h, t) => {
      assertClose(h, at(plain.hidden, t), { atol: 1e-12, label: `h_${t}` });
    });
    const sum = plain.losses.reduce((a, b) => a + b);
    expect(run.total.shape).toEqual([]);
    assertClose(run.totalValue, sum, { atol: 1e-12, label: 'total' });
    expect(run.total.item()).toBe(run.totalValue);
  });

  it('starts from a given state', () => {
    const cell = makeRnn();
    const readout = readoutOf();
    const x = inputs();
    const h0 = randn([B, H], { rng: seedrandom('h0'), ...f64 });
    const run = unrollLosses(cell, x, targets, readout, { state: h0 });
    const plain = plainRnnLosses(
      cell,
      readout,
      x.toArray() as number[][][],
      targets,
      h0.toArray() as number[][],
    );
    assertClose(run.lossValues, plain.losses, { atol: 1e-12 });
    expect(run.lossValues[0]).not.toBeCloseTo(
      unrollLosses(cell, x, targets, readout).lossValues[0] as number,
      6,
    );
  });

  for (const [name, make] of cells) {
    it(`${name}: the losses match a hand-written loop, and total.backward() is the sum of the per-step gradients`, () => {
      const x = inputs();
      const cell = make();
      const readout = readoutOf();
      const run = unrollLosses(cell, x, targets, readout);
      run.total.backward();
      const bptt = cell.parameters().map((p) => p.grad?.toArray());

      // The same steps by hand, and each step's loss differentiated on its own graph.
      const twin = make();
      const twinReadout = readoutOf();
      const perStepGrads = twin.parameters().map((p) => zeros(p.shape, f64));
      for (let t = 0; t < T; t++) {
        let state: State;
        for (let s = 0; s <= t; s++) state = stepOnce(twin, x.select(1, s), state);
        const logits = twinReadout.forward(hiddenOf(state));
        const loss = crossEntropy(logits, tensor(targets, f64).select(1, t));
        assertClose(loss.item(), at(run.lossValues, t), { atol: 1e-12, label: `loss ${t}` });
        twin.zeroGrad();
        loss.backward();
        twin.parameters().forEach((p, i) => {
          perStepGrads[i] = at(perStepGrads, i).add(p.grad as Tensor);
        });
      }
      perStepGrads.forEach((g, i) => {
        assertClose(at(bptt, i) as NestedNumbers, g, { atol: 1e-12, label: `param ${i}` });
      });
    });
  }

  it("reduces each step with 'sum', skips ignoreIndex targets, and takes a Tensor of targets", () => {
    const cell = makeLstm();
    const readout = readoutOf();
    const x = inputs();
    const mean = unrollLosses(cell, x, targets, readout).lossValues;
    const summed = unrollLosses(cell, x, tensor(targets), readout, { reduction: 'sum' }).lossValues;
    assertClose(
      summed,
      mean.map((m) => m * B),
      { atol: 1e-12 },
    );
    // Example 1 is padding (-1) at steps 2 and 3: those steps' losses are example 0's alone.
    const padded = [at(targets, 0), [5, 1, -1, -1]];
    const masked = unrollLosses(cell, x, padded, readout, { ignoreIndex: -1, reduction: 'sum' });
    const alone = unrollLosses(cell, x.narrow(0, 0, 1), [at(targets, 0)], readout, {
      reduction: 'sum',
    });
    assertClose(masked.lossValues.slice(2), alone.lossValues.slice(2), { atol: 1e-12 });
    assertClose(masked.lossValues.slice(0, 2), summed.slice(0, 2), { atol: 1e-12 });
  });

  it('rejects mismatched shapes and states with messages naming the argument', () => {
    const cell = makeRnn();
    const lstm = makeLstm();
    const readout = readoutOf();
    const x = inputs();
    expect(() => unrollLosses(cell, x.select(1, 0), targets, readout)).toThrow(ShapeError);
    expect(() => unrollLosses(cell, x.select(1, 0), targets, readout)).toThrow(
      'unrollLosses: inputs has rank 2; expected (B, T, inputSize=3), got [2, 3]',
    );
    expect(() => unrollLosses(cell, randn([B, T, 4], f64), targets, readout)).toThrow(
      'unrollLosses: inputs has inputSize=4; expected (B, T, inputSize=3), got [2, 4, 4]',
    );
    expect(() => unrollLosses(cell, x, [[0, 1, 2]], readout)).toThrow(
      'unrollLosses: targets has B=1 but inputs has B=2; inputs [2, 4, 3], targets [1, 3]',
    );
    expect(() =>
      unrollLosses(
        cell,
        x,
        [
          [0, 1, 2],
          [1, 2],
        ],
        readout,
      ),
    ).toThrow(/^unrollLosses: targets must be \(B, T\) class ids; tensor: data is ragged/);
    expect(() => unrollLosses(cell, x, targets, readoutOf(4))).toThrow(
      "unrollLosses: readout takes 4 features; expected hiddenSize=5 (the cell's), got inFeatures=4",
    );
    expect(() => unrollLosses(cell, x.narrow(1, 0, 0), [[], []], readout)).toThrow(
      'unrollLosses: inputs has T=0; expected at least one step, got [2, 0, 3]',
    );
    expect(() => unrollLosses(cell, randn([B, T, I]), targets, readout)).toThrow(
      "unrollLosses: inputs is float32 but the module's parameters are float64",
    );
    const h = zeros([B, H], f64);
    expect(() => unrollLosses(lstm, x, targets, readout, { state: h })).toThrow(
      'unrollLosses: state must be [h, c] for an LSTMCell; got one Tensor',
    );
    expect(() => unrollLosses(cell, x, targets, readout, { state: [h, h] })).toThrow(
      'unrollLosses: state must be one Tensor h for a RNNCell; got an array',
    );
  });
});

/**
 * ∂L/∂h_t by central differences: rerun the unrolled cell with h_t (the hidden state handed to
 * step t + 1) nudged by ±eps in one coordinate, entirely without autograd.
 */
function finiteDifferenceNorms(
  cell: UnrollableCell,
  x: Tensor,
  lastLoss: (h: Tensor) => Tensor,
  eps = 1e-6,
): number[] {
  const [batch, steps] = x.shape as [number, number];
  const lossWith = (t: number, index: number, delta: number) =>
    noGrad(() => {
      let state: State;
      for (let s = 0; s < steps; s++) {
        state = stepOnce(cell, x.select(1, s), state);
        if (s !== t) continue;
        const nudge = zeros([batch, cell.hiddenSize], f64);
        nudge.data.data[index] = delta;
        const h = hiddenOf(state).add(nudge);
        state = Array.isArray(state) ? [h, state[1]] : h;
      }
      return lastLoss(hiddenOf(state)).item();
    });
  return Array.from({ length: steps }, (_, t) => {
    let total = 0;
    for (let index = 0; index < batch * cell.hiddenSize; index++) {
      const slope = (lossWith(t, index, eps) - lossWith(t, index, -eps)) / (2 * eps);
      total += slope * slope;
    }
    return Math.sqrt(total);
  });
}

describe('gradientNormsThroughTime', () => {
  for (const [name, make] of cells) {
    it(`${name}: matches central differences, with the default loss Σ h_{T−1}`, () => {
      const cell = make(3);
      const x = randn([B, 6, I], { rng: seedrandom('fd'), ...f64 });
      const { norms, relative, loss } = gradientNormsThroughTime(cell, x);
      const expected = finiteDifferenceNorms(cell, x, (h) => h.sum());
      assertClose(norms, expected, { atol: 1e-8, rtol: 1e-5, label: 'norms' });
      expect(norms[5]).toBeCloseTo(Math.sqrt(B * 3), 12); // ∂Σh/∂h is all ones
      assertClose(
        relative,
        norms.map((n) => n / at(norms, 5)),
        { atol: 1e-15 },
      );
      expect(loss).toBeCloseTo(
        noGrad(() => unrollHidden(cell, x).sum().item()),
        12,
      );
    });

    it(`${name}: matches central differences, with a readout and a target`, () => {
      const cell = make(3);
      const readout = readoutOf(3);
      const x = randn([B, 5, I], { rng: seedrandom('fd2'), ...f64 });
      const target = [4, 0];
      const { norms } = gradientNormsThroughTime(cell, x, { readout, target });
      const expected = finiteDifferenceNorms(cell, x, (h) =>
        crossEntropy(readout.forward(h), target),
      );
      assertClose(norms, expected, { atol: 1e-8, rtol: 1e-5, label: 'norms' });
    });
  }

  it('shows the vanishing gradient of a tanh RNN with small recurrent weights', () => {
    const cell = new RNNCell(3, 6, { rng: seedrandom('small') }).to('float64');
    const state = cell.stateDict();
    cell.loadStateDict({ ...state, weight_hh: (state.weight_hh as Tensor).mul(0.2) });
    const { norms, relative } = gradientNormsThroughTime(
      cell,
      randn([2, 12, 3], { rng: seedrandom('x'), ...f64 }),
    );
    for (let t = 0; t < 11; t++) expect(norms[t]).toBeLessThan(at(norms, t + 1)); // shrinks with distance
    expect(relative[0]).toBeLessThan(1e-9);
    expect(at(relative, 0) / at(relative, 10)).toBeLessThan(1e-8);
  });

  it('an LSTM whose forget gate is held open carries the gradient much further', () => {
    const lstmWithForgetBias = (bias: number) => {
      const cell = new LSTMCell(3, 6, { rng: seedrandom('small') }).to('float64');
      const state = cell.stateDict();
      const biasIh = (state.bias_ih as Tensor).toArray() as number[];
      biasIh.fill(bias, 6, 12); // rows H..2H are the forget gate (gate order i, f, g, o)
      cell.loadStateDict({
        ...state,
        weight_hh: (state.weight_hh as Tensor).mul(0.2),
        bias_ih: tensor(biasIh, f64),
      });
      return cell;
    };
    const x = randn([2, 12, 3], { rng: seedrandom('x'), ...f64 });
    const open = gradientNormsThroughTime(lstmWithForgetBias(5), x).relative;
    const plain = gradientNormsThroughTime(lstmWithForgetBias(0), x).relative;
    // From one step back (t = 10) to eleven steps back (t = 0): nearly flat with f ≈ σ(5) ≈ 0.99,
    // and decaying when f ≈ σ(0) = 0.5.
    expect(at(open, 0) / at(open, 10)).toBeGreaterThan(0.3);
    expect(at(plain, 0) / at(plain, 10)).toBeLessThan(0.1);
    expect(at(open, 0)).toBeGreaterThan(10 * at(plain, 0));
  });

  it("leaves the cell's, the readout's and the inputs' gradients and flags as they were", () => {
    const cell = makeLstm();
    const readout = readoutOf();
    const bias = readout.bias as Tensor;
    bias.requiresGrad = false;
    const x = inputs();
    x.requiresGrad = true;
    gradientNormsThroughTime(cell, x, { readout, target: [1, 2] });
    for (const p of [...cell.parameters(), readout.weight]) {
      expect(p.grad).toBeNull();
      expect(p.requiresGrad).toBe(true);
    }
    expect(bias.requiresGrad).toBe(false);
    expect(x.grad).toBeNull();
  });

  it('restores the flags even when it throws', () => {
    const cell = makeRnn();
    expect(() =>
      gradientNormsThroughTime(cell, inputs(), { readout: readoutOf(), target: [1, 99] }),
    ).toThrow(/crossEntropy: targets\[1\] is out of range/);
    expect(cell.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('rejects a readout without a target and shapes that do not fit', () => {
    const cell = makeRnn();
    expect(() => gradientNormsThroughTime(cell, inputs(), { readout: readoutOf() })).toThrow(
      'gradientNormsThroughTime: readout and target go together; got a readout without a target',
    );
    expect(() => gradientNormsThroughTime(cell, inputs(), { target: [1, 2] })).toThrow(
      'gradientNormsThroughTime: readout and target go together; got a target without a readout',
    );
    expect(() => gradientNormsThroughTime(cell, randn([B, T], f64))).toThrow(
      'gradientNormsThroughTime: inputs has rank 2; expected (B, T, inputSize=3), got [2, 4]',
    );
    expect(() =>
      gradientNormsThroughTime(cell, inputs(), { readout: readoutOf(4), target: [0, 1] }),
    ).toThrow(
      "gradientNormsThroughTime: readout takes 4 features; expected hiddenSize=5 (the cell's), got inFeatures=4",
    );
    expect(() => gradientNormsThroughTime({} as UnrollableCell, inputs())).toThrow(
      'gradientNormsThroughTime: cell must be an RNNCell, GRUCell or LSTMCell; got object',
    );
  });
});

function unrollHidden(cell: UnrollableCell, x: Tensor): Tensor {
  let state: State;
  for (let s = 0; s < (x.shape[1] as number); s++) state = stepOnce(cell, x.select(1, s), state);
  return hiddenOf(state);
}
