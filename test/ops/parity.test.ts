/**
 * Op-level parity with PyTorch: every case of `test/fixtures/torch/ops.json` (written by
 * `tools/fixtures/ops.py`) runs through seqgrad's public API. The outputs and the gradients of
 * `loss = Σ output ⊙ upstream` must match torch's in float64 (atol 1e-10, rtol 1e-9); a few cases
 * also run in float32 against the same float64 numbers (atol 1e-5, rtol 1e-4).
 */
import { describe, expect, it } from 'vitest';
import {
  add,
  type CrossEntropyOptions,
  concat,
  crossEntropy,
  type DType,
  div,
  indexSelect,
  layerNorm,
  type MaskLike,
  mseLoss,
  mul,
  permute,
  stack,
  sub,
  type TargetLike,
  Tensor,
  where,
} from '../../src/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { fromJSON, loadFixture, type TensorJSON } from '../helpers/fixtures.js';

/** Everything a case's `args` may hold (see tools/fixtures/ops.py); JSON, so plain values. */
interface OpArgs {
  a?: number;
  b?: number;
  exponent?: number;
  dim?: number | number[];
  keepDim?: boolean;
  shape?: number[];
  dim0?: number;
  dim1?: number;
  dims?: number[];
  index?: number | number[];
  start?: number;
  length?: number;
  mask?: MaskLike;
  condition?: MaskLike;
  value?: number;
  normalizedShape?: number[];
  eps?: number;
  targets?: TargetLike;
  reduction?: 'mean' | 'sum' | 'none';
  ignoreIndex?: number;
  labelSmoothing?: number;
  permuteInputs?: Record<string, number[]>;
}

interface OpCase {
  name: string;
  op: string;
  args: OpArgs;
  inputs: Record<string, TensorJSON>;
  upstream: TensorJSON;
  output: TensorJSON;
  grads: Record<string, TensorJSON>;
}

type Inputs = Readonly<Record<string, Tensor>>;
type OpCall = (t: Inputs, args: OpArgs) => Tensor;

