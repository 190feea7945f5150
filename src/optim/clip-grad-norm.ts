/**
 * Gradient clipping by global norm, as `torch.nn.utils.clip_grad_norm_`.
 * @module
 */

import { Tensor } from '../autograd/tensor.js';
import { show } from '../errors.js';
import { assignInto, contiguous, type NDArray } from '../ndarray/ndarray.js';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /**
   * Throw when the total norm is NaN or infinite (default false, as PyTorch 1.13: the gradients
   * are then scaled by a NaN coefficient and become NaN).
   */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients of `params` in place so that their total norm, taken over all of them as
 * if concatenated into one vector, is at most `maxNorm`; as PyTorch 1.13's
 * `torch.nn.utils.clip_grad_norm_`. The coefficient is `maxNorm / (total + 1e-6)` clamped to 1,
 * so gradients already within the limit are left as they are. Parameters whose `.grad` is null
 * are skipped.
 *
 * @param params - tensors whose `.grad` to clip (e.g. `module.parameters()`), or one tensor
 * @param maxNorm - the largest allowed total norm, ≥ 0
 * @param normType - the p of the p-norm, > 0, or `Infinity` for the largest absolute value
 *   (default 2)
 * @returns the total norm before clipping (0 when no parameter has a gradient)
 * @throws RangeError for a negative `maxNorm` or a `normType` ≤ 0; Error for a non-finite total
 *   norm when `errorIfNonfinite` is set
 *
 * @example
 * ```ts
 * const w = tensor([0, 0], { requiresGrad: true });
 * w.mul(tensor([3, 4])).sum().backward(); // w.grad is [3, 4], whose norm is 5
 * clipGradNorm([w], 1); // 5
 * w.grad?.toArray(); // [0.6, 0.8]
 * ```
 */
export function clipGradNorm(
  params: Iterable<Tensor> | Tensor,
  maxNorm: number,
  normType = 2,
  { errorIfNonfinite = false }: ClipGradNormOptions = {},
): number {
  const where = 'clipGradNorm';
  const iterable = typeof params === 'object' && params !== null && Symbol.iterator in params;
  const list = params instanceof Tensor ? [params] : iterable ? [...params] : null;
  if (list === null) {
    throw new TypeError(
      `${where}: params must be a Tensor or an array of Tensors; got ${show(params)}`,
    );
  }
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new RangeError(`${where}: maxNorm must be a non-negative number; got ${show(maxNorm)}`);
  }
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new RangeError(
      `${where}: normType must be a positive number or Infinity; got ${show(normType)}`,
    );
  }
  const grads = list.flatMap((p, i) => {
    if (!(p instanceof Tensor)) {
      throw new TypeError(`${where}: params[${i}] must be a Tensor; got ${show(p)}`);
    }
    return p.grad ? [p.grad.data] : [];
  });
  if (grads.length === 0) return 0;
  // PyTorch takes each gradient's norm and then the norm of those; summing |g|^p over all of
  // them before the one root is the same number up to rounding.
  const flats = grads.map(contiguous); // strided gradients copied once, written back at the end
  let total = 0;
  for (const g of flats) {
    const values = g.data;
    const n = g.size; // ndarray's size is a getter that multiplies the shape out
    if (normType === Number.POSITIVE_INFINITY) {
      for (let i = 0; i < n; i++) total = Math.max(total, Math.abs(values[g.offset + i] as number));
    } else if (normType === 2) {
      for (let i = 0; i < n; i++) total += (values[g.offset + i] as number) ** 2;
    } else {
      for (let i = 0; i < n; i++) total += Math.abs(values[g.offset + i] as number) ** normType;
    }
  }
  if (normType !== Number.POSITIVE_INFINITY) total **= 1 / normType;
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new Error(
      `${where}: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped; pass errorIfNonfinite: false to scale them by the non-finite norm anyway`,
    );
  }
  // Math.min keeps a NaN coefficient, as torch.clamp does.
  const coefficient = Math.min(maxNorm / (total + 1e-6), 1);
  grads.forEach((g, k) => {
    const flat = flats[k] as NDArray;
    const values = flat.data;
    const n = flat.size;
    for (let i = 0; i < n; i++) {
      values[flat.offset + i] = (values[flat.offset + i] as number) * coefficient;
    }
    if (flat !== g) assignInto(g, flat);
  });
  return total;
}
