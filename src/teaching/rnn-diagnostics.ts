/**
 * Backpropagation through time, made visible: per-step losses of an unrolled cell, and how much
 * of the last step's gradient reaches each earlier hidden state (vanishing gradients).
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { checkShapes, formatShape, ShapeError } from '../errors.js';
import { contiguous } from '../ndarray/ndarray.js';
import { expectInput } from '../nn/checks.js';
import type { Linear } from '../nn/linear.js';
import type { GRUCell } from '../nn/recurrent/gru-cell.js';
import { LSTMCell } from '../nn/recurrent/lstm-cell.js';
import type { RNNCell } from '../nn/recurrent/rnn-cell.js';
import { select } from '../ops/composite/shape.js';
import { tensor, zeros } from '../ops/creation.js';
import { crossEntropy, type TargetLike } from '../ops/primitive/cross-entropy.js';
import { add } from '../ops/primitive/elementwise.js';
import { sum } from '../ops/primitive/reduce.js';

/** A cell these diagnostics can unroll: its state is `h`, or `[h, c]` for the LSTM. */
export type UnrollableCell = RNNCell | GRUCell | LSTMCell;

/** A cell's state between steps: `h (B, hiddenSize)`, or `[h, c]` for {@link LSTMCell}. */
export type CellState = Tensor | readonly [Tensor, Tensor];

/** `(B, T)` class ids: nested arrays or a Tensor of integers. */
export type SequenceTargets = readonly (readonly number[])[] | Tensor;

/** Options of {@link unrollLosses}. */
export interface UnrollOptions {
  /** The state before step 0 (zeros when omitted). */
  state?: CellState;
  /** How each step's loss reduces over the batch: `'mean'` (default, PyTorch's) or `'sum'`. */
  reduction?: 'mean' | 'sum';
  /** Targets equal to this (e.g. padding) are skipped, as in {@link crossEntropy}; default -100. */
  ignoreIndex?: number;
}

/** What {@link unrollLosses} returns. */
export interface UnrolledLosses {
  /** `T` scalars: the cross-entropy of step t's prediction (Loss 1, Loss 2, … of the slides). */
  losses: Tensor[];
  /** Scalar: the sum of `losses`, the total loss that backpropagation through time differentiates. */
  total: Tensor;
  /** `losses` as numbers. */
  lossValues: number[];
  /** `total` as a number. */
  totalValue: number;
  /** `T` tensors `(B, hiddenSize)`: the hidden state after each step. */
  hidden: Tensor[];
}

/**
 * Unrolls `cell` over a sequence, predicts a class at every step with `readout` from the hidden
 * state, and returns each step's loss and their sum: Total Loss = Loss 1 + Loss 2 + … + Loss T.
 * `total.backward()` is backpropagation through time: the same weights get a gradient from
 * every step.
 *
 * @param cell - an {@link RNNCell}, {@link GRUCell} or {@link LSTMCell}
 * @param inputs - `(B, T, inputSize)`, batch-first
 * @param targets - `(B, T)` class ids in [0, C), or `ignoreIndex`
 * @param readout - maps a hidden state `(B, hiddenSize)` to logits `(B, C)`
 * @returns per-step losses (tensors and numbers), their sum, and the hidden states
 * @example
 * ```ts
 * const cell = new RNNCell(3, 5, { rng: seedrandom('rnn') });
 * const readout = new Linear(5, 2, { rng: seedrandom('readout') });
 * const run = unrollLosses(cell, randn([1, 4, 3]), [[1, 0, 1, 1]], readout); // "Sarah likes Michael Jackson": 1 0 1 1
 * run.losses.length;                                             // 4
 * Math.abs(run.totalValue - run.lossValues.reduce((a, b) => a + b)) < 1e-5; // true
 * run.total.backward();                                          // one gradient, from all four steps
 * cell.weightHh.grad?.shape;                                     // [5, 5]
 * ```
 * @throws {@link ShapeError} if `inputs` is not `(B, T, inputSize)`, `targets` not `(B, T)`, or
 *   `readout` does not take `hiddenSize` features
 */
