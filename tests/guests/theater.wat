;; The Theater-like guest of tests/host_interface.rs: each export forwards
;; its input bytes to one host function and returns that function's
;; output; a negative host status traps (`unreachable`).
;;
;; Exports, each named `<interface>.<function>` after the import it calls:
;;   theater:simple/timer.now
;;   theater:simple/runtime.log
;;   theater:simple/runtime.self
;;   theater:simple/runtime.shutdown
;;   wisp:assembler/runtime.wat-to-wasm
;;   theater:simple/store.store
;;   theater:simple/podman.run
;;   theater:simple/supervisor.spawn
(module
  (import "theater:simple/timer" "now" (func $i0 (param i32 i32 i32 i32) (result i32)))
  (import "theater:simple/runtime" "log" (func $i1 (param i32 i32 i32 i32) (result i32)))
  (import "theater:simple/runtime" "self" (func $i2 (param i32 i32 i32 i32) (result i32)))
  (import "theater:simple/runtime" "shutdown" (func $i3 (param i32 i32 i32 i32) (result i32)))
  (import "wisp:assembler/runtime" "wat-to-wasm" (func $i4 (param i32 i32 i32 i32) (result i32)))
  (import "theater:simple/store" "store" (func $i5 (param i32 i32 i32 i32) (result i32)))
  (import "theater:simple/podman" "run" (func $i6 (param i32 i32 i32 i32) (result i32)))
  (import "theater:simple/supervisor" "spawn" (func $i7 (param i32 i32 i32 i32) (result i32)))
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

  ;; Returns the host's output (slots at 512/516) as the export's output.
  (func $forward (param $status i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (local $p i32)
    (if (i32.lt_s (local.get $status) (i32.const 0)) (then unreachable))
    (local.set $p (call $alloc (i32.load (i32.const 516))))
    (memory.copy (local.get $p) (i32.load (i32.const 512)) (i32.load (i32.const 516)))
    (i32.store (local.get $out_ptr) (local.get $p))
    (i32.store (local.get $out_len) (i32.load (i32.const 516)))
    (i32.const 0))

  (func (export "theater:simple/timer.now") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $i0 (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))
  (func (export "theater:simple/runtime.log") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $i1 (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))
  (func (export "theater:simple/runtime.self") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $i2 (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))
  (func (export "theater:simple/runtime.shutdown") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $i3 (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))
  (func (export "wisp:assembler/runtime.wat-to-wasm") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $i4 (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))
  (func (export "theater:simple/store.store") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $i5 (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))
  (func (export "theater:simple/podman.run") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $i6 (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))
  (func (export "theater:simple/supervisor.spawn") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $i7 (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol))))
