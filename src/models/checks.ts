/**
 * Input checks for the ready-made models. They run before anything is built or embedded, so a
 * bad option or bad ids are reported under the model's own call and argument names
 * (`Seq2SeqTransformer.forward: tgtIds …`) rather than the name of a layer inside it.
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { formatShape, ShapeError } from '../errors.js';
import type { KeyPaddingMask } from '../nn/attention/masks.js';
import { expectDropout, expectPositiveInt, show } from '../nn/checks.js';
import type { Ids } from '../nn/embedding.js';

/** The size options every model shares, after defaults. */
export interface ModelSizes {
  dModel: number;
  nHead: number;
  dimFeedforward: number;
  dropout: number;
  maxLen: number;
  /** Layer counts by option name, e.g. `{ numLayers: 2 }`. */
  layers: Record<string, number>;
}

/** Validates a model's size options under the model's name. */
export function checkModelSizes(where: string, sizes: ModelSizes): void {
  const { dModel, nHead, dimFeedforward, dropout, maxLen, layers } = sizes;
  expectPositiveInt(where, 'dModel', dModel);
  expectPositiveInt(where, 'nHead', nHead);
  if (dModel % nHead !== 0) {
    throw new RangeError(
      `${where}: dModel must be divisible by nHead; got dModel ${dModel}, nHead ${nHead}`,
    );
  }
  expectPositiveInt(where, 'dimFeedforward', dimFeedforward);
  expectDropout(where, dropout);
  expectPositiveInt(where, 'maxLen', maxLen);
  for (const [name, count] of Object.entries(layers)) expectPositiveInt(where, name, count);
}

/** Throws a RangeError unless `value` is one of `allowed`. */
export function expectOneOf<T extends string>(
  where: string,
  arg: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value as T)) {
    const expected = allowed.map((a) => `'${a}'`).join(' or ');
    throw new RangeError(`${where}: ${arg} must be ${expected}; got ${show(value)}`);
  }
  return value as T;
}

/**
 * Checks a batch of token ids: `(B, T)` as nested arrays or a Tensor, B ≥ 1, T ≥ 1, every id an
 * integer in `[0, vocabSize)`, and positions `offset .. offset + T - 1` inside `maxLen`.
 *
 * @returns `[B, T]`
 */
export function checkTokenIds(
  where: string,
  arg: string,
  ids: Ids,
  { vocabSize, maxLen, offset = 0 }: { vocabSize: number; maxLen: number; offset?: number },
): [number, number] {
  const rows = idRows(where, arg, ids);
  const B = rows.length;
  const T = B > 0 ? (rows[0] as ArrayLike<unknown>).length : 0;
  if (B === 0 || T === 0) {
    throw new ShapeError(
      `${where}: ${arg} is empty; expected (B, T) token ids with B >= 1 and T >= 1, got ${formatShape([B, ...(B ? [T] : [])])}`,
    );
  }
  rows.forEach((row, b) => {
    if (row.length !== T) {
      throw new ShapeError(
        `${where}: ${arg} is ragged at ${arg}[${b}]; expected length ${T}, got length ${row.length} (pad with padSequences)`,
      );
    }
    for (let t = 0; t < T; t++) {
      const id = row[t];
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocabSize) {
        const problem = Number.isInteger(id) ? 'is out of range' : 'is not an integer';
        throw new RangeError(
          `${where}: ${arg}[${b}][${t}] ${problem}; expected an integer in [0, ${vocabSize}), got ${show(id)}`,
        );
      }
    }
  });
  if (offset + T > maxLen) {
    throw new ShapeError(
      offset === 0
        ? `${where}: ${arg} has T=${T} but maxLen is ${maxLen}; expected (B, T<=${maxLen}), got ${formatShape([B, T])}`
        : `${where}: positions ${offset}..${offset + T - 1} go past maxLen ${maxLen}; expected offset + T <= ${maxLen}, got offset ${offset} and ${arg} ${formatShape([B, T])}`,
    );
  }
  return [B, T];
}

/** The rows of `(B, T)` ids, or a TypeError/ShapeError that says what arrived instead. */
function idRows(where: string, arg: string, ids: Ids): ArrayLike<unknown>[] {
  const expected = `expected (B, T) token ids, an array of rows such as [[1, 5, 2]]`;
  if (ids instanceof Tensor) {
    if (ids.shape.length !== 2) {
      throw new ShapeError(
        `${where}: ${arg} has rank ${ids.shape.length}; ${expected}, got a Tensor ${formatShape(ids.shape)}`,
      );
    }
    return ids.toArray() as number[][];
  }
  if (!Array.isArray(ids)) {
    throw new TypeError(`${where}: ${arg} must be (B, T) token ids; got ${show(ids)}`);
  }
  if (ids.length > 0 && !ids.every((row) => Array.isArray(row))) {
    const flat = ids.every((id) => typeof id === 'number');
    throw new ShapeError(
      flat
        ? `${where}: ${arg} is a flat array of ${ids.length} ids; ${expected}, got [${ids.length}] (wrap one sequence: [ids])`
        : `${where}: ${arg} mixes rows and single ids; ${expected}`,
    );
  }
  return ids as ArrayLike<unknown>[];
}

/**
 * Checks a boolean `(B, T)` key padding mask against the ids it pads, and (with `needsToken`)
 * that no row masks every position. Returns the rows as booleans.
 */
export function checkPaddingMask(
  where: string,
  arg: string,
  mask: KeyPaddingMask,
  [B, T]: readonly [number, number],
  { needsToken = false }: { needsToken?: boolean } = {},
): boolean[][] {
  const rows =
    mask instanceof Tensor
      ? mask.shape.length === 2
        ? (mask.toArray() as number[][]).map((row) => row.map(Boolean))
        : null
      : Array.isArray(mask) && mask.every((row) => Array.isArray(row))
        ? (mask as readonly (readonly boolean[])[]).map((row) => [...row])
        : null;
  const widths = new Set(rows?.map((row) => row.length));
  const got =
    rows === null
      ? mask instanceof Tensor
        ? `a Tensor ${formatShape(mask.shape)}`
        : show(mask)
      : widths.size > 1
        ? 'ragged rows'
        : formatShape([rows.length, ...widths]);
  if (rows === null || rows.length !== B || rows.some((row) => row.length !== T)) {
    throw new ShapeError(
      `${where}: ${arg} has the wrong shape; expected (B=${B}, T=${T}) booleans, true at padding, got ${got}`,
    );
  }
  if (needsToken) {
    const empty = rows.findIndex((row) => row.every(Boolean));
    if (empty >= 0) {
      throw new RangeError(
        `${where}: ${arg}[${empty}] marks every position as padding; expected at least one real token per sequence`,
      );
    }
  }
  return rows;
}
