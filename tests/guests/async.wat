;; A guest whose host functions are mostly async: each export forwards its
;; own input bytes to one host function and returns that function's output.
;; A negative status from the host traps the guest (`unreachable`).
;;
;; Imports (Graph ABI, docs/abi.md §3):
;;   example:host/counter.bump(by: u32) -> u32        async
;;   example:host/counter.panic(x) -> x                async, panics
;;   example:host/counter.big(n: u32) -> list<u8>     async, large result
;;   example:host/math.add(a: s32, b: s32) -> s32     sync
;; Exports: bump, bump-twice, panic, big, add (each forwards its input)
(module
  (import "example:host/counter" "bump" (func $bump (param i32 i32 i32 i32) (result i32)))
  (import "example:host/counter" "panic" (func $panic (param i32 i32 i32 i32) (result i32)))
  (import "example:host/counter" "big" (func $big (param i32 i32 i32 i32) (result i32)))
  (import "example:host/math" "add" (func $add (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))

  ;; A bump allocator that grows memory as needed; free is a no-op.
  (func $alloc (export "__pack_alloc") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.div_u (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536))) (i32.const 65536)) (i32.const 1))))))
    (local.get $p))
  (func (export "__pack_free") (param i32 i32))

  ;; Returns the host's output (its pointer and length in the slots at
  ;; 512/516) as the export's output; traps on a negative status.
  (func $forward (param $status i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (local $p i32)
    (if (i32.lt_s (local.get $status) (i32.const 0)) (then unreachable))
    (local.set $p (call $alloc (i32.load (i32.const 516))))
    (memory.copy (local.get $p) (i32.load (i32.const 512)) (i32.load (i32.const 516)))
    (i32.store (local.get $out_ptr) (local.get $p))
    (i32.store (local.get $out_len) (i32.load (i32.const 516)))
    (i32.const 0))

  (func (export "bump") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $bump (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))

  (func (export "bump-twice") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (if (i32.lt_s (call $bump (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (i32.const 0))
      (then unreachable))
    (call $forward (call $bump (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))

  (func (export "panic") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $panic (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))

  (func (export "big") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $big (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))

  (func (export "add") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $add (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol))))
