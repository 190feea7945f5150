/** Bad input gets an error naming the call, the argument, what was expected and what arrived. */
import { describe, expect, it } from 'vitest';
import * as sg from '../src/index.js';
import { checkShapes, ShapeError, tensor, zeros } from '../src/index.js';
import { thrown } from './helpers/expect-error.js';

function message(fn: () => unknown): string {
  const error = thrown(fn);
  return `${error.name}: ${error.message}`;
}

describe('shape errors', () => {
  it.each([
    [
      'add',
      () => sg.add(zeros([2, 3]), zeros([4, 5])),
      'ShapeError: add: [2, 3] and [4, 5] do not broadcast (axis -1: 3 vs 5)',
    ],
    [
      'matmul',
      () => sg.matmul(zeros([2, 3]), zeros([4, 5])),
      'ShapeError: matmul: inner sizes differ (3 vs 4); a [2, 3], b [4, 5]',
    ],
    [
      'matmul rank 0',
      () => sg.matmul(zeros([]), zeros([4, 5])),
      'ShapeError: matmul: a has rank 0; expected at least 1 axis, got []',
    ],
    [
      'matmul batch',
      () => sg.matmul(zeros([2, 3, 4]), zeros([5, 4, 6])),
      'ShapeError: matmul: batch axes do not broadcast; a [2, 3, 4], b [5, 4, 6]',
    ],
    [
      'reshape',
      () => sg.reshape(zeros([2, 3]), [4, 2]),
      'ShapeError: reshape: shape has 8 elements but the input has 6; expected a shape of 6 elements, got [4, 2] for input [2, 3]',
    ],
    [
      'concat',
      () => sg.concat([zeros([2, 3]), zeros([2, 4])], 0),
      'ShapeError: concat: tensors[1] differs from tensors[0] outside dim 0; tensors[0] [2, 3], tensors[1] [2, 4]',
    ],
    [
      'stack',
      () => sg.stack([zeros([2, 3]), zeros([3, 2])]),
      'ShapeError: stack: tensors[1] has a different shape from tensors[0]; tensors[0] [2, 3], tensors[1] [3, 2]',
    ],
    [
      'layerNorm',
      () => sg.layerNorm(zeros([2, 3]), [4]),
      'ShapeError: layerNorm: x does not end in normalizedShape; expected (..., 4), got [2, 3]',
    ],
    [
      'crossEntropy targets',
      () => sg.crossEntropy(zeros([2, 3, 5]), [1, 2]),
      'ShapeError: crossEntropy: targets must have the shape of logits without its last axis; expected [2, 3], got [2] (logits [2, 3, 5])',
    ],
    [
      'mseLoss',
      () => sg.mseLoss(zeros([2, 3]), zeros([3])),
      'ShapeError: mseLoss: target has a different shape from input; expected [2, 3], got [3]',
    ],
    [
      'tensor ragged',
      () => tensor([[1, 2], [3]]),
      'ShapeError: tensor: data is ragged at data[1]; expected length 2, got length 1',
    ],
    [
      'item',
      () => zeros([2]).item(),
      'ShapeError: item: the tensor has 2 elements; expected exactly 1, got [2]',
    ],
  ])('%s', (_, fn, expected) => {
    expect(message(fn)).toBe(expected);
  });
});

