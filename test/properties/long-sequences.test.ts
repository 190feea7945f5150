/**
 * Backpropagation through time over 5,000 steps of an LSTMCell, with the loss on the last hidden
 * state only: every path from the loss back to the first input is 5,000 steps (over 10,000 graph
 * nodes) long, past JavaScript's recursion limit, so this only passes if the engine's topological
 * sort and backward loop are iterative (a recursive sort overflows the stack here). The gradients
 * must come back finite.
 */
import seedrandom from 'seedrandom';
import { expect, it } from 'vitest';
import { crossEntropy, LSTMCell, randn, type Tensor } from '../../src/index.js';

const STEPS = 5000;

function allFinite(t: Tensor | null): boolean {
  if (!t) return false;
  return (t.toArray() as number[][]).flat().every(Number.isFinite);
}

it(`BPTT through ${STEPS} LSTMCell steps finishes with finite gradients and no stack overflow`, () => {
  const rng = seedrandom('long sequences');
  const cell = new LSTMCell(3, 5, { rng }); // inputSize 3, hiddenSize 5
  const inputs = Array.from({ length: STEPS }, () => {
    const x = randn([2, 3], { rng }).detach(); // (B, inputSize)
    x.requiresGrad = true;
    return x;
  });
  let state: [Tensor, Tensor] | undefined;
  for (const x of inputs) state = cell.forward(x, state);
  const [h] = state as [Tensor, Tensor]; // (B, hiddenSize), read as logits over 5 classes
  const loss = crossEntropy(h, [1, 3]);
  loss.backward();

  expect(Number.isFinite(loss.item())).toBe(true);
  for (const [name, p] of cell.namedParameters()) {
    expect(allFinite(p.grad), `${name}.grad is finite`).toBe(true);
  }
  // Every input gets a gradient (finite; far back in time it may underflow to 0, as in PyTorch).
  expect(inputs.every((x) => allFinite(x.grad))).toBe(true);
  const lastGrad = (inputs[STEPS - 1]?.grad?.toArray() ?? []) as number[][];
  expect(lastGrad.flat().some((g) => g !== 0)).toBe(true);
});
