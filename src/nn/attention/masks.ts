/**
 * Attention masks: one additive representation inside, PyTorch's polarities outside.
 * @module
 */
import { Tensor } from '../../autograd/tensor.js';
import { formatShape, ShapeError } from '../../errors.js';
import { allocate, type DType, wrap } from '../../ndarray/ndarray.js';
import { readNested, tensor } from '../../ops/creation.js';
import { reshape } from '../../ops/primitive/movement.js';
import { cast } from '../../ops/primitive/unary.js';
import { where } from '../../ops/primitive/where.js';
import { expectPositiveInt } from '../checks.js';

/**
 * An attention mask `(T, S)` or `(B·H, T, S)`, as PyTorch's `attn_mask`: either an additive
 * float Tensor (0 keeps, −Infinity blocks) or nested booleans where `true` means "may not attend".
 */
export type AttentionMask =
  | Tensor
  | readonly (readonly boolean[])[]
  | readonly (readonly (readonly boolean[])[])[];

/** A key padding mask `(B, S)`: nested booleans or a Tensor where `true`/1 marks padding to ignore. */
export type KeyPaddingMask = Tensor | readonly (readonly boolean[])[];

/**
 * The `(size, size)` additive causal mask: 0 on and below the diagonal, −Infinity above, so
 * position t attends only to positions ≤ t.
 *
 * @example
 * ```ts
 * causalMask(3).toArray(); // [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]
 * ```
 */
export function causalMask(size: number, { dtype = 'float32' }: { dtype?: DType } = {}): Tensor {
  expectPositiveInt('causalMask', 'size', size);
  return rectangularCausalMask(size, size, dtype);
}

/**
 * `(T, S)` additive mask blocking key j for query i when j > i + offset: top-left aligned as
 * PyTorch's for offset 0; `offset` is the number of positions already in a key/value cache.
 */
export function rectangularCausalMask(T: number, S: number, dtype: DType, offset = 0): Tensor {
  const out = allocate(T * S, dtype);
  for (let i = 0; i < T; i++)
    out.fill(Number.NEGATIVE_INFINITY, i * S + i + offset + 1, (i + 1) * S);
  return new Tensor(wrap(out, [T, S]));
}

/**
 * A mask argument as a tensor of `dtype`: a Tensor as it is, nested arrays read leaf by leaf
 * (booleans become 1/0). Anything else is a TypeError naming the argument.
 */
function maskTensor(caller: string, arg: string, mask: unknown, dtype: DType): Tensor {
  if (mask instanceof Tensor) return mask.dtype === dtype ? mask : cast(mask, dtype);
  if (!Array.isArray(mask)) {
    const got = mask === null ? 'null' : typeof mask;
    throw new TypeError(`${caller}: ${arg} must be a Tensor or nested booleans; got ${got}`);
  }
  const { values, shape } = readNested(caller, arg, mask, (value, path) => {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'number') return value;
    throw new TypeError(
      `${caller}: ${path()} must be a boolean or a number; got ${value === null ? 'null' : typeof value}`,
    );
  });
  return tensor(values, { shape, dtype });
}

/** Blocked positions (true or non-zero) as an additive tensor: −Infinity where blocked, else 0. */
function blockedToAdditive(caller: string, arg: string, mask: unknown, dtype: DType): Tensor {
  return where(maskTensor(caller, arg, mask, dtype), Number.NEGATIVE_INFINITY, 0);
}

/**
 * An `attnMask` as an additive tensor broadcastable to `(B, H, T, S)`: `(T, S)` stays as it is,
 * `(B·H, T, S)` becomes `(B, H, T, S)`.
 * @throws {@link ShapeError} for any other shape
 */
export function additiveAttnMask(
  caller: string,
  arg: string,
  mask: AttentionMask,
  sizes: { B: number; H: number; T: number; S: number },
  dtype: DType,
): Tensor {
  // Nested booleans say "blocked"; a Tensor (or nested numbers) is already additive.
  let first: unknown = mask;
  while (Array.isArray(first)) first = first[0];
  const additive =
    typeof first === 'boolean'
      ? blockedToAdditive(caller, arg, mask, dtype)
      : maskTensor(caller, arg, mask, dtype);
  const { B, H, T, S } = sizes;
  const shape = additive.data.shape;
  if (shape.length === 2 && shape[0] === T && shape[1] === S) return additive;
  if (shape.length === 3 && shape[0] === B * H && shape[1] === T && shape[2] === S)
    return reshape(additive, [B, H, T, S]);
  throw new ShapeError(
    `${caller}: ${arg} has the wrong shape; expected (T=${T}, S=${S}) or (B·H=${B * H}, T=${T}, S=${S}), got ${formatShape(shape)}`,
  );
}

/**
 * A key padding mask `(B, S)` as an additive tensor `(B, 1, 1, S)`.
 * @throws {@link ShapeError} if it is not `(B, S)`
 */
export function additiveKeyPadding(
  caller: string,
  arg: string,
  mask: KeyPaddingMask,
  sizes: { B: number; S: number },
  dtype: DType,
): Tensor {
  const additive = blockedToAdditive(caller, arg, mask, dtype);
  const shape = additive.data.shape;
  if (shape.length !== 2 || shape[0] !== sizes.B || shape[1] !== sizes.S) {
    throw new ShapeError(
      `${caller}: ${arg} has the wrong shape; expected (B=${sizes.B}, S=${sizes.S}), got ${formatShape(shape)}`,
    );
  }
  return reshape(additive, [sizes.B, 1, 1, sizes.S]);
}
