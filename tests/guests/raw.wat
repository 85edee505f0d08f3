;; A guest importing an engine-level (non Graph ABI) host function.
;;   env.tick(n: i64) -> i64
;; Export run(n: i64) -> i64 returns tick(n).
(module
  (import "env" "tick" (func $tick (param i64) (result i64)))
  (func (export "run") (param i64) (result i64)
    (call $tick (local.get 0))))
