;; seqgrad's float32 matrix-product kernel, WebAssembly SIMD (128-bit). Compiled at build time by
;; scripts/build-wasm.mjs into gemm-binary.ts; src/ndarray/wasm-gemm.ts loads it and falls back to
;; the JavaScript kernel wherever WebAssembly SIMD is unavailable.
;;
;; gemm(a, b, c, M, N, K): C = A · B, all float32 in this module's memory (byte addresses):
;; - A (M × K) row-major, M a multiple of 2;
;; - B (K × N) row-major, N a multiple of 16;
;; - C (M × N) row-major.
;; Each 2 × 16 tile of C lives in eight f32x4 accumulators while k runs: per k, four vector loads of
;; B (one row, sixteen columns) and two scalar loads of A feed sixteen vector operations (64 flops).
;; Of the tiles tried (4×8, 2×16, 3×12, 2×20, 1×32, 2×24, 5×8), 2×16 ran fastest on V8: it keeps
;; every value in the sixteen SIMD registers of x86-64 without spilling.
;; B is read in place, row-major: copying it in is one block copy, no gather.
(module
  (memory (export "memory") 1)
  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $M i32) (param $N i32) (param $K i32)
    (local $i i32) (local $p i32) (local $k i32) (local $panels i32) (local $rowBytes i32) (local $ldb i32)
    (local $ar0 i32) (local $ar1 i32) (local $bk i32) (local $co i32)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c02 v128) (local $c03 v128)
    (local $c10 v128) (local $c11 v128) (local $c12 v128) (local $c13 v128)
    (local.set $panels (i32.shr_u (local.get $N) (i32.const 4)))
    (local.set $rowBytes (i32.shl (local.get $K) (i32.const 2)))
    (local.set $ldb (i32.shl (local.get $N) (i32.const 2)))
    (block $done_p (loop $loop_p
      (br_if $done_p (i32.ge_u (local.get $p) (local.get $panels)))
      (local.set $i (i32.const 0))
      (block $done_i (loop $loop_i
        (br_if $done_i (i32.ge_u (local.get $i) (local.get $M)))
        (local.set $ar0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $ar1 (i32.add (local.get $ar0) (local.get $rowBytes)))
        ;; B's 16-column strip of this tile starts at column p·16 of row 0.
        (local.set $bk (i32.add (local.get $b) (i32.shl (local.get $p) (i32.const 6))))
        (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0)) (local.set $c02 (v128.const i32x4 0 0 0 0)) (local.set $c03 (v128.const i32x4 0 0 0 0))
        (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0)) (local.set $c12 (v128.const i32x4 0 0 0 0)) (local.set $c13 (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (block $done_k (loop $loop_k
          (br_if $done_k (i32.ge_u (local.get $k) (local.get $K)))
          (local.set $b0 (v128.load offset=0 (local.get $bk)))
          (local.set $b1 (v128.load offset=16 (local.get $bk)))
          (local.set $b2 (v128.load offset=32 (local.get $bk)))
          (local.set $b3 (v128.load offset=48 (local.get $bk)))
          (local.set $s (f32x4.splat (f32.load (local.get $ar0))))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $c02 (f32x4.add (local.get $c02) (f32x4.mul (local.get $s) (local.get $b2))))
          (local.set $c03 (f32x4.add (local.get $c03) (f32x4.mul (local.get $s) (local.get $b3))))
          (local.set $s (f32x4.splat (f32.load (local.get $ar1))))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $c12 (f32x4.add (local.get $c12) (f32x4.mul (local.get $s) (local.get $b2))))
          (local.set $c13 (f32x4.add (local.get $c13) (f32x4.mul (local.get $s) (local.get $b3))))
          (local.set $ar0 (i32.add (local.get $ar0) (i32.const 4)))
          (local.set $ar1 (i32.add (local.get $ar1) (i32.const 4)))
          (local.set $bk (i32.add (local.get $bk) (local.get $ldb)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $loop_k)))
        ;; The tile's top-left corner is C[i][p·16].
        (local.set $co (i32.add (local.get $c)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (i32.shl (local.get $p) (i32.const 4))) (i32.const 2))))
        (v128.store offset=0 (local.get $co) (local.get $c00))
        (v128.store offset=16 (local.get $co) (local.get $c01))
        (v128.store offset=32 (local.get $co) (local.get $c02))
        (v128.store offset=48 (local.get $co) (local.get $c03))
        (local.set $co (i32.add (local.get $co) (i32.shl (local.get $N) (i32.const 2))))
        (v128.store offset=0 (local.get $co) (local.get $c10))
        (v128.store offset=16 (local.get $co) (local.get $c11))
        (v128.store offset=32 (local.get $co) (local.get $c12))
        (v128.store offset=48 (local.get $co) (local.get $c13))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $loop_i)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $loop_p)))))
