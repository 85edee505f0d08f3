;; The floor for hostcall-add: the same loop calling a bare core-wasm
;; `add(i32, i32) -> i32` host function registered with the engine directly.
(module
  (import "raw" "add" (func $add (param i32 i32) (result i32)))
  (func (export "run") (param $n i32) (param $unused i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $sum (i32.add (local.get $sum) (call $add (i32.const 20) (i32.const 22))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top)))
    (local.get $sum)))
