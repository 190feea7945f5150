/**
 * Batched matrix product on the typed arrays. Each matrix is read through its strides, so a
 * transposed view (as in `q · kᵀ` or the backward pass's `grad · bᵀ`) feeds the kernel without a
 * copy: a row-major right operand goes to a 4-row AXPY kernel, a column-major one (a transposed
 * view) to a dot-product kernel that reads both operands contiguously.
 * @module
 */
import { allocate, dtypeOf, type FloatArray, type NDArray, planRows, wrap } from './ndarray.js';
import { broadcastShapes, broadcastStrides, sizeOf } from './shape.js';

/** One matrix inside a batch: where it starts and how to step over rows and columns. */
interface Operand {
  readonly data: FloatArray;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/**
 * `C += A · B` for row-major B (colStride 1): four rows of C at a time, so each element of B
 * loaded from memory is used four times.
 */
function axpyKernel(
  a: Operand,
  b: Operand,
  c: FloatArray,
  cOffset: number,
  M: number,
  N: number,
  K: number,
): void {
  const A = a.data;
  const B = b.data;
  const { rowStride: ars, colStride: acs } = a;
  const brs = b.rowStride;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const c0 = cOffset + i * N;
    const c1 = c0 + N;
    const c2 = c1 + N;
    const c3 = c2 + N;
    for (let k = 0; k < K; k++) {
      const ak = a.offset + i * ars + k * acs;
      const a0 = A[ak] as number;
      const a1 = A[ak + ars] as number;
      const a2 = A[ak + 2 * ars] as number;
      const a3 = A[ak + 3 * ars] as number;
      const bRow = b.offset + k * brs;
      for (let j = 0; j < N; j++) {
        const bv = B[bRow + j] as number;
        c[c0 + j] = (c[c0 + j] as number) + a0 * bv;
        c[c1 + j] = (c[c1 + j] as number) + a1 * bv;
        c[c2 + j] = (c[c2 + j] as number) + a2 * bv;
        c[c3 + j] = (c[c3 + j] as number) + a3 * bv;
      }
    }
  }
  for (; i < M; i++) {
    const c0 = cOffset + i * N;
    for (let k = 0; k < K; k++) {
      const av = A[a.offset + i * ars + k * acs] as number;
      const bRow = b.offset + k * brs;
      for (let j = 0; j < N; j++) c[c0 + j] = (c[c0 + j] as number) + av * (B[bRow + j] as number);
    }
  }
}

/**
 * `C = A · B` for row-major A and column-major B (B's rowStride 1, i.e. a transposed view):
 * every entry is a dot product of two contiguous vectors; four columns share each load of A.
 */
function dotKernel(
  a: Operand,
  b: Operand,
  c: FloatArray,
  cOffset: number,
  M: number,
  N: number,
  K: number,
): void {
  const A = a.data;
  const B = b.data;
  const bcs = b.colStride;
  for (let i = 0; i < M; i++) {
    const aRow = a.offset + i * a.rowStride;
    const cRow = cOffset + i * N;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const b0 = b.offset + j * bcs;
      const b1 = b0 + bcs;
      const b2 = b1 + bcs;
      const b3 = b2 + bcs;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < K; k++) {
        const av = A[aRow + k] as number;
        s0 += av * (B[b0 + k] as number);
        s1 += av * (B[b1 + k] as number);
        s2 += av * (B[b2 + k] as number);
        s3 += av * (B[b3 + k] as number);
      }
      c[cRow + j] = s0;
      c[cRow + j + 1] = s1;
      c[cRow + j + 2] = s2;
      c[cRow + j + 3] = s3;
    }
    for (; j < N; j++) {
      const b0 = b.offset + j * bcs;
      let s = 0;
      for (let k = 0; k < K; k++) s += (A[aRow + k] as number) * (B[b0 + k] as number);
      c[cRow + j] = s;
    }
  }
}

/** Copies a strided matrix into a row-major one. */
function packRowMajor(m: Operand, rows: number, cols: number): Operand {
  const out = allocate(rows * cols, m.data instanceof Float64Array ? 'float64' : 'float32');
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++)
      out[r * cols + k] = m.data[m.offset + r * m.rowStride + k * m.colStride] as number;
  }
  return { data: out, offset: 0, rowStride: cols, colStride: 1 };
}

/** `C = A · B` for one (M, K) × (K, N) pair, C row-major and zero-filled. */
function gemm(
  a: Operand,
  b: Operand,
  c: FloatArray,
  cOffset: number,
  M: number,
  N: number,
  K: number,
): void {
  if (b.rowStride === 1 && b.colStride !== 1 && K > 1) {
    const rowMajorA = a.colStride === 1 ? a : packRowMajor(a, M, K);
    dotKernel(rowMajorA, b, c, cOffset, M, N, K);
    return;
  }
  const rowMajorB = b.colStride === 1 || N === 1 ? b : packRowMajor(b, K, N);
  axpyKernel(a, rowMajorB, c, cOffset, M, N, K);
}

/**
 * Matrix product of `a (..., M, K)` and `b (..., K, N)` with NumPy-broadcast batch axes; both
 * must have rank >= 2 and share a dtype (the op layer checks and handles vectors).
 */
export function matmul(a: NDArray, b: NDArray): NDArray {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = a.shape[ra - 2] as number;
  const K = a.shape[ra - 1] as number;
  const N = b.shape[rb - 1] as number;
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const count = sizeOf(batch);
  const out = allocate(count * M * N, dtypeOf(a));
  const plan = planRows(
    batch,
    [
      broadcastStrides(a.shape.slice(0, -2), a.stride.slice(0, -2), batch),
      broadcastStrides(b.shape.slice(0, -2), b.stride.slice(0, -2), batch),
    ],
    [a.offset, b.offset],
  );
  const [aStarts, bStarts] = plan.offsets as [Int32Array, Int32Array];
  const [aStep, bStep] = plan.steps as [number, number];
  let index = 0;
  for (let r = 0; r < plan.rows; r++) {
    for (let i = 0; i < plan.length; i++, index++) {
      gemm(
        {
          data: a.data,
          offset: (aStarts[r] as number) + i * aStep,
          rowStride: a.stride[ra - 2] as number,
          colStride: a.stride[ra - 1] as number,
        },
        {
          data: b.data,
          offset: (bStarts[r] as number) + i * bStep,
          rowStride: b.stride[rb - 2] as number,
          colStride: b.stride[rb - 1] as number,
        },
        out,
        index * M * N,
        M,
        N,
        K,
      );
    }
  }
  return wrap(out, [...batch, M, N]);
}
