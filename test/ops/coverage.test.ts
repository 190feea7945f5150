import { expect, it } from 'vitest';
import { opTable } from './op-table.js';

/** Every differentiable export of the package root; a new op must be added here and to the table. */
const differentiableOps = [
  'add',
  'sub',
  'mul',
  'div',
  'neg',
  'pow',
  'exp',
  'log',
  'sqrt',
  'tanh',
  'sigmoid',
  'relu',
  'gelu',
  'cast',
  'sum',
  'mean',
  'max',
  'matmul',
  'linear',
  'reshape',
  'permute',
  'transpose',
  'expand',
  'unsqueeze',
  'squeeze',
  'select',
  'narrow',
  'concat',
  'stack',
  'indexSelect',
  'where',
  'maskedFill',
  'softmax',
  'logSoftmax',
  'layerNorm',
  'crossEntropy',
  'mseLoss',
  'dropout',
];

it('every differentiable op has a gradcheck entry', () => {
  const covered = new Set(opTable.map((c) => c.op));
  expect(differentiableOps.filter((op) => !covered.has(op))).toEqual([]);
});

it('every export of the ops folder is either differentiable or a known non-differentiable helper', async () => {
  const ops = await import('../../src/ops/index.js');
  const nonDifferentiable = new Set([
    'tensor',
    'zeros',
    'ones',
    'full',
    'zerosLike',
    'onesLike',
    'randn',
    'rand',
    'arange',
    // internal helpers exported for other ops
    'resolveAxes',
    'readNested',
    'toMask',
  ]);
  const unknown = Object.keys(ops).filter(
    (name) => !differentiableOps.includes(name) && !nonDifferentiable.has(name),
  );
  expect(unknown).toEqual([]);
});
