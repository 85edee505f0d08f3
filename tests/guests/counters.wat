;; The resources guest: drives the host's `counter` resource by handle.
;;
;; Imports (module test:counters/counters, the canonical resource names):
;;   [constructor]counter(start: u32) -> own<counter>     (a u32 handle)
;;   [method]counter.get(self: borrow<counter>) -> u32
;;   [method]counter.add(self: borrow<counter>, n: u32)
;;   [static]counter.consume(c: own<counter>) -> u32
;;   [resource-drop]counter(self: own<counter>)
;;   total(a: borrow<counter>, b: borrow<counter>) -> u32
;; Exports (test:counters/app.*, each taking and returning one u32): new,
;; get, bump, consume, drop, twice, leak. The handle an export gets is
;; passed to the host as it is, so the host's tests can send forged and
;; stale handles. A host status below 0 becomes export status 1 (an
;; error), so the test reads the host's reason from last_host_error.
(module
  (import "test:counters/counters" "[constructor]counter" (func $new (param i32 i32 i32 i32) (result i32)))
  (import "test:counters/counters" "[method]counter.get" (func $get (param i32 i32 i32 i32) (result i32)))
  (import "test:counters/counters" "[method]counter.add" (func $add (param i32 i32 i32 i32) (result i32)))
  (import "test:counters/counters" "[static]counter.consume" (func $consume (param i32 i32 i32 i32) (result i32)))
  (import "test:counters/counters" "[resource-drop]counter" (func $drop (param i32 i32 i32 i32) (result i32)))
  (import "test:counters/counters" "total" (func $total (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))

  ;; CGRF of one u32 (28 bytes; the value at +24): the argument of the
  ;; single-parameter imports.
  (data (i32.const 1024) "\43\47\52\46\02\00\00\00\01\00\00\00\00\00\00\00\0e\00\00\00\04\00\00\00\00\00\00\00")
  ;; CGRF of a tuple of two u32s (60 bytes; the values at +24 and +36).
  (data (i32.const 1100) "\43\47\52\46\02\00\00\00\03\00\00\00\02\00\00\00\0e\00\00\00\04\00\00\00\00\00\00\00\0e\00\00\00\04\00\00\00\00\00\00\00\0b\00\00\00\0c\00\00\00\02\00\00\00\00\00\00\00\01\00\00\00")
  ;; CGRF of one u32, for export results.
  (data (i32.const 1200) "\43\47\52\46\02\00\00\00\01\00\00\00\00\00\00\00\0e\00\00\00\04\00\00\00\00\00\00\00")

  (func $alloc (export "__pack_alloc") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.div_u (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536))) (i32.const 65536)) (i32.const 1))))))
    (local.get $p))
  (func (export "__pack_free") (param i32 i32))

  ;; Calls a one-u32 import with `v`; the host's status.
  (func $call1 (param $f i32) (param $v i32) (result i32)
    (i32.store (i32.const 1048) (local.get $v))
    (call_indirect (type $abi) (i32.const 1024) (i32.const 28) (i32.const 512) (i32.const 516) (local.get $f)))
  ;; Calls a two-u32 import with (`a`, `b`); the host's status.
  (func $call2 (param $f i32) (param $a i32) (param $b i32) (result i32)
    (i32.store (i32.const 1124) (local.get $a))
    (i32.store (i32.const 1136) (local.get $b))
    (call_indirect (type $abi) (i32.const 1100) (i32.const 60) (i32.const 512) (i32.const 516) (local.get $f)))
  (type $abi (func (param i32 i32 i32 i32) (result i32)))
  (table 6 funcref)
  (elem (i32.const 0) $new $get $add $consume $drop $total)

  ;; The u32 the host returned (its result pointer is at 512).
  (func $result (result i32)
    (i32.load (i32.add (i32.load (i32.const 512)) (i32.const 24))))
  ;; The export's u32 argument.
  (func $arg (param $in i32) (result i32)
    (i32.load (i32.add (local.get $in) (i32.const 24))))
  ;; Returns `v` as the export's CGRF output (status 0).
  (func $ok (param $v i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (local $p i32)
    (i32.store (i32.const 1224) (local.get $v))
    (local.set $p (call $alloc (i32.const 28)))
    (memory.copy (local.get $p) (i32.const 1200) (i32.const 28))
    (i32.store (local.get $out_ptr) (local.get $p))
    (i32.store (local.get $out_len) (i32.const 28))
    (i32.const 0))
  ;; The export failed because the host refused: status 1, empty message.
  (func $refused (param $out_ptr i32) (param $out_len i32) (result i32)
    (i32.store (local.get $out_ptr) (i32.const 0))
    (i32.store (local.get $out_len) (i32.const 0))
    (i32.const 1))

  (func (export "test:counters/app.new") (param $in i32) (param i32) (param $o i32) (param $l i32) (result i32)
    (if (i32.lt_s (call $call1 (i32.const 0) (call $arg (local.get $in))) (i32.const 0))
      (then (return (call $refused (local.get $o) (local.get $l)))))
    (call $ok (call $result) (local.get $o) (local.get $l)))

  (func (export "test:counters/app.get") (param $in i32) (param i32) (param $o i32) (param $l i32) (result i32)
    (if (i32.lt_s (call $call1 (i32.const 1) (call $arg (local.get $in))) (i32.const 0))
      (then (return (call $refused (local.get $o) (local.get $l)))))
    (call $ok (call $result) (local.get $o) (local.get $l)))

  (func (export "test:counters/app.bump") (param $in i32) (param i32) (param $o i32) (param $l i32) (result i32)
    (if (i32.lt_s (call $call2 (i32.const 2) (call $arg (local.get $in)) (i32.const 1)) (i32.const 0))
      (then (return (call $refused (local.get $o) (local.get $l)))))
    (call $ok (i32.const 0) (local.get $o) (local.get $l)))

  (func (export "test:counters/app.consume") (param $in i32) (param i32) (param $o i32) (param $l i32) (result i32)
    (if (i32.lt_s (call $call1 (i32.const 3) (call $arg (local.get $in))) (i32.const 0))
      (then (return (call $refused (local.get $o) (local.get $l)))))
    (call $ok (call $result) (local.get $o) (local.get $l)))

  (func (export "test:counters/app.drop") (param $in i32) (param i32) (param $o i32) (param $l i32) (result i32)
    (if (i32.lt_s (call $call1 (i32.const 4) (call $arg (local.get $in))) (i32.const 0))
      (then (return (call $refused (local.get $o) (local.get $l)))))
    (call $ok (i32.const 0) (local.get $o) (local.get $l)))

  (func (export "test:counters/app.twice") (param $in i32) (param i32) (param $o i32) (param $l i32) (result i32)
    (local $h i32)
    (local.set $h (call $arg (local.get $in)))
    (if (i32.lt_s (call $call2 (i32.const 5) (local.get $h) (local.get $h)) (i32.const 0))
      (then (return (call $refused (local.get $o) (local.get $l)))))
    (call $ok (call $result) (local.get $o) (local.get $l)))

  (func (export "test:counters/app.leak") (param $in i32) (param i32) (param $o i32) (param $l i32) (result i32)
    (local $n i32) (local $i i32)
    (local.set $n (call $arg (local.get $in)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.lt_s (call $call1 (i32.const 0) (local.get $i)) (i32.const 0))
          (then (return (call $refused (local.get $o) (local.get $l)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $ok (local.get $n) (local.get $o) (local.get $l))))