/** A required field of a case: a fixture without it is malformed, not a skip. */
function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fixture case is missing ${what}`);
  return value;
}

function input(t: Inputs, name: string): Tensor {
  return need(t[name], `input '${name}'`);
}

function oneDim(args: OpArgs): number {
  const dim = need(args.dim, 'args.dim');
  if (typeof dim !== 'number') throw new Error(`fixture: args.dim must be one axis; got ${dim}`);
  return dim;
}

/** Operand `name` of a binary op: the input tensor, or the scalar in `args` when there is none. */
function operand(t: Inputs, args: OpArgs, name: 'a' | 'b'): Tensor | number {
  return t[name] ?? need(args[name], `input or scalar '${name}'`);
}

function binary(fn: (a: Tensor | number, b: Tensor | number) => Tensor): OpCall {
  return (t, args) => fn(operand(t, args, 'a'), operand(t, args, 'b'));
}

function crossEntropyOptions(args: OpArgs): CrossEntropyOptions {
  const options: CrossEntropyOptions = {};
  if (args.reduction !== undefined) options.reduction = args.reduction;
  if (args.ignoreIndex !== undefined) options.ignoreIndex = args.ignoreIndex;
  if (args.labelSmoothing !== undefined) options.labelSmoothing = args.labelSmoothing;
  return options;
}

/** Each fixture `op` as a call of seqgrad's public API; the torch side is TORCH_OPS in ops.py. */
const OPS: Readonly<Record<string, OpCall>> = {
  add: binary(add),
  sub: binary(sub),
  mul: binary(mul),
  div: binary(div),
  neg: (t) => input(t, 'x').neg(),
  exp: (t) => input(t, 'x').exp(),
  log: (t) => input(t, 'x').log(),
  sqrt: (t) => input(t, 'x').sqrt(),
  tanh: (t) => input(t, 'x').tanh(),
  sigmoid: (t) => input(t, 'x').sigmoid(),
  relu: (t) => input(t, 'x').relu(),
  gelu: (t) => input(t, 'x').gelu(),
  pow: (t, a) => input(t, 'x').pow(need(a.exponent, 'args.exponent')),
  sum: (t, a) => input(t, 'x').sum(a.dim, a.keepDim ?? false),
  mean: (t, a) => input(t, 'x').mean(a.dim, a.keepDim ?? false),
  max: (t, a) =>
    a.dim === undefined ? input(t, 'x').max() : input(t, 'x').max(oneDim(a), a.keepDim ?? false),
  matmul: (t) => input(t, 'a').matmul(input(t, 'b')),
  reshape: (t, a) => input(t, 'x').reshape(need(a.shape, 'args.shape')),
  transpose: (t, a) =>
    input(t, 'x').transpose(need(a.dim0, 'args.dim0'), need(a.dim1, 'args.dim1')),
  permute: (t, a) => input(t, 'x').permute(need(a.dims, 'args.dims')),
  unsqueeze: (t, a) => input(t, 'x').unsqueeze(oneDim(a)),
  squeeze: (t, a) => input(t, 'x').squeeze(oneDim(a)),
  select: (t, a) => {
    const index = need(a.index, 'args.index');
    if (typeof index !== 'number') throw new Error('fixture: select takes one index');
    return input(t, 'x').select(oneDim(a), index);
  },
  narrow: (t, a) =>
    input(t, 'x').narrow(oneDim(a), need(a.start, 'args.start'), need(a.length, 'args.length')),
  expand: (t, a) => input(t, 'x').expand(need(a.shape, 'args.shape')),
  concat: (t, a) => concat(Object.values(t), oneDim(a)),
  stack: (t, a) => stack(Object.values(t), oneDim(a)),
  index_select: (t, a) => {
    const index = need(a.index, 'args.index');
    if (typeof index === 'number') throw new Error('fixture: index_select takes a list');
    return indexSelect(input(t, 'x'), oneDim(a), index);
  },
  masked_fill: (t, a) =>
    input(t, 'x').maskedFill(need(a.mask, 'args.mask'), need(a.value, 'args.value')),
  where: (t, a) => where(need(a.condition, 'args.condition'), input(t, 'a'), input(t, 'b')),
  softmax: (t, a) => input(t, 'x').softmax(oneDim(a)),
  log_softmax: (t, a) => input(t, 'x').logSoftmax(oneDim(a)),
  layer_norm: (t, a) =>
    layerNorm(
      input(t, 'x'),
      need(a.normalizedShape, 'args.normalizedShape'),
      t.weight ?? null,
      t.bias ?? null,
      need(a.eps, 'args.eps'),
    ),
  cross_entropy: (t, a) =>
    crossEntropy(input(t, 'logits'), need(a.targets, 'args.targets'), crossEntropyOptions(a)),
  mse_loss: (t, a) =>
    mseLoss(input(t, 'input'), input(t, 'target'), {
      reduction: need(a.reduction, 'args.reduction'),
    }),
};

const TOLERANCE = {
  float64: { atol: 1e-10, rtol: 1e-9 },
  float32: { atol: 1e-5, rtol: 1e-4 },
} as const;

/** Runs one case in `dtype`: forward, compare, backward with the fixture's upstream, compare grads. */
function runCase(c: OpCase, dtype: DType): void {
  const call = OPS[c.op];
  if (!call) {
    throw new Error(`unknown op '${c.op}' in fixture case '${c.name}'; add it to OPS`);
  }
  const { atol, rtol } = TOLERANCE[dtype];
  const leaves: Record<string, Tensor> = {};
  const operands: Record<string, Tensor> = {};
  for (const [name, json] of Object.entries(c.inputs)) {
    const leaf = fromJSON(json, { dtype, requiresGrad: true });
    leaves[name] = leaf;
    const dims = c.args.permuteInputs?.[name];
    operands[name] = dims ? permute(leaf, dims) : leaf;
  }
  for (const name of Object.keys(c.args.permuteInputs ?? {})) {
    expect(leaves, `permuteInputs names input '${name}'`).toHaveProperty(name);
  }

  const output = call(operands, c.args);
  expect(output).toBeInstanceOf(Tensor);
  expect(output.dtype, 'output dtype').toBe(dtype);
  assertClose(output, c.output, { atol, rtol, label: `${c.name}: output` });

  output.backward(fromJSON(c.upstream, { dtype }));
  expect(Object.keys(c.grads).sort(), 'every input has an expected gradient').toEqual(
    Object.keys(leaves).sort(),
  );
  for (const [name, expected] of Object.entries(c.grads)) {
    const grad = need(leaves[name], `leaf '${name}'`).grad;
    expect(grad, `${c.name}: grad of ${name}`).not.toBeNull();
    assertClose(grad as Tensor, expected, { atol, rtol, label: `${c.name}: grad of ${name}` });
  }
}

const fixture = loadFixture<{ cases: OpCase[] }>('ops');
const attempted = new Set<string>();

/** Cases rerun in float32 against the float64 numbers. */
const FLOAT32_CASES = [
  'matmul_batch_broadcast_2134_546',
  'matmul_2d_1d',
  'softmax_dim_1',
  'log_softmax_dim_-1',
  'layer_norm_45_affine',
  'layer_norm_5_plain',
  'cross_entropy_mean',
  'cross_entropy_label_smoothing_with_ignore_mean',
  'cross_entropy_3d_none',
];

describe('op parity with PyTorch, float64', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      attempted.add(c.name);
      runCase(c, 'float64');
    });
  }
});

describe('op parity with PyTorch, float32', () => {
  for (const name of FLOAT32_CASES) {
    it(name, () => {
      const c = fixture.cases.find((k) => k.name === name);
      if (!c) throw new Error(`float32 case '${name}' is not in the fixture`);
      runCase(c, 'float32');
    });
  }
});

describe('ops fixture', () => {
  it('was generated by torch and has uniquely named cases', () => {
    expect(fixture.torch).toMatch(/^\d+\.\d+/);
    expect(fixture.cases.length).toBeGreaterThan(0);
    const names = fixture.cases.map((c) => c.name);
    expect(new Set(names).size, 'case names are unique').toBe(names.length);
  });

  it('exercises every op in the table', () => {
    const used = new Set(fixture.cases.map((c) => c.op));
    expect(Object.keys(OPS).filter((op) => !used.has(op))).toEqual([]);
  });

  // Runs after the cases above (vitest runs a file's tests in order): no case was skipped.
  it('ran every case', () => {
    expect(fixture.cases.map((c) => c.name).filter((n) => !attempted.has(n))).toEqual([]);
  });
});
