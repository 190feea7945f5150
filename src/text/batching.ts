/**
 * Padding variable-length sequences into rectangles, and cutting a dataset into minibatches.
 * @module
 */
import { type Rng, resolveRng } from '../ndarray/random.js';

/** Options of {@link padSequences}. */
export interface PadOptions {
  /** The id written into padding positions (default 0, {@link Vocabulary.padId}). */
  padId?: number;
  /** Pad (and cut) every row to this length; the longest sequence's length when omitted. */
  maxLen?: number;
  /**
   * Where padding goes: `'right'` (default, after the tokens, as for encoders and for training
   * with targets) or `'left'` (before them, so every row's last token is at `T − 1`, as for
   * batched generation).
   */
  side?: 'right' | 'left';
}

/** What {@link padSequences} returns. */
export interface PaddedBatch {
  /** `(B, T)` ids, padded with `padId`; ready for {@link Embedding.forward}. */
  ids: number[][];
  /** `(B)` the number of real (kept) tokens in each row. */
  lengths: number[];
  /**
   * `(B, T)` key padding mask, `true` marking padding to ignore: the polarity the
   * `keyPaddingMask` options of {@link MultiHeadAttention} and the transformer layers take.
   */
  keyPaddingMask: boolean[][];
}

/**
 * Pads sequences of ids to one length, so that a batch is a `(B, T)` rectangle, and returns the
 * matching key padding mask. A sequence longer than `maxLen` keeps its first `maxLen` ids.
 *
 * @param sequences - B sequences of ids, of any lengths
 * @returns `ids (B, T)`, `lengths (B)`, `keyPaddingMask (B, T)` with true = padding
 * @example
 * ```ts
 * const batch = padSequences([[5, 6, 7], [8]]);
 * batch.ids;            // [[5, 6, 7], [8, 0, 0]]
 * batch.lengths;        // [3, 1]
 * batch.keyPaddingMask; // [[false, false, false], [false, true, true]]
 * padSequences([[5, 6, 7], [8]], { side: 'left', maxLen: 2 }).ids; // [[5, 6], [0, 8]]
 * ```
 * @throws TypeError naming the first entry that is not an array of numbers
 * @throws RangeError for a `maxLen` that is not a non-negative integer
 */
export function padSequences(
  sequences: readonly (readonly number[])[],
  options: PadOptions = {},
): PaddedBatch {
  const { padId = 0, maxLen, side = 'right' } = options;
  if (!Array.isArray(sequences)) {
    throw new TypeError(
      `padSequences: sequences must be an array of id arrays; got ${typeof sequences}`,
    );
  }
  if (typeof padId !== 'number' || !Number.isInteger(padId)) {
    throw new TypeError(`padSequences: padId must be an integer; got ${String(padId)}`);
  }
  if (side !== 'right' && side !== 'left') {
    throw new TypeError(`padSequences: side must be 'right' or 'left'; got ${String(side)}`);
  }
  if (maxLen !== undefined && (!Number.isInteger(maxLen) || maxLen < 0)) {
    throw new RangeError(
      `padSequences: maxLen must be a non-negative integer; got ${String(maxLen)}`,
    );
  }
  sequences.forEach((sequence, i) => {
    if (!Array.isArray(sequence)) {
      throw new TypeError(
        `padSequences: sequences[${i}] must be an array of ids; got ${sequence === null ? 'null' : typeof sequence}`,
      );
    }
    const bad = sequence.findIndex((id) => typeof id !== 'number');
    if (bad >= 0) {
      throw new TypeError(
        `padSequences: sequences[${i}][${bad}] must be a number; got ${typeof sequence[bad]}`,
      );
    }
  });
  const T = maxLen ?? sequences.reduce((longest, s) => Math.max(longest, s.length), 0);
  const ids: number[][] = [];
  const lengths: number[] = [];
  const keyPaddingMask: boolean[][] = [];
  for (const sequence of sequences) {
    const length = Math.min(sequence.length, T);
    const start = side === 'right' ? 0 : T - length; // first real position
    const row = new Array<number>(T).fill(padId);
    const mask = new Array<boolean>(T).fill(true);
    for (let j = 0; j < length; j++) {
      row[start + j] = sequence[j] as number;
      mask[start + j] = false;
    }
    ids.push(row);
    lengths.push(length);
    keyPaddingMask.push(mask);
  }
  return { ids, lengths, keyPaddingMask };
}

/** Options of {@link batches}. */
export interface BatchOptions {
  /** Visit the items in a random order (default false: in order). */
  shuffle?: boolean;
  /** The generator for shuffling, e.g. `seedrandom('epoch 1')`; the default one when omitted. */
  rng?: Rng;
  /** Leave out a last batch smaller than `batchSize` (default false). */
  dropLast?: boolean;
}

/**
 * Cuts `items` into minibatches of `batchSize` (the last may be smaller), as PyTorch's
 * `DataLoader` does with a plain list. With `shuffle`, each call visits the items in a new order
 * drawn from `rng` (Fisher–Yates), so a seeded `rng` repeats the same order.
 *
 * @example
 * ```ts
 * [...batches([1, 2, 3, 4, 5], 2)];       // [[1, 2], [3, 4], [5]]
 * const [shuffled] = batches([1, 2, 3, 4, 5], 5, { shuffle: true, rng: seedrandom('x') });
 * shuffled.slice().sort();                // [1, 2, 3, 4, 5]
 * ```
 * @throws RangeError for a `batchSize` that is not a positive integer
 */
export function batches<T>(
  items: readonly T[],
  batchSize: number,
  options: BatchOptions = {},
): Generator<T[], void, undefined> {
  const { shuffle = false, rng, dropLast = false } = options;
  if (!Array.isArray(items)) {
    throw new TypeError(`batches: items must be an array; got ${typeof items}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batches: batchSize must be a positive integer; got ${String(batchSize)}`);
  }
  const n = items.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (shuffle) {
    const random = resolveRng(rng);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const swap = order[i] as number;
      order[i] = order[j] as number;
      order[j] = swap;
    }
  }
  // Checked and shuffled here, in the call, rather than on the first next(): a generator
  // function's body would report a bad batchSize only when the loop starts.
  return slices(items, order, batchSize, dropLast ? n - (n % batchSize) : n);
}

function* slices<T>(
  items: readonly T[],
  order: Uint32Array,
  batchSize: number,
  end: number,
): Generator<T[], void, undefined> {
  for (let start = 0; start < end; start += batchSize) {
    const stop = Math.min(start + batchSize, end);
    const batch = new Array<T>(stop - start);
    for (let k = start; k < stop; k++) batch[k - start] = items[order[k] as number] as T;
    yield batch;
  }
}
