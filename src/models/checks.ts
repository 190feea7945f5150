/**
 * Input checks for the ready-made models. They run before anything is built or embedded, so a
 * bad option or bad ids are reported under the model's own call and argument names
 * (`Seq2SeqTransformer.forward: tgtIds …`) rather than the name of a layer inside it.
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { formatShape, ShapeError, show } from '../errors.js';
import type { KeyPaddingMask } from '../nn/attention/masks.js';
import { checkPositions, expectDropout, expectHeads, expectPositiveInt } from '../nn/checks.js';
import { flattenIds, type Ids } from '../nn/embedding.js';

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
  expectHeads(where, dModel, nHead);
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
 * integer in `[0, vocabSize)` (Embedding's check, under this argument's name), and positions
 * `offset .. offset + T - 1` inside `maxLen`.
 *
 * @returns `[B, T]`
 */
export function checkTokenIds(
  where: string,
  arg: string,
  ids: Ids,
  { vocabSize, maxLen, offset = 0 }: { vocabSize: number; maxLen: number; offset?: number },
): [number, number] {
  if (Array.isArray(ids) && Array.isArray(ids[0])) {
    // Unequal rows are the usual mistake here: say how to fix them.
    const T = (ids[0] as readonly unknown[]).length;
    const b = ids.findIndex((row) => Array.isArray(row) && row.length !== T);
    if (b > 0) {
      throw new ShapeError(
        `${where}: ${arg} is ragged at ${arg}[${b}]; expected length ${T}, got length ${(ids[b] as readonly unknown[]).length} (pad with padSequences)`,
      );
    }
  }
  const { shape } = flattenIds(where, ids, vocabSize, arg);
  const [B = 0, T = 0] = shape;
  if (shape.includes(0)) {
    throw new ShapeError(
      `${where}: ${arg} is empty; expected (B, T) token ids with B >= 1 and T >= 1, got ${formatShape(shape)}`,
    );
  }
  if (shape.length !== 2) {
    const expected = 'expected (B, T) token ids, an array of rows such as [[1, 5, 2]]';
    throw new ShapeError(
      ids instanceof Tensor || shape.length !== 1
        ? `${where}: ${arg} has rank ${shape.length}; ${expected}, got ${ids instanceof Tensor ? `a Tensor ${formatShape(shape)}` : show(ids)}`
        : `${where}: ${arg} is a flat array of ${B} ids; ${expected}, got [${B}] (wrap one sequence: [ids])`,
    );
  }
  checkPositions(where, arg, shape, { offset, maxLen, expected: `(B, T<=${maxLen})` });
  return [B, T];
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