describe('range and type errors', () => {
  it.each([
    [
      'sum dim',
      () => sg.sum(zeros([2, 3]), 2),
      'RangeError: sum: dim is out of range; expected an integer in [-2, 1], got 2',
    ],
    [
      'softmax dim',
      () => sg.softmax(zeros([2, 3]), -3),
      'RangeError: softmax: dim is out of range; expected an integer in [-2, 1], got -3',
    ],
    [
      'indexSelect id',
      () => sg.indexSelect(zeros([4, 2]), 0, [1, 4]),
      'RangeError: indexSelect: index[1] is out of range; expected an integer in [0, 4), got 4',
    ],
    [
      'crossEntropy non-integer class id',
      () => sg.crossEntropy(zeros([2, 3]), [1, 0.5]),
      'RangeError: crossEntropy: targets[1] is not an integer; expected an integer in [0, 3), got 0.5',
    ],
    [
      'crossEntropy class id out of range',
      () => sg.crossEntropy(zeros([2, 3]), [3, 0]),
      'RangeError: crossEntropy: targets[0] is out of range; expected an integer in [0, 3), got 3',
    ],
    [
      'narrow',
      () => sg.narrow(zeros([2, 3]), 1, 2, 2),
      'RangeError: narrow: start 2 and length 2 leave dim 1; expected 0 <= start <= start + length <= 3, shape [2, 3]',
    ],
    [
      'select',
      () => sg.select(zeros([2, 3]), 0, 2),
      'RangeError: select: index is out of range for dim 0; expected an integer in [-2, 1], got 2',
    ],
    [
      'permute',
      () => sg.permute(zeros([2, 3]), [0, 0]),
      'RangeError: permute: dims must list each of the 2 axes once; expected a permutation of [0, 1], got [0, 0]',
    ],
    [
      'zeros size',
      () => zeros([2, -1]),
      'RangeError: zeros: shape[1] must be a non-negative integer; got -1',
    ],
    [
      'dropout p',
      () => sg.dropout(zeros([2]), 1.5, true),
      'RangeError: dropout: p must be a probability in [0, 1]; got 1.5',
    ],
    [
      'dtype mix',
      () => sg.add(zeros([2]), zeros([2], { dtype: 'float64' })),
      "TypeError: add: dtype mismatch; a is float32 but b is float64 (convert one with .to('float32'))",
    ],
    [
      'not a tensor',
      () => sg.mul(zeros([2]), [1, 2] as never),
      'TypeError: mul: b must be a Tensor; got an array (wrap it with tensor(...))',
    ],
    [
      'tensor entry',
      () => tensor([1, 'x' as never]),
      'TypeError: tensor: data[1] is string; expected a number',
    ],
    [
      'gradcheck float32',
      () => sg.gradcheck((x) => x, [zeros([2])]),
      "TypeError: gradcheck: inputs[0] is float32; expected float64, because finite differences need double precision (use .to('float64'))",
    ],
  ])('%s', (_, fn, expected) => {
    expect(message(fn)).toBe(expected);
  });
});

describe('checkShapes', () => {
  const t = (...shape: number[]) => ({ shape });
  it('reports a named size that disagrees between arguments', () => {
    expect(() =>
      checkShapes('MultiHeadAttention.forward', {
        key: [t(2, 9, 512), ['B', 'S', ['E', 512]]],
        value: [t(2, 7, 512), ['B', 'S', ['E', 512]]],
      }),
    ).toThrow(
      'MultiHeadAttention.forward: value has S=7 but key has S=9; key [2, 9, 512], value [2, 7, 512]',
    );
  });
  it('reports a wrong fixed size and a wrong rank', () => {
    expect(() =>
      checkShapes('MultiHeadAttention.forward', { query: [t(2, 7, 256), ['B', 'T', ['E', 512]]] }),
    ).toThrow(
      'MultiHeadAttention.forward: query has E=256; expected (B, T, E=512), got [2, 7, 256]',
    );
    expect(() =>
      checkShapes('LSTMCell.forward', { h: [t(1, 3, 20), ['B', ['hiddenSize', 20]]] }),
    ).toThrow('LSTMCell.forward: h has rank 3; expected (B, hiddenSize=20), got [1, 3, 20]');
  });
  it('returns the bound sizes and accepts leading axes after "..."', () => {
    expect(checkShapes('Linear.forward', { x: [t(2, 3, 4), ['...', ['in', 4]]] })).toEqual({
      in: 4,
    });
    expect(checkShapes('f', { a: [t(2, 3), ['B', 'T']], b: [t(2), ['B']] })).toEqual({
      B: 2,
      T: 3,
    });
    expect(() => checkShapes('f', { a: [t(2, 3), [2, 4]] })).toThrow(ShapeError);
  });
});