export function unrollLosses(
  cell: UnrollableCell,
  inputs: Tensor,
  targets: SequenceTargets,
  readout: Linear,
  options: UnrollOptions = {},
): UnrolledLosses {
  const where = 'unrollLosses';
  const { state, reduction = 'mean', ignoreIndex = -100 } = options;
  const T = checkSequence(where, cell, inputs, readout);
  checkState(where, cell, state);
  const targetIds = targets instanceof Tensor ? targets : targetTensor(where, targets);
  checkShapes(where, {
    inputs: [inputs, ['B', 'T', ['inputSize', cell.inputSize]]],
    targets: [targetIds, ['B', 'T']],
  });
  const hidden: Tensor[] = [];
  const losses: Tensor[] = [];
  let current = state;
  for (let t = 0; t < T; t++) {
    current = step(cell, select(inputs, 1, t), current);
    const h = hiddenOf(current); // (B, hiddenSize)
    const logits = readout.forward(h); // (B, C)
    hidden.push(h);
    losses.push(crossEntropy(logits, select(targetIds, 1, t), { reduction, ignoreIndex }));
  }
  const total = losses.reduce((sumSoFar, loss) => add(sumSoFar, loss));
  return {
    losses,
    total,
    lossValues: losses.map((loss) => loss.item()),
    totalValue: total.item(),
    hidden,
  };
}

/** Options of {@link gradientNormsThroughTime}. */
export interface GradientNormOptions {
  /** Maps the last hidden state to logits; with `target`, the loss is their cross-entropy. */
  readout?: Linear;
  /** `(B)` class ids for the last step, used with `readout`. */
  target?: TargetLike;
  /** The state before step 0 (zeros when omitted). */
  state?: CellState;
}

/** What {@link gradientNormsThroughTime} returns. */
export interface GradientNorms {
  /** `(T)`: `‖∂L/∂h_t‖₂` over the whole `(B, hiddenSize)` gradient, for t = 0 … T−1. */
  norms: number[];
  /** `(T)`: `norms[t] / norms[T − 1]`, the fraction of the last step's gradient that reaches step t. */
  relative: number[];
  /** The loss L at the last step. */
  loss: number;
}

/**
 * For each step t, how strongly the loss at the last step reaches back to the hidden state
 * `h_t`: the L2 norm of `∂L/∂h_t`, where `h_t` is the hidden state the cell hands to step t + 1
 * (for an LSTM, with the cell state `c_t` held fixed). For a tanh {@link RNNCell} the norm
 * shrinks roughly geometrically with the distance T − 1 − t (the vanishing gradient); an
 * {@link LSTMCell} whose forget gate stays open carries it much further through `c`.
 *
 * The loss L is the cross-entropy of `readout(h_{T−1})` against `target` (mean over the batch)
 * when both are given, and `Σ h_{T−1}` (every unit, every example) otherwise. The cell's and the
 * readout's parameters get no gradient from this call, and `inputs` is not differentiated.
 *
 * @param cell - an {@link RNNCell}, {@link GRUCell} or {@link LSTMCell}
 * @param inputs - `(B, T, inputSize)`
 * @returns `norms (T)`, `relative (T)` and the loss
 * @example
 * ```ts
 * const cell = new RNNCell(4, 16, { rng: seedrandom('vanishing') });
 * const { norms, relative } = gradientNormsThroughTime(cell, randn([1, 30, 4]));
 * norms.length;                  // 30
 * relative[29];                  // 1
 * relative[0] < 1e-3;            // true
 * ```
 * @throws {@link ShapeError} if `inputs` is not `(B, T, inputSize)` or `readout` does not take
 *   `hiddenSize` features
 * @throws TypeError when only one of `readout` and `target` is given
 */
export function gradientNormsThroughTime(
  cell: UnrollableCell,
  inputs: Tensor,
  options: GradientNormOptions = {},
): GradientNorms {
  const where = 'gradientNormsThroughTime';
  const { readout, target, state } = options;
  if ((readout === undefined) !== (target === undefined)) {
    throw new TypeError(
      `${where}: readout and target go together; got ${readout ? 'a readout without a target' : 'a target without a readout'}`,
    );
  }
  const T = checkSequence(where, cell, inputs, readout);
  checkState(where, cell, state);
  const B = inputs.shape[0] as number;
  const frozen = [...cell.parameters(), ...(readout?.parameters() ?? [])];
  const wasTrainable = frozen.map((p) => p.requiresGrad);
  for (const p of frozen) p.requiresGrad = false;
  try {
    // Each h_t gets a zero "probe" δ_t that requires grad, and the cell continues from
    // h_t + δ_t. The forward values are unchanged (δ_t = 0), and since ∂(h_t + δ_t)/∂δ_t = I,
    // the gradient the engine accumulates into δ_t.grad is exactly ∂L/∂h_t: everything that
    // flows back into h_t from later steps, found by one ordinary backward pass. (Detaching h_t
    // into a fresh leaf instead would cut the graph, and need T chained backward calls.)
    // Freezing the parameters and detaching the inputs leaves the probes as the only leaves
    // that need a gradient, so nothing else is touched.
    const sequence = inputs.detach();
    const probes: Tensor[] = [];
    let current = detachState(state);
    for (let t = 0; t < T; t++) {
      current = step(cell, select(sequence, 1, t), current);
      const probe = zeros([B, cell.hiddenSize], { dtype: sequence.dtype, requiresGrad: true });
      probes.push(probe);
      current = withHidden(current, add(hiddenOf(current), probe));
    }
    const last = hiddenOf(current as CellState); // (B, hiddenSize); T >= 1 steps ran
    const loss =
      readout && target !== undefined ? crossEntropy(readout.forward(last), target) : sum(last);
    loss.backward();
    const norms = probes.map((probe) => l2Norm(probe.grad));
    const final = norms[T - 1] as number;
    return { norms, relative: norms.map((n) => n / final), loss: loss.item() };
  } finally {
    frozen.forEach((p, i) => {
      p.requiresGrad = wasTrainable[i] as boolean;
    });
  }
}

