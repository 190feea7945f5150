import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  batches,
  Embedding,
  MultiHeadAttention,
  manualSeed,
  padSequences,
  type Tensor,
} from '../../src/index.js';

describe('padSequences', () => {
  const sequences = [[5, 6, 7], [8], [9, 10]];

  it('pads on the right to the longest, with lengths and a true-means-padding mask', () => {
    expect(padSequences(sequences)).toEqual({
      ids: [
        [5, 6, 7],
        [8, 0, 0],
        [9, 10, 0],
      ],
      lengths: [3, 1, 2],
      keyPaddingMask: [
        [false, false, false],
        [false, true, true],
        [false, false, true],
      ],
    });
  });

  it('pads on the left, with another pad id, to a longer maxLen', () => {
    expect(padSequences(sequences, { side: 'left', padId: 99, maxLen: 4 })).toEqual({
      ids: [
        [99, 5, 6, 7],
        [99, 99, 99, 8],
        [99, 99, 9, 10],
      ],
      lengths: [3, 1, 2],
      keyPaddingMask: [
        [true, false, false, false],
        [true, true, true, false],
        [true, true, false, false],
      ],
    });
  });

  it('cuts sequences longer than maxLen to their first ids, on either side', () => {
    expect(padSequences(sequences, { maxLen: 2 }).ids).toEqual([
      [5, 6],
      [8, 0],
      [9, 10],
    ]);
    expect(padSequences(sequences, { maxLen: 2, side: 'left' }).ids).toEqual([
      [5, 6],
      [0, 8],
      [9, 10],
    ]);
    expect(padSequences(sequences, { maxLen: 2 }).lengths).toEqual([2, 1, 2]);
  });

  it('handles empty sequences and an empty batch', () => {
    expect(padSequences([[], [1]])).toEqual({
      ids: [[0], [1]],
      lengths: [0, 1],
      keyPaddingMask: [[true], [false]],
    });
    expect(padSequences([])).toEqual({ ids: [], lengths: [], keyPaddingMask: [] });
  });

  it('gives the mask polarity MultiHeadAttention takes: padded keys get zero weight', () => {
    const { ids, keyPaddingMask } = padSequences([
      [4, 5, 6, 7],
      [8, 9],
    ]); // B=2, S=4
    const embed = new Embedding(10, 6, { paddingIdx: 0, rng: seedrandom('embed') });
    const attention = new MultiHeadAttention(6, 2, { rng: seedrandom('attention') });
    const x = embed.forward(ids); // (2, 4, 6)
    const { weights } = attention.forward(x, x, x, { keyPaddingMask });
    const second = ((weights as Tensor).toArray() as number[][][])[1] as number[][];
    for (const row of second) {
      expect(row[2]).toBe(0);
      expect(row[3]).toBe(0);
      expect((row[0] as number) + (row[1] as number)).toBeCloseTo(1, 6);
    }
  });

  it('rejects bad input with messages naming it', () => {
    expect(() => padSequences([[1], 2 as unknown as number[]])).toThrow(
      'padSequences: sequences[1] must be an array of ids; got number',
    );
    expect(() => padSequences([[1, '2' as unknown as number]])).toThrow(
      'padSequences: sequences[0][1] must be a number; got string',
    );
    expect(() => padSequences(sequences, { maxLen: -1 })).toThrow(
      'padSequences: maxLen must be a non-negative integer; got -1',
    );
    expect(() => padSequences(sequences, { side: 'middle' as 'left' })).toThrow(
      "padSequences: side must be 'right' or 'left'; got middle",
    );
    expect(() => padSequences(sequences, { padId: 0.5 })).toThrow(
      'padSequences: padId must be an integer; got 0.5',
    );
  });
});

describe('batches', () => {
  const items = Array.from({ length: 10 }, (_, i) => i);

  it('cuts in order, the last batch smaller, or dropped with dropLast', () => {
    expect([...batches(items, 4)]).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect([...batches(items, 4, { dropLast: true })]).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect([...batches(items, 5)]).toHaveLength(2);
    expect([...batches([], 3)]).toEqual([]);
  });

  it('shuffles into a permutation that a seeded rng repeats exactly', () => {
    const first = [...batches(items, 3, { shuffle: true, rng: seedrandom('epoch 1') })];
    const again = [...batches(items, 3, { shuffle: true, rng: seedrandom('epoch 1') })];
    const other = [...batches(items, 3, { shuffle: true, rng: seedrandom('epoch 2') })];
    expect(again).toEqual(first);
    expect(other.flat()).not.toEqual(first.flat());
    expect(first.flat()).not.toEqual(items);
    expect(first.map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(first.flat().sort((a, b) => a - b)).toEqual(items);
  });

  it('shuffles every item position with the same chance (Fisher–Yates, not sort-by-random)', () => {
    const rng = seedrandom('uniform');
    const counts = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
    for (let trial = 0; trial < 4000; trial++) {
      const [order] = batches([0, 1, 2, 3], 4, { shuffle: true, rng });
      (order as number[]).forEach((item, position) => {
        (counts[item] as number[])[position] = ((counts[item] as number[])[position] as number) + 1;
      });
    }
    for (const row of counts)
      for (const count of row) expect(Math.abs(count - 1000)).toBeLessThan(120);
  });

  it('uses the default generator when no rng is given (reproducible after manualSeed)', () => {
    manualSeed(7);
    const first = [...batches(items, 10, { shuffle: true })];
    manualSeed(7);
    expect([...batches(items, 10, { shuffle: true })]).toEqual(first);
  });

  it('checks its arguments when called, not when iteration starts', () => {
    expect(() => batches(items, 0)).toThrow('batches: batchSize must be a positive integer; got 0');
    expect(() => batches(items, 2.5)).toThrow(RangeError);
    expect(() => batches('abc' as unknown as string[], 2)).toThrow(
      'batches: items must be an array; got string',
    );
  });
});
