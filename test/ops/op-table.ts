/**
 * One entry per differentiable op: how to call it and on which input shapes. The gradcheck test
 * loops over this table; the coverage test checks that every differentiable export has an entry.
 */
import seedrandom from 'seedrandom';
import type { Tensor } from '../../src/index.js';
import * as sg from '../../src/index.js';

export interface OpCase {
  /** The exported function this case exercises. */
  op: string;
  /** A short description of the case. */
  name: string;
  fn: (...inputs: Tensor[]) => Tensor;
  inputShapes: number[][];
  /** Input values are drawn uniformly from this range (default: standard normal). */
  domain?: [number, number];
}

/** Float64 inputs for a case, from a generator seeded by the case name. */
export function inputsFor(c: OpCase): Tensor[] {
  const rng = seedrandom(c.name);
  return c.inputShapes.map((shape) => {
    if (!c.domain) return sg.randn(shape, { dtype: 'float64', rng });
    const [lo, hi] = c.domain;
    return sg
      .rand(shape, { dtype: 'float64', rng })
      .mul(hi - lo)
      .add(lo);
  });
}

const causal = [
  [false, true, true, true],
  [false, false, true, true],
  [false, false, false, true],
];

export const opTable: OpCase[] = [
  {
    op: 'add',
    name: 'add broadcast [2,3,4]+[3,1]',
    fn: (a, b) => sg.add(a, b),
    inputShapes: [
      [2, 3, 4],
      [3, 1],
    ],
  },
  { op: 'add', name: 'add scalar', fn: (a) => sg.add(a, 2.5), inputShapes: [[3, 4]] },
  {
    op: 'sub',
    name: 'sub broadcast [4]-[2,3,4]',
    fn: (a, b) => sg.sub(a, b),
    inputShapes: [[4], [2, 3, 4]],
  },
  {
    op: 'mul',
    name: 'mul broadcast [2,1,4]*[3,1]',
    fn: (a, b) => sg.mul(a, b),
    inputShapes: [
      [2, 1, 4],
      [3, 1],
    ],
  },
  {
    op: 'div',
    name: 'div broadcast [2,3]/[3] (away from 0)',
    fn: (a, b) => sg.div(a, b),
    inputShapes: [[2, 3], [3]],
    domain: [0.5, 2],
  },
  { op: 'neg', name: 'neg', fn: (a) => sg.neg(a), inputShapes: [[2, 3]] },
  { op: 'pow', name: 'pow 3', fn: (a) => sg.pow(a, 3), inputShapes: [[2, 3]] },
  {
    op: 'pow',
    name: 'pow -1.5 on [0.5, 2]',
    fn: (a) => sg.pow(a, -1.5),
    inputShapes: [[2, 3]],
    domain: [0.5, 2],
  },
  { op: 'exp', name: 'exp', fn: (a) => sg.exp(a), inputShapes: [[2, 3]] },
  {
    op: 'log',
    name: 'log on [0.5, 2]',
    fn: (a) => sg.log(a),
    inputShapes: [[2, 3]],
    domain: [0.5, 2],
  },
  {
    op: 'sqrt',
    name: 'sqrt on [0.5, 2]',
    fn: (a) => sg.sqrt(a),
    inputShapes: [[2, 3]],
    domain: [0.5, 2],
  },
  { op: 'tanh', name: 'tanh', fn: (a) => sg.tanh(a), inputShapes: [[2, 3]] },
  { op: 'sigmoid', name: 'sigmoid', fn: (a) => sg.sigmoid(a), inputShapes: [[2, 3]] },
  {
    op: 'relu',
    name: 'relu (away from 0)',
    fn: (a) => sg.relu(sg.add(a, sg.mul(sg.tanh(sg.mul(a, 100)), 0.1))),
    inputShapes: [[3, 4]],
  },
  { op: 'gelu', name: 'gelu', fn: (a) => sg.gelu(a), inputShapes: [[3, 4]] },
  {
    op: 'cast',
    name: 'cast float64 -> float64',
    fn: (a) => sg.cast(a, 'float64'),
    inputShapes: [[2, 3]],
  },
  {
    op: 'sum',
    name: 'sum dims [0,2] keepDim',
    fn: (a) => sg.sum(a, [0, 2], true),
    inputShapes: [[2, 3, 4]],
  },
  { op: 'sum', name: 'sum all', fn: (a) => sg.sum(a), inputShapes: [[2, 3, 4]] },
  { op: 'mean', name: 'mean dim 1', fn: (a) => sg.mean(a, 1), inputShapes: [[2, 3, 4]] },
  {
    op: 'max',
    name: 'max dim -1 keepDim',
    fn: (a) => sg.max(a, -1, true),
    inputShapes: [[2, 3, 4]],
  },
  { op: 'max', name: 'max all', fn: (a) => sg.max(a), inputShapes: [[3, 4]] },
  {
    op: 'matmul',
    name: 'matmul [2,3,4]x[4,5]',
    fn: (a, b) => sg.matmul(a, b),
    inputShapes: [
      [2, 3, 4],
      [4, 5],
    ],
  },
  {
    op: 'matmul',
    name: 'matmul batch broadcast [2,1,3,4]x[5,4,6]',
    fn: (a, b) => sg.matmul(a, b),
    inputShapes: [
      [2, 1, 3, 4],
      [5, 4, 6],
    ],
  },
  {
    op: 'matmul',
    name: 'matmul vector x [2,3,4]',
    fn: (a, b) => sg.matmul(a, b),
    inputShapes: [[3], [2, 3, 4]],
  },
  {
    op: 'matmul',
    name: 'matmul transposed views',
    fn: (a, b) => sg.matmul(sg.transpose(a, 0, 1), sg.transpose(b, 0, 1)),
    inputShapes: [
      [4, 3],
      [5, 4],
    ],
  },
  {
    op: 'linear',
    name: 'linear [2,3,4]·[5,4]ᵀ+[5]',
    fn: (x, w, b) => sg.linear(x, w, b),
    inputShapes: [[2, 3, 4], [5, 4], [5]],
  },
  {
    op: 'linear',
    name: 'linear of a vector, no bias',
    fn: (x, w) => sg.linear(x, w),
    inputShapes: [[4], [3, 4]],
  },
  {
    op: 'linear',
    name: 'linear of a transposed view',
    fn: (x, w, b) => sg.linear(sg.transpose(x, 0, 1), w, b),
    inputShapes: [[4, 3], [5, 4], [5]],
  },
  {
    op: 'reshape',
    name: 'reshape [2,3,4] -> [4,-1]',
    fn: (a) => sg.reshape(a, [4, -1]),
    inputShapes: [[2, 3, 4]],
  },
  {
    op: 'permute',
    name: 'permute [2,0,1]',
    fn: (a) => sg.permute(a, [2, 0, 1]),
    inputShapes: [[2, 3, 4]],
  },
  {
    op: 'transpose',
    name: 'transpose 0,2',
    fn: (a) => sg.transpose(a, 0, 2),
    inputShapes: [[2, 3, 4]],
  },
  {
    op: 'expand',
    name: 'expand [3,1] -> [2,3,4]',
    fn: (a) => sg.expand(a, [2, 3, 4]),
    inputShapes: [[3, 1]],
  },
  { op: 'unsqueeze', name: 'unsqueeze -1', fn: (a) => sg.unsqueeze(a, -1), inputShapes: [[2, 3]] },
  { op: 'squeeze', name: 'squeeze 1', fn: (a) => sg.squeeze(a, 1), inputShapes: [[2, 1, 3]] },
  {
    op: 'select',
    name: 'select dim 1 index -1',
    fn: (a) => sg.select(a, 1, -1),
    inputShapes: [[2, 3, 4]],
  },
  {
    op: 'narrow',
    name: 'narrow dim 2 from 1 length 2',
    fn: (a) => sg.narrow(a, 2, 1, 2),
    inputShapes: [[2, 3, 4]],
  },
  {
    op: 'concat',
    name: 'concat dim 1',
    fn: (a, b, c) => sg.concat([a, b, c], 1),
    inputShapes: [
      [2, 1, 4],
      [2, 3, 4],
      [2, 2, 4],
    ],
  },
  {
    op: 'stack',
    name: 'stack dim 1',
    fn: (a, b) => sg.stack([a, b], 1),
    inputShapes: [
      [2, 3],
      [2, 3],
    ],
  },
  {
    op: 'indexSelect',
    name: 'indexSelect repeated ids',
    fn: (a) => sg.indexSelect(a, 0, [3, 1, 3, 0, 3]),
    inputShapes: [[4, 5]],
  },
  {
    op: 'indexSelect',
    name: 'indexSelect dim 1',
    fn: (a) => sg.indexSelect(a, 1, [2, 0]),
    inputShapes: [[2, 3, 4]],
  },
  {
    op: 'where',
    name: 'where broadcast mask',
    fn: (a, b) => sg.where(causal, a, b),
    inputShapes: [[2, 3, 4], [4]],
  },
  {
    op: 'maskedFill',
    name: 'maskedFill causal',
    fn: (a) => sg.maskedFill(a, causal, -3),
    inputShapes: [[2, 3, 4]],
  },
  { op: 'softmax', name: 'softmax dim 1', fn: (a) => sg.softmax(a, 1), inputShapes: [[2, 3, 4]] },
  { op: 'softmax', name: 'softmax dim -1', fn: (a) => sg.softmax(a, -1), inputShapes: [[2, 3, 4]] },
  {
    op: 'logSoftmax',
    name: 'logSoftmax dim 0',
    fn: (a) => sg.logSoftmax(a, 0),
    inputShapes: [[2, 3, 4]],
  },
  {
    op: 'layerNorm',
    name: 'layerNorm [4] with weight and bias',
    fn: (x, w, b) => sg.layerNorm(x, [4], w, b),
    inputShapes: [[2, 3, 4], [4], [4]],
  },
  {
    op: 'layerNorm',
    name: 'layerNorm [3,4] no affine',
    fn: (x) => sg.layerNorm(x, [3, 4]),
    inputShapes: [[2, 3, 4]],
  },
  {
    op: 'crossEntropy',
    name: 'crossEntropy mean with ignoreIndex and labelSmoothing',
    fn: (x) =>
      sg.crossEntropy(
        x,
        [
          [1, 4, -100],
          [0, 2, 3],
        ],
        { labelSmoothing: 0.1 },
      ),
    inputShapes: [[2, 3, 5]],
  },
  {
    op: 'crossEntropy',
    name: 'crossEntropy none',
    fn: (x) => sg.crossEntropy(x, [1, 0, 2, 2], { reduction: 'none' }),
    inputShapes: [[4, 3]],
  },
  {
    op: 'mseLoss',
    name: 'mseLoss',
    fn: (a, b) => sg.mseLoss(a, b),
    inputShapes: [
      [2, 3],
      [2, 3],
    ],
  },
  {
    op: 'dropout',
    name: 'dropout (fixed mask)',
    fn: (a) => sg.dropout(a, 0.4, true, seedrandom('mask')),
    inputShapes: [[3, 4]],
  },
];