function targetTensor(where: string, targets: readonly (readonly number[])[]): Tensor {
  try {
    return tensor(targets, { dtype: 'float64' });
  } catch (error) {
    throw new TypeError(`${where}: targets must be (B, T) class ids; ${(error as Error).message}`);
  }
}

/** Checks the cell, `inputs (B, T, inputSize)` and the readout's width; returns T. */
function checkSequence(
  where: string,
  cell: UnrollableCell,
  inputs: Tensor,
  readout: Linear | undefined,
): number {
  if (cell === null || typeof cell !== 'object' || !('weightHh' in cell)) {
    throw new TypeError(
      `${where}: cell must be an RNNCell, GRUCell or LSTMCell; got ${typeof cell}`,
    );
  }
  expectInput(where, 'inputs', inputs, cell.weightIh.dtype);
  const { T } = checkShapes(where, {
    inputs: [inputs, ['B', 'T', ['inputSize', cell.inputSize]]],
  });
  if (T === 0) {
    throw new ShapeError(
      `${where}: inputs has T=0; expected at least one step, got ${formatShape(inputs.shape)}`,
    );
  }
  if (readout !== undefined && readout.inFeatures !== cell.hiddenSize) {
    throw new ShapeError(
      `${where}: readout takes ${readout.inFeatures} features; expected hiddenSize=${cell.hiddenSize} (the cell's), got inFeatures=${readout.inFeatures}`,
    );
  }
  return T as number;
}

/** One step of any of the three cells; {@link checkState} has matched the state to the cell. */
function step(cell: UnrollableCell, x: Tensor, state: CellState | undefined): CellState {
  if (cell instanceof LSTMCell) return cell.forward(x, state as readonly [Tensor, Tensor]);
  return cell.forward(x, state as Tensor | undefined);
}

/** Throws a TypeError unless `state` is `[h, c]` for an LSTMCell and one Tensor `h` otherwise. */
function checkState(where: string, cell: UnrollableCell, state: CellState | undefined): void {
  if (state === undefined) return;
  const isPair =
    Array.isArray(state) && state.length === 2 && state.every((s) => s instanceof Tensor);
  if (cell instanceof LSTMCell && !isPair) {
    throw new TypeError(
      `${where}: state must be [h, c] for an LSTMCell; got ${state instanceof Tensor ? 'one Tensor' : typeof state}`,
    );
  }
  if (!(cell instanceof LSTMCell) && !(state instanceof Tensor)) {
    throw new TypeError(
      `${where}: state must be one Tensor h for a ${cell.constructor.name}; got ${Array.isArray(state) ? 'an array' : typeof state}`,
    );
  }
}

function hiddenOf(state: CellState): Tensor {
  return state instanceof Tensor ? state : state[0];
}

function withHidden(state: CellState, h: Tensor): CellState {
  return state instanceof Tensor ? h : [h, state[1]];
}

function detachState(state: CellState | undefined): CellState | undefined {
  if (state === undefined) return undefined;
  if (state instanceof Tensor) return state.detach();
  return [state[0].detach(), state[1].detach()];
}

function l2Norm(grad: Tensor | null): number {
  if (grad === null) return 0; // no path from this step to the loss
  const flat = contiguous(grad.data);
  const values = flat.data;
  let total = 0;
  for (let i = flat.offset; i < flat.offset + flat.size; i++) {
    const v = values[i] as number;
    total += v * v;
  }
  return Math.sqrt(total);
}
