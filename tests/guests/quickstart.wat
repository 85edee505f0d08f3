;; The quickstart guest: calls two host functions and echoes values back.
;;
;; Imports (Graph ABI, docs/abi.md §3):
;;   example:host/log.log(msg: string)
;;   example:host/math.add(a: s32, b: s32) -> s32
;; Exports:
;;   example:guest/app.run()         -> s32     logs a greeting, returns add(20, 22)
;;   example:guest/app.echo(x)       -> x       returns its input unchanged
;;   example:guest/app.fail()        -> error   status 1 with a UTF-8 message
(module
  (import "example:host/log" "log" (func $log (param i32 i32 i32 i32) (result i32)))
  (import "example:host/math" "add" (func $add (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))

  ;; CGRF of the tuple (20, 22)
  (data (i32.const 1024) "\43\47\52\46\02\00\00\00\03\00\00\00\02\00\00\00\02\00\00\00\04\00\00\00\14\00\00\00\02\00\00\00\04\00\00\00\16\00\00\00\0b\00\00\00\0c\00\00\00\02\00\00\00\00\00\00\00\01\00\00\00")
  ;; CGRF of the string "hello from the guest"
  (data (i32.const 1100) "\43\47\52\46\02\00\00\00\01\00\00\00\00\00\00\00\06\00\00\00\18\00\00\00\14\00\00\00\68\65\6c\6c\6f\20\66\72\6f\6d\20\74\68\65\20\67\75\65\73\74")
  ;; the error message of `fail`
  (data (i32.const 1200) "no such thing")

  ;; A bump allocator that grows memory as needed; free is a no-op.
  (func $alloc (export "__pack_alloc") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.div_u (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536))) (i32.const 65536)) (i32.const 1))))))
    (local.get $p))
  (func (export "__pack_free") (param i32 i32))

  ;; Copies (ptr, len) into a fresh allocation and stores it in the output slots.
  (func $return_copy (param $ptr i32) (param $len i32) (param $out_ptr i32) (param $out_len i32)
    (local $p i32)
    (local.set $p (call $alloc (local.get $len)))
    (memory.copy (local.get $p) (local.get $ptr) (local.get $len))
    (i32.store (local.get $out_ptr) (local.get $p))
    (i32.store (local.get $out_len) (local.get $len)))

  (func (export "example:guest/app.run") (param i32 i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (if (i32.lt_s (call $log (i32.const 1100) (i32.const 48) (i32.const 512) (i32.const 516)) (i32.const 0))
      (then unreachable))
    (if (i32.lt_s (call $add (i32.const 1024) (i32.const 60) (i32.const 512) (i32.const 516)) (i32.const 0))
      (then unreachable))
    (call $return_copy (i32.load (i32.const 512)) (i32.load (i32.const 516)) (local.get $out_ptr) (local.get $out_len))
    (i32.const 0))

  (func (export "example:guest/app.echo") (param $in i32) (param $len i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (call $return_copy (local.get $in) (local.get $len) (local.get $out_ptr) (local.get $out_len))
    (i32.const 0))

  (func (export "example:guest/app.fail") (param i32 i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (call $return_copy (i32.const 1200) (i32.const 13) (local.get $out_ptr) (local.get $out_len))
    (i32.const 1)))
