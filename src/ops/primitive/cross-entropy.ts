/**
 * Cross-entropy from logits, fused: log-softmax and the negative log-likelihood in one pass, with
 * a single-pass backward `softmax − target distribution`. Promoted from the composite
 * (logSoftmax, a one-hot product and a sum; kept in the tests as the oracle) for that reason.
 * @module
 */

import { record } from '../../autograd/record.js';
import { Tensor } from '../../autograd/tensor.js';
import { formatShape, ShapeError } from '../../errors.js';
import { crossEntropyBackward, crossEntropyRows } from '../../ndarray/cross-entropy.js';
import { reshape } from '../../ndarray/movement.js';
import { allocate, contiguous, wrap } from '../../ndarray/ndarray.js';
import { sameShape } from '../../ndarray/shape.js';
import { tensor } from '../creation.js';
import { expectTensor, toIndices } from '../operands.js';

/** Options of {@link crossEntropy}, with PyTorch's meanings and defaults. */
export interface CrossEntropyOptions {
  /** Targets equal to this are skipped and excluded from the mean. Default -100. */
  ignoreIndex?: number;
  /** ε in [0, 1]: the target distribution puts 1 − ε on the class and ε spread over all C. Default 0. */
  labelSmoothing?: number;
  /** `'mean'` over non-ignored targets (default), `'sum'`, or `'none'` for one loss per target. */
  reduction?: 'mean' | 'sum' | 'none';
}

/** Class ids: a number, nested arrays of numbers, or a Tensor holding integer values. */
export type TargetLike = number | readonly TargetLike[] | Tensor;

/**
 * The cross-entropy between `softmax(logits)` and integer class `targets`, giving the same
 * numbers as `torch.nn.functional.cross_entropy` (whose class axis is 1; here it is the last).
 *
 * @param logits - `(..., C)` unnormalised scores
 * @param targets - `(...)` class ids in [0, C), or `ignoreIndex`
 * @returns a scalar for `'mean'` and `'sum'`; `(...)` for `'none'`
 *
 * @example
 * ```ts
 * const logits = randn([2, 3, 10], { requiresGrad: true }); // (B, T, V)
 * const targets = [[1, 4, 9], [0, 0, -100]];                  // (B, T) ids; -100 is ignored
 * const loss = crossEntropy(logits, targets);
 * loss.backward();
 * logits.grad?.shape; // [2, 3, 10]
 * ```
 * @throws {@link ShapeError} when `targets` is not shaped like `logits` without its last axis
 * @throws RangeError for a target that is not an integer in [0, C) and not `ignoreIndex`
 */
export function crossEntropy(
  logits: Tensor,
  targets: TargetLike,
  options: CrossEntropyOptions = {},
): Tensor {
  expectTensor('crossEntropy', 'logits', logits);
  const { ignoreIndex = -100, labelSmoothing = 0, reduction = 'mean' } = options;
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1]; got ${labelSmoothing}`);
  }
  if (!['mean', 'sum', 'none'].includes(reduction)) {
    throw new TypeError(
      `crossEntropy: reduction must be 'mean', 'sum' or 'none'; got ${String(reduction)}`,
    );
  }
  if (logits.ndim === 0) {
    throw new ShapeError('crossEntropy: logits has rank 0; expected (..., C), got []');
  }
  const shape = logits.data.shape;
  const C = shape[shape.length - 1] as number;
  const batchShape = shape.slice(0, -1);
  const targetTensor =
    targets instanceof Tensor ? targets : tensor(targets as never, { dtype: 'float64' });
  if (!sameShape(targetTensor.data.shape, batchShape)) {
    throw new ShapeError(
      `crossEntropy: targets must have the shape of logits without its last axis; expected ${formatShape(batchShape)}, got ${formatShape(targetTensor.data.shape)} (logits ${formatShape(shape)})`,
    );
  }
  const flatTargets = contiguous(targetTensor.data);
  const ids = toIndices(
    'crossEntropy',
    'targets',
    flatTargets.data.subarray(flatTargets.offset, flatTargets.offset + flatTargets.size),
    C,
    ignoreIndex,
  );
  const N = ids.length;
  const rows = reshape(logits.data, [N, C]);
  const config = { targets: ids, ignoreIndex, labelSmoothing };
  const { losses, logSumExp } = crossEntropyRows(rows, config);
  const kept = ids.reduce((n, id) => (id === ignoreIndex ? n : n + 1), 0);
  let output: Float32Array | Float64Array;
  if (reduction === 'none') {
    output = allocate(N, logits.dtype);
    output.set(losses);
  } else {
    const total = losses.reduce((s, v) => s + v, 0);
    output = allocate(1, logits.dtype);
    output[0] = reduction === 'sum' ? total : total / kept;
  }
  const outShape = reduction === 'none' ? batchShape : [];
  return record('crossEntropy', [logits], wrap(output, outShape), (grad) => {
    const g = contiguous(grad);
    const scalar = g.data[g.offset] as number;
    const rowScale =
      reduction === 'none'
        ? (r: number) => g.data[g.offset + r] as number
        : reduction === 'sum'
          ? () => scalar
          : () => scalar / kept;
    return [reshape(crossEntropyBackward(rows, config, logSumExp, rowScale), shape)];
  });
}
