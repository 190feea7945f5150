/**
 * Batched matrix product on the typed arrays. Each matrix is read through its strides, so a
 * transposed view (as in `q · kᵀ` or the backward pass's `grad · bᵀ`) feeds the kernel without a
 * copy. Large float32 products run the WebAssembly SIMD kernel (wasm-gemm.ts) where it is
 * available; otherwise large products pack their operands into panels and run a register-tiled
 * 4×4 micro-kernel (16 accumulators in locals, each loaded value used four times); small ones,
 * such as the per-head products of attention, run a direct loop that allocates nothing.
 * @module
 */
import { allocate, dtypeOf, type FloatArray, type NDArray, planRows, wrap } from './ndarray.js';
import { broadcastShapes, broadcastStrides, sizeOf } from './shape.js';
import { wasmGemm } from './wasm-gemm.js';

/** Rows and columns of the micro-kernel's tile of C. */
const MR = 4;
const NR = 4;
/** Depth of one packed block: an A panel and a B panel of this depth stay in L1 together. */
const KC = 256;
/** Rows of A packed at once: an MC × KC block of A stays in L2 while B panels stream past. */
const MC = 128;
/** Below this many multiply-adds, packing costs more than it saves. */
const SMALL = 16 * 16 * 16;

/** Packing buffers, grown on demand and reused (one product runs at a time). */
let packedA = new Float64Array(MC * KC);
let packedB = new Float64Array(KC * 64);

/**
 * `C = A · B` for small products: the textbook loop, reading A and B through their strides,
 * accumulating each entry in a double.
 */
function smallGemm(
  A: FloatArray,
  aOff: number,
  ars: number,
  acs: number,
  B: FloatArray,
  bOff: number,
  brs: number,
  bcs: number,
  C: FloatArray,
  cOff: number,
  M: number,
  N: number,
  K: number,
): void {
  for (let i = 0; i < M; i++) {
    const aRow = aOff + i * ars;
    for (let j = 0; j < N; j++) {
      let s = 0;
      const bCol = bOff + j * bcs;
      for (let k = 0; k < K; k++)
        s += (A[aRow + k * acs] as number) * (B[bCol + k * brs] as number);
      C[cOff + i * N + j] = s;
    }
  }
}

/**
 * Packs rows `[i0, i0 + rows)` × depth `[k0, k0 + depth)` of A into `MR`-row panels: panel p holds,
 * for each k, the MR values `A[i0 + p·MR + r][k]` side by side (zero past the last row).
 */
function packA(
  A: FloatArray,
  aOff: number,
  ars: number,
  acs: number,
  i0: number,
  rows: number,
  k0: number,
  depth: number,
): void {
  const panels = Math.ceil(rows / MR);
  if (packedA.length < panels * MR * depth) packedA = new Float64Array(panels * MR * depth);
  const P = packedA;
  for (let p = 0; p < panels; p++) {
    const base = p * MR * depth;
    for (let r = 0; r < MR; r++) {
      const i = p * MR + r;
      const src = aOff + (i0 + i) * ars + k0 * acs;
      if (i < rows)
        for (let k = 0; k < depth; k++) P[base + k * MR + r] = A[src + k * acs] as number;
      else for (let k = 0; k < depth; k++) P[base + k * MR + r] = 0;
    }
  }
}

/** Packs depth `[k0, k0 + depth)` × all N columns of B into `NR`-column panels (zero past the last column). */
function packB(
  B: FloatArray,
  bOff: number,
  brs: number,
  bcs: number,
  N: number,
  k0: number,
  depth: number,
): void {
  const panels = Math.ceil(N / NR);
  if (packedB.length < panels * NR * depth) packedB = new Float64Array(panels * NR * depth);
  const P = packedB;
  for (let p = 0; p < panels; p++) {
    const base = p * NR * depth;
    for (let c = 0; c < NR; c++) {
      const j = p * NR + c;
      const src = bOff + k0 * brs + j * bcs;
      if (j < N) for (let k = 0; k < depth; k++) P[base + k * NR + c] = B[src + k * brs] as number;
      else for (let k = 0; k < depth; k++) P[base + k * NR + c] = 0;
    }
  }
}

/**
 * The micro-kernel: a 4×4 tile of C from an A panel and a B panel of `depth`, sixteen sums in
 * locals. `accumulate` adds to C (later depth blocks) instead of overwriting it (the first).
 */
