/**
 * The WebAssembly SIMD matmul kernel for float32 (gemm.wat): loading, memory and operand packing.
 * Wherever WebAssembly SIMD cannot be compiled (an old engine, or a Content-Security-Policy
 * without 'wasm-unsafe-eval') it reports itself unavailable and the JavaScript kernel runs.
 * @module
 */
import { GEMM_WASM_BASE64 } from './wasm/gemm-binary.js';

/** The slice of the WebAssembly API this file uses (the project's `lib` has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface Kernel {
  gemm: (a: number, bp: number, c: number, M: number, N: number, K: number) => void;
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}

let kernel: Kernel | null | undefined;
let enabled = true;

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The compiled kernel, or null where it cannot run. Compiled once, synchronously (it is well under the 4 KB browsers allow on the main thread). */
function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  try {
    if (!wasm) throw new Error('no WebAssembly');
    const module = new wasm.Module(decodeBase64(GEMM_WASM_BASE64));
    const exports = new wasm.Instance(module, {}).exports as unknown as Kernel;
    kernel = { gemm: exports.gemm, memory: exports.memory };
  } catch {
    kernel = null;
  }
  return kernel;
}

/**
 * @internal Chooses the kernel: `'auto'` (the default) uses WebAssembly where it runs, `'js'`
 * forces the JavaScript kernel (tests run both). Returns whether WebAssembly is in use.
 */
export function useWasmGemm(mode: 'auto' | 'js'): boolean {
  enabled = mode === 'auto';
  return enabled && load() !== null;
}

/**
 * `C = A · B` for float32 through the WebAssembly kernel: A and B are read through their strides
 * and copied (rows padded to a multiple of 2, columns to a multiple of 16, with zeros) into the
 * module's memory; the valid part of the result is copied into `C` at `cOff`. Returns false
 * (having done nothing) when the kernel is unavailable or disabled.
 */
export function wasmGemm(
  A: Float32Array,
  aOff: number,
  ars: number,
  acs: number,
  B: Float32Array,
  bOff: number,
  brs: number,
  bcs: number,
  C: Float32Array,
  cOff: number,
  M: number,
  N: number,
  K: number,
): boolean {
  const k = enabled ? load() : null;
  if (!k) return false;
  if (brs === 1 && bcs !== 1 && M <= 32) {
    // B is a transposed view (x · Wᵀ in every linear layer) and A has few rows (an RNN step):
    // gathering B's columns would cost more than the product. Compute Cᵀ = Bᵀ · Aᵀ instead:
    // Bᵀ's rows copy as blocks, and only the small A is gathered.
    const t = run(k, B, bOff, bcs, 1, A, aOff, acs, ars, N, M, K);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) C[cOff + i * N + j] = t.mem[t.at + j * t.stride + i] as number;
    }
    return true;
  }
  const out = run(k, A, aOff, ars, acs, B, bOff, brs, bcs, M, N, K);
  if (out.stride === N) {
    C.set(out.mem.subarray(out.at, out.at + M * N), cOff);
    return true;
  }
  for (let i = 0; i < M; i++) {
    C.set(out.mem.subarray(out.at + i * out.stride, out.at + i * out.stride + N), cOff + i * N);
  }
  return true;
}

/**
 * Copies A (rows padded to a multiple of 2) and B (columns padded to a multiple of 16) into the
 * module's memory, row-major, and runs the kernel; returns where the (M × stride) result starts.
 */
function run(
  k: Kernel,
  A: Float32Array,
  aOff: number,
  ars: number,
  acs: number,
  B: Float32Array,
  bOff: number,
  brs: number,
  bcs: number,
  M: number,
  N: number,
  K: number,
): { mem: Float32Array; at: number; stride: number } {
  const Mp = Math.ceil(M / 2) * 2;
  const Np = Math.ceil(N / 16) * 16;
  const aAt = 0;
  const bAt = Mp * K;
  const cAt = bAt + K * Np;
  const bytes = (cAt + Mp * Np) * 4;
  const have = k.memory.buffer.byteLength;
  if (have < bytes) k.memory.grow(Math.ceil((bytes - have) / 65536));
  const mem = new Float32Array(k.memory.buffer);
  // A and B that are already row-major and need no padding enter in one block copy each.
  if (acs === 1 && ars === K) mem.set(A.subarray(aOff, aOff + M * K), aAt);
  for (let i = acs === 1 && ars === K ? M : 0; i < Mp; i++) {
    const to = aAt + i * K;
    if (i >= M) {
      mem.fill(0, to, to + K);
      continue;
    }
    const from = aOff + i * ars;
    if (acs === 1) mem.set(A.subarray(from, from + K), to);
    else for (let kk = 0; kk < K; kk++) mem[to + kk] = A[from + kk * acs] as number;
  }
  // B row-major with its rows padded to Np columns: a block copy per row when rows are contiguous.
  const whole = bcs === 1 && brs === N && Np === N;
  if (whole) mem.set(B.subarray(bOff, bOff + K * N), bAt);
  for (let kk = whole ? K : 0; kk < K; kk++) {
    const to = bAt + kk * Np;
    const from = bOff + kk * brs;
    if (bcs === 1) mem.set(B.subarray(from, from + N), to);
    else for (let j = 0; j < N; j++) mem[to + j] = B[from + j * bcs] as number;
    if (Np > N) mem.fill(0, to + N, to + Np);
  }
  k.gemm(aAt * 4, bAt * 4, cAt * 4, Mp, Np, K);
  return { mem, at: cAt, stride: Np };
}
