import { describe, expect, it } from 'vitest';
import { oneHot, ShapeError, tensor, Vocabulary } from '../../src/index.js';

describe('oneHot', () => {
  it('puts a single 1 at each id along a new last axis', () => {
    expect(oneHot([2, 0, 1], 3).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    const t = oneHot(
      [
        [1, 3],
        [0, 2],
        [3, 3],
      ],
      5,
    );
    expect(t.shape).toEqual([3, 2, 5]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([
      [
        [0, 1, 0, 0, 0],
        [0, 0, 0, 1, 0],
      ],
      [
        [1, 0, 0, 0, 0],
        [0, 0, 1, 0, 0],
      ],
      [
        [0, 0, 0, 1, 0],
        [0, 0, 0, 1, 0],
      ],
    ]);
  });

  it('takes a single id, an empty list, and Tensors of integers', () => {
    expect(oneHot(1, 4).toArray()).toEqual([0, 1, 0, 0]);
    expect(oneHot([], 4).shape).toEqual([0, 4]);
    const ids = tensor([
      [4, 0],
      [2, 1],
    ]);
    expect(oneHot(ids, 5).toArray()).toEqual(
      oneHot(
        [
          [4, 0],
          [2, 1],
        ],
        5,
      ).toArray(),
    );
    // a non-contiguous view: the transpose of ids
    expect(oneHot(ids.transpose(0, 1), 5).toArray()).toEqual(
      oneHot(
        [
          [4, 2],
          [0, 1],
        ],
        5,
      ).toArray(),
    );
  });

  it('makes float64 on request, and a leaf with no gradient', () => {
    const t = oneHot([0, 1], 2, { dtype: 'float64' });
    expect(t.dtype).toBe('float64');
    expect(t.requiresGrad).toBe(false);
    expect(t.isLeaf).toBe(true);
  });

  it('encodes a sentence over a vocabulary: one 1 per row, at the word id', () => {
    const vocab = Vocabulary.fromCorpus('how are you', { lowercase: true });
    const ids = vocab.encode('How are you');
    const vectors = oneHot(ids, vocab.size).toArray() as number[][];
    expect(vectors.map((row) => row.reduce((a, b) => a + b))).toEqual([1, 1, 1]);
    expect(vectors.map((row) => row.indexOf(1))).toEqual(ids);
  });

  it('names the bad id and its index', () => {
    expect(() => oneHot([0, 3], 3)).toThrow(RangeError);
    expect(() => oneHot([0, 3], 3)).toThrow(
      'oneHot: ids[1] is out of range; expected an integer in [0, 3), got 3',
    );
    expect(() =>
      oneHot(
        [
          [0, 1],
          [-1, 2],
        ],
        3,
      ),
    ).toThrow('oneHot: ids[1][0] is out of range; expected an integer in [0, 3), got -1');
    expect(() => oneHot(tensor([[0, 1.5]]), 3)).toThrow(
      'oneHot: ids[0][1] is not an integer; expected an integer in [0, 3), got 1.5',
    );
    expect(() => oneHot(7, 3)).toThrow(
      'oneHot: ids is out of range; expected an integer in [0, 3), got 7',
    );
  });

  it('rejects a bad numClasses, dtype, ragged or non-numeric ids', () => {
    expect(() => oneHot([0], 0)).toThrow('oneHot: numClasses must be a positive integer; got 0');
    expect(() => oneHot([0], 2.5)).toThrow(RangeError);
    expect(() => oneHot([0], 2, { dtype: 'int32' as 'float32' })).toThrow(
      "oneHot: dtype must be 'float32' or 'float64'; got int32",
    );
    expect(() => oneHot([[0, 1], [2]], 3)).toThrow(ShapeError);
    expect(() => oneHot([[0, 1], [2]], 3)).toThrow(
      'oneHot: ids is ragged at ids[1]; expected length 2, got length 1',
    );
    expect(() => oneHot([0, '1' as unknown as number], 3)).toThrow(
      'oneHot: ids[1] must be a number; got string',
    );
  });
});
