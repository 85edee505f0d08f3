;; The guest of tests/bindgen.rs for world test:files/files: each export
;; forwards its input to the test:files/fs import of the same name and
;; returns its output; a failed host call traps.
(module
  (import "test:files/fs" "stat" (func $stat (param i32 i32 i32 i32) (result i32)))
  (import "test:files/fs" "chmod" (func $chmod (param i32 i32 i32 i32) (result i32)))
  (import "test:files/fs" "place" (func $place (param i32 i32 i32 i32) (result i32)))
  (import "test:files/fs" "walk" (func $walk (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))

  (func $alloc (export "__pack_alloc") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.div_u (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536))) (i32.const 65536)) (i32.const 1))))))
    (local.get $p))
  (func (export "__pack_free") (param i32 i32))

  (func $forward (param $status i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (local $p i32)
    (if (i32.lt_s (local.get $status) (i32.const 0)) (then unreachable))
    (local.set $p (call $alloc (i32.load (i32.const 516))))
    (memory.copy (local.get $p) (i32.load (i32.const 512)) (i32.load (i32.const 516)))
    (i32.store (local.get $out_ptr) (local.get $p))
    (i32.store (local.get $out_len) (i32.load (i32.const 516)))
    (i32.const 0))

  (func (export "stat") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $stat (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))
  (func (export "chmod") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $chmod (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))
  (func (export "place") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $place (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol)))
  (func (export "walk") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $forward (call $walk (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (local.get $op) (local.get $ol))))