function microKernel(
  aBase: number,
  bBase: number,
  depth: number,
  C: FloatArray,
  cOff: number,
  N: number,
  rows: number,
  cols: number,
  accumulate: boolean,
): void {
  const A = packedA;
  const B = packedB;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let k = 0, a = aBase, b = bBase; k < depth; k++, a += MR, b += NR) {
    const a0 = A[a] as number,
      a1 = A[a + 1] as number,
      a2 = A[a + 2] as number,
      a3 = A[a + 3] as number;
    const b0 = B[b] as number,
      b1 = B[b + 1] as number,
      b2 = B[b + 2] as number,
      b3 = B[b + 3] as number;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  if (rows === MR && cols === NR) {
    if (accumulate) {
      let o = cOff;
      C[o] = (C[o] as number) + c00;
      C[o + 1] = (C[o + 1] as number) + c01;
      C[o + 2] = (C[o + 2] as number) + c02;
      C[o + 3] = (C[o + 3] as number) + c03;
      o += N;
      C[o] = (C[o] as number) + c10;
      C[o + 1] = (C[o + 1] as number) + c11;
      C[o + 2] = (C[o + 2] as number) + c12;
      C[o + 3] = (C[o + 3] as number) + c13;
      o += N;
      C[o] = (C[o] as number) + c20;
      C[o + 1] = (C[o + 1] as number) + c21;
      C[o + 2] = (C[o + 2] as number) + c22;
      C[o + 3] = (C[o + 3] as number) + c23;
      o += N;
      C[o] = (C[o] as number) + c30;
      C[o + 1] = (C[o + 1] as number) + c31;
      C[o + 2] = (C[o + 2] as number) + c32;
      C[o + 3] = (C[o + 3] as number) + c33;
    } else {
      let o = cOff;
      C[o] = c00;
      C[o + 1] = c01;
      C[o + 2] = c02;
      C[o + 3] = c03;
      o += N;
      C[o] = c10;
      C[o + 1] = c11;
      C[o + 2] = c12;
      C[o + 3] = c13;
      o += N;
      C[o] = c20;
      C[o + 1] = c21;
      C[o + 2] = c22;
      C[o + 3] = c23;
      o += N;
      C[o] = c30;
      C[o + 1] = c31;
      C[o + 2] = c32;
      C[o + 3] = c33;
    }
    return;
  }
  // A partial tile at the bottom or right edge.
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const o = cOff + r * N + c;
      const v = tile[r * NR + c] as number;
      C[o] = accumulate ? (C[o] as number) + v : v;
    }
  }
}

/** `C = A · B` for one (M, K) × (K, N) pair through strides, C row-major at `cOff`. */
function gemm(
  A: FloatArray,
  aOff: number,
  ars: number,
  acs: number,
  B: FloatArray,
  bOff: number,
  brs: number,
  bcs: number,
  C: FloatArray,
  cOff: number,
  M: number,
  N: number,
  K: number,
): void {
  if (K === 0) {
    C.fill(0, cOff, cOff + M * N);
    return;
  }
  if (M * N * K <= SMALL) {
    smallGemm(A, aOff, ars, acs, B, bOff, brs, bcs, C, cOff, M, N, K);
    return;
  }
  // Float32 goes to the WebAssembly SIMD kernel where it runs (float64 stays here, exact).
  if (A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array) {
    if (wasmGemm(A, aOff, ars, acs, B, bOff, brs, bcs, C, cOff, M, N, K)) return;
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const depth = Math.min(KC, K - k0);
    packB(B, bOff, brs, bcs, N, k0, depth);
    for (let i0 = 0; i0 < M; i0 += MC) {
      const rows = Math.min(MC, M - i0);
      packA(A, aOff, ars, acs, i0, rows, k0, depth);
      for (let j = 0; j < N; j += NR) {
        const bBase = (j / NR) * NR * depth;
        const cols = Math.min(NR, N - j);
        for (let i = 0; i < rows; i += MR) {
          microKernel(
            (i / MR) * MR * depth,
            bBase,
            depth,
            C,
            cOff + (i0 + i) * N + j,
            N,
            Math.min(MR, rows - i),
            cols,
            k0 > 0,
          );
        }
      }
    }
  }
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
  const out = allocate(sizeOf(batch) * M * N, dtypeOf(a));
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
  const ars = a.stride[ra - 2] as number;
  const acs = a.stride[ra - 1] as number;
  const brs = b.stride[rb - 2] as number;
  const bcs = b.stride[rb - 1] as number;
  let index = 0;
  for (let r = 0; r < plan.rows; r++) {
    const aRow = aStarts[r] as number;
    const bRow = bStarts[r] as number;
    for (let i = 0; i < plan.length; i++, index++) {
      gemm(
        a.data,
        aRow + i * aStep,
        ars,
        acs,
        b.data,
        bRow + i * bStep,
        brs,
        bcs,
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
