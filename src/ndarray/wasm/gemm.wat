;; seqgrad's float32 matrix-product kernel, WebAssembly SIMD (128-bit). Compiled at build time by
;; scripts/build-wasm.mjs into gemm-binary.ts; src/ndarray/wasm-gemm.ts loads it and falls back to
;; the JavaScript kernel wherever WebAssembly SIMD is unavailable.
;;
;; gemm(a, b, c, M, N, K): C = A · B, all float32 in this module's memory (byte addresses):
;; - A (M × K) row-major, M a multiple of 4;
;; - B (K × N) row-major, N a multiple of 8;
;; - C (M × N) row-major.
;; Each 4 × 8 tile of C lives in eight f32x4 accumulators while k runs: per k, two vector loads of B
;; (one row, eight columns) and four scalar loads of A feed sixteen vector operations (64 flops).
;; B is read in place, row-major: copying it in is one block copy per row, no gather.
(module
  (memory (export "memory") 1)
  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $M i32) (param $N i32) (param $K i32)
    (local $i i32) (local $p i32) (local $k i32) (local $panels i32) (local $rowBytes i32) (local $ldb i32)
    (local $ar0 i32) (local $ar1 i32) (local $ar2 i32) (local $ar3 i32) (local $bk i32) (local $co i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $panels (i32.shr_u (local.get $N) (i32.const 3)))
    (local.set $rowBytes (i32.shl (local.get $K) (i32.const 2)))
    (local.set $ldb (i32.shl (local.get $N) (i32.const 2)))
    (block $done_p (loop $loop_p
      (br_if $done_p (i32.ge_u (local.get $p) (local.get $panels)))
      (local.set $i (i32.const 0))
      (block $done_i (loop $loop_i
        (br_if $done_i (i32.ge_u (local.get $i) (local.get $M)))
        (local.set $ar0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $ar1 (i32.add (local.get $ar0) (local.get $rowBytes)))
        (local.set $ar2 (i32.add (local.get $ar1) (local.get $rowBytes)))
        (local.set $ar3 (i32.add (local.get $ar2) (local.get $rowBytes)))
        ;; B's 8-column strip of this tile starts at column p·8 of row 0.
        (local.set $bk (i32.add (local.get $b) (i32.shl (local.get $p) (i32.const 5))))
        (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
        (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
        (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
        (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (block $done_k (loop $loop_k
          (br_if $done_k (i32.ge_u (local.get $k) (local.get $K)))
          (local.set $b0 (v128.load (local.get $bk)))
          (local.set $b1 (v128.load offset=16 (local.get $bk)))
          (local.set $s (f32x4.splat (f32.load (local.get $ar0))))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $s (f32x4.splat (f32.load (local.get $ar1))))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $s (f32x4.splat (f32.load (local.get $ar2))))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $s (f32x4.splat (f32.load (local.get $ar3))))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $ar0 (i32.add (local.get $ar0) (i32.const 4)))
          (local.set $ar1 (i32.add (local.get $ar1) (i32.const 4)))
          (local.set $ar2 (i32.add (local.get $ar2) (i32.const 4)))
          (local.set $ar3 (i32.add (local.get $ar3) (i32.const 4)))
          (local.set $bk (i32.add (local.get $bk) (local.get $ldb)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $loop_k)))
        ;; The tile's top-left corner is C[i][p·8].
        (local.set $co (i32.add (local.get $c)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (i32.shl (local.get $p) (i32.const 3))) (i32.const 2))))
        (v128.store (local.get $co) (local.get $c00))
        (v128.store offset=16 (local.get $co) (local.get $c01))
        (local.set $co (i32.add (local.get $co) (i32.shl (local.get $N) (i32.const 2))))
        (v128.store (local.get $co) (local.get $c10))
        (v128.store offset=16 (local.get $co) (local.get $c11))
        (local.set $co (i32.add (local.get $co) (i32.shl (local.get $N) (i32.const 2))))
        (v128.store (local.get $co) (local.get $c20))
        (v128.store offset=16 (local.get $co) (local.get $c21))
        (local.set $co (i32.add (local.get $co) (i32.shl (local.get $N) (i32.const 2))))
        (v128.store (local.get $co) (local.get $c30))
        (v128.store offset=16 (local.get $co) (local.get $c31))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $loop_i)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $loop_p)))))
