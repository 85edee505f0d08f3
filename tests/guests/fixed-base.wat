;; A "fixed-base" guest (docs/abi.md §5.3): it imports its memory
;; and its allocator from the host and exports `__heap_base`; it exports no
;; `memory`, `__pack_alloc` or `__pack_free`.
;;
;; Imports: env.memory (128 pages), pack:alloc.alloc/dealloc,
;;   example:host/math.add(a: s32, b: s32) -> s32,
;;   example:host/math.big() -> list<u8>
;; Exports: run() -> s32 (add(20, 22)), big() -> list<u8>, echo(x) -> x
(module
  (import "env" "memory" (memory 128))
  (import "pack:alloc" "alloc" (func $alloc (param i32 i32) (result i32)))
  (import "pack:alloc" "dealloc" (func $dealloc (param i32 i32 i32)))
  (import "example:host/math" "add" (func $add (param i32 i32 i32 i32) (result i32)))
  (import "example:host/math" "big" (func $big (param i32 i32 i32 i32) (result i32)))
  (global (export "__heap_base") i32 (i32.const 65536))

  ;; CGRF of (20, 22)
  (data (i32.const 1024) "\43\47\52\46\02\00\00\00\03\00\00\00\02\00\00\00\02\00\00\00\04\00\00\00\14\00\00\00\02\00\00\00\04\00\00\00\16\00\00\00\0b\00\00\00\0c\00\00\00\02\00\00\00\00\00\00\00\01\00\00\00")
  ;; CGRF of ()
  (data (i32.const 1200) "\43\47\52\46\02\00\00\00\01\00\00\00\00\00\00\00\0b\00\00\00\04\00\00\00\00\00\00\00")

  ;; Copies (ptr, len) into memory from the host's allocator and stores it
  ;; in the output slots.
  (func $return_copy (param $ptr i32) (param $len i32) (param $out_ptr i32) (param $out_len i32)
    (local $p i32)
    (local.set $p (call $alloc (local.get $len) (i32.const 8)))
    (memory.copy (local.get $p) (local.get $ptr) (local.get $len))
    (i32.store (local.get $out_ptr) (local.get $p))
    (i32.store (local.get $out_len) (local.get $len)))

  (func (export "run") (param i32 i32) (param $op i32) (param $ol i32) (result i32)
    (if (i32.lt_s (call $add (i32.const 1024) (i32.const 60) (i32.const 512) (i32.const 516)) (i32.const 0))
      (then unreachable))
    (call $return_copy (i32.load (i32.const 512)) (i32.load (i32.const 516)) (local.get $op) (local.get $ol))
    (i32.const 0))

  (func (export "big") (param i32 i32) (param $op i32) (param $ol i32) (result i32)
    (if (i32.lt_s (call $big (i32.const 1200) (i32.const 28) (i32.const 512) (i32.const 516)) (i32.const 0))
      (then unreachable))
    (call $return_copy (i32.load (i32.const 512)) (i32.load (i32.const 516)) (local.get $op) (local.get $ol))
    (i32.const 0))

  (func (export "echo") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $return_copy (local.get $in) (local.get $len) (local.get $op) (local.get $ol))
    (call $dealloc (local.get $in) (local.get $len) (i32.const 1))
    (i32.const 0)))
