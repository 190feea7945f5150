/**
 * Matrix product with NumPy-broadcast batch axes, as `torch.matmul`.
 * @module
 */
import { record } from '../../autograd/record.js';
import type { Tensor } from '../../autograd/tensor.js';
import { formatShape, ShapeError } from '../../errors.js';
import { matmul as gemm } from '../../ndarray/matmul.js';
import { permute } from '../../ndarray/movement.js';
import type { NDArray } from '../../ndarray/ndarray.js';
import { broadcastShapes } from '../../ndarray/shape.js';
import { expectSameDtype, expectTensor } from '../operands.js';
import { reshape } from './movement.js';

/** A view with the last two axes swapped: the transposed matrices feed the kernel without a copy. */
function swapLast(a: NDArray): NDArray {
  const dims = a.shape.map((_, d) => d);
  const n = dims.length;
  [dims[n - 2], dims[n - 1]] = [n - 1, n - 2];
  return permute(a, dims);
}

/** The recorded op on inputs of rank >= 2. */
function batchedMatmul(a: Tensor, b: Tensor): Tensor {
  return record('matmul', [a, b], gemm(a.data, b.data), (grad, needs) => [
    needs[0] ? gemm(grad, swapLast(b.data)) : null, // ∂/∂A = G · Bᵀ  (..., M, K)
    needs[1] ? gemm(swapLast(a.data), grad) : null, // ∂/∂B = Aᵀ · G  (..., K, N)
  ]);
}

/**
 * The matrix product of `a (..., M, K)` and `b (..., K, N)`, giving `(..., M, N)` with the batch
 * axes broadcast. A 1-D `a` is a row vector and a 1-D `b` a column vector, whose axis is dropped
 * from the result, as in `torch.matmul`.
 *
 * @example
 * ```ts
 * matmul(randn([8, 3, 4]), randn([4, 5])).shape; // [8, 3, 5]
 * ```
 * @throws {@link ShapeError} `matmul: inner sizes differ (3 vs 4); a [2, 3], b [4, 5]`
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  expectTensor('matmul', 'a', a);
  expectTensor('matmul', 'b', b);
  expectSameDtype('matmul', { a, b });
  for (const [name, t] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (t.ndim === 0) {
      throw new ShapeError(`matmul: ${name} has rank 0; expected at least 1 axis, got []`);
    }
  }
  const K = a.data.shape[a.ndim - 1] as number;
  const Kb = b.data.shape[b.ndim === 1 ? 0 : b.ndim - 2] as number;
  if (K !== Kb) {
    throw new ShapeError(
      `matmul: inner sizes differ (${K} vs ${Kb}); a ${formatShape(a.data.shape)}, b ${formatShape(b.data.shape)}`,
    );
  }
  if (a.ndim > 2 || b.ndim > 2) {
    try {
      broadcastShapes(
        'matmul',
        a.data.shape.slice(0, -2),
        b.data.shape.slice(0, b.ndim === 1 ? 0 : -2),
      );
    } catch {
      throw new ShapeError(
        `matmul: batch axes do not broadcast; a ${formatShape(a.data.shape)}, b ${formatShape(b.data.shape)}`,
      );
    }
  }
  if (a.ndim > 2 && b.ndim <= 2) {
    // (..., M, K) · (K, N): fold the batch axes into M, so a linear layer is one matrix product
    // (and its weight gradient one product too, instead of a batch of them summed afterwards).
    // The row count from the shape, not size / K, which is 0/0 for an empty inner axis.
    const rows = reshape(a, [a.data.shape.slice(0, -1).reduce((n, s) => n * s, 1), K]);
    const product = matmul(rows, b); // (batch·M, N) or (batch·M) for a vector b
    return reshape(product, [
      ...a.data.shape.slice(0, -1),
      ...(b.ndim === 2 ? [b.data.shape[1] as number] : []),
    ]);
  }
  const left = a.ndim === 1 ? reshape(a, [1, K]) : a;
  const right = b.ndim === 1 ? reshape(b, [K, 1]) : b;
  const product = batchedMatmul(left, right);
  if (a.ndim > 1 && b.ndim > 1) return product;
  const shape = product.data.shape.slice();
  if (b.ndim === 1) shape.pop();
  if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1);
  return reshape(product, shape);
}
