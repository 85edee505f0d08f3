;; A guest of the kv bundle: each export passes its CGRF input to the
;; `packr:kv/store` function of the same name and returns that function's
;; CGRF output, so a host (or `packr run`) can drive the bundle through a
;; guest with any arguments.
;;
;; Imports (Graph ABI, docs/abi.md):
;;   packr:kv/store.get(key: string) -> option<string>
;;   packr:kv/store.set(key: string, value: string)
;;   packr:kv/store.remove(key: string) -> bool
;;   packr:kv/store.count() -> u32
;; Exports: example:kv/app.{get,set,remove,count}, same types.
(module
  (import "packr:kv/store" "get" (func $get (param i32 i32 i32 i32) (result i32)))
  (import "packr:kv/store" "set" (func $set (param i32 i32 i32 i32) (result i32)))
  (import "packr:kv/store" "remove" (func $remove (param i32 i32 i32 i32) (result i32)))
  (import "packr:kv/store" "count" (func $count (param i32 i32 i32 i32) (result i32)))
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

  ;; After a host call that left its result's (ptr, len) at 512/516:
  ;; traps if the host reported a bad input (status -1), otherwise copies
  ;; the result into a fresh allocation for the caller.
  (func $forward (param $status i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (local $p i32)
    (if (i32.lt_s (local.get $status) (i32.const 0)) (then unreachable))
    (local.set $p (call $alloc (i32.load (i32.const 516))))
    (memory.copy (local.get $p) (i32.load (i32.const 512)) (i32.load (i32.const 516)))
    (i32.store (local.get $out_ptr) (local.get $p))
    (i32.store (local.get $out_len) (i32.load (i32.const 516)))
    (i32.const 0))

  (func (export "example:kv/app.get") (param $in i32) (param $len i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (call $forward (call $get (local.get $in) (local.get $len) (i32.const 512) (i32.const 516))
      (local.get $out_ptr) (local.get $out_len)))

  (func (export "example:kv/app.set") (param $in i32) (param $len i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (call $forward (call $set (local.get $in) (local.get $len) (i32.const 512) (i32.const 516))
      (local.get $out_ptr) (local.get $out_len)))

  (func (export "example:kv/app.remove") (param $in i32) (param $len i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (call $forward (call $remove (local.get $in) (local.get $len) (i32.const 512) (i32.const 516))
      (local.get $out_ptr) (local.get $out_len)))

  (func (export "example:kv/app.count") (param $in i32) (param $len i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (call $forward (call $count (local.get $in) (local.get $len) (i32.const 512) (i32.const 516))
      (local.get $out_ptr) (local.get $out_len))))
