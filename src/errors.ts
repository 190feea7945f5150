/**
 * The one error format of seqgrad: `<call>: <argument> <what is wrong>; expected <pattern>, got <actual>`.
 * @module
 */

/**
 * Thrown when a tensor's rank or sizes do not fit a call. The message names the call, the
 * argument, the expected shape (with letters such as `B`, `T`, `E`) and the shape that arrived.
 *
 * @example
 * ```ts
 * try { matmul(zeros([2, 3]), zeros([4, 5])); }
 * catch (e) { e instanceof ShapeError; } // "matmul: inner sizes differ (3 vs 4); a [2, 3], b [4, 5]"
 * ```
 */
export class ShapeError extends Error {
  /** Always `'ShapeError'`, so the kind shows in stack traces and `String(error)`. */
  override name = 'ShapeError';
}

/** Formats an actual shape as `[2, 7, 512]` (expected patterns are written `(B, T, E)`). */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * One axis of an expected shape:
 * - a number: that exact size, printed as the number;
 * - a string such as `'B'`: a named size, bound on first use and required to agree afterwards;
 * - a pair such as `['E', 512]`: a named size that must equal the number, printed `E=512`.
 */
export type Dim = number | string | readonly [string, number];

/** Anything with a shape: a Tensor or an ndarray. */
export interface Shaped {
  /** The sizes of the axes. */
  readonly shape: readonly number[];
}

function formatPattern(dims: readonly Dim[]): string {
  const parts = dims.map((d) => (typeof d === 'object' ? `${d[0]}=${d[1]}` : String(d)));
  return `(${parts.join(', ')})`;
}

/**
 * Checks the ranks and sizes of several arguments of one call against patterns with named sizes,
 * and returns the named sizes it bound (e.g. `{ B: 2, T: 7 }`). A leading `'...'` in a pattern
 * accepts any number of leading axes.
 *
 * @param where - the call, e.g. `'MultiHeadAttention.forward'`
 * @param specs - argument name to `[value, pattern]`
 * @throws {@link ShapeError} naming the first argument that disagrees
 */
export function checkShapes(
  where: string,
  specs: Record<string, readonly [Shaped, readonly Dim[]]>,
): Record<string, number> {
  const bound: Record<string, number> = {};
  const boundBy: Record<string, [string, readonly number[]]> = {};
  for (const [arg, [value, pattern]] of Object.entries(specs)) {
    const shape = value.shape;
    const anyLeading = pattern[0] === '...';
    const dims = anyLeading ? pattern.slice(1) : pattern;
    const expected = formatPattern(pattern);
    if (anyLeading ? shape.length < dims.length : shape.length !== dims.length) {
      throw new ShapeError(
        `${where}: ${arg} has rank ${shape.length}; expected ${expected}, got ${formatShape(shape)}`,
      );
    }
    const lead = shape.length - dims.length;
    dims.forEach((dim, i) => {
      const size = shape[lead + i] as number;
      if (typeof dim === 'number') {
        if (size !== dim) {
          throw new ShapeError(
            `${where}: ${arg} has size ${size} at axis ${lead + i}; expected ${expected}, got ${formatShape(shape)}`,
          );
        }
        return;
      }
      const name = typeof dim === 'string' ? dim : dim[0];
      if (typeof dim === 'object' && size !== dim[1]) {
        throw new ShapeError(
          `${where}: ${arg} has ${name}=${size}; expected ${expected}, got ${formatShape(shape)}`,
        );
      }
      const previous = boundBy[name];
      if (previous && bound[name] !== size) {
        throw new ShapeError(
          `${where}: ${arg} has ${name}=${size} but ${previous[0]} has ${name}=${bound[name]}; ` +
            `${previous[0]} ${formatShape(previous[1])}, ${arg} ${formatShape(shape)}`,
        );
      }
      if (!previous) {
        bound[name] = size;
        boundBy[name] = [arg, shape];
      }
    });
  }
  return bound;
}

/**
 * A value as error messages show it: strings quoted (so `'3'` and `3` read differently), arrays
 * item by item, other objects as "an object".
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
