;; Wetware's `streams` guest, ported: two connections on one channel, a
;; write through the first, a read through the second, both dropped.
;;
;; Imports (module wetware:streams/streams, canonical resource names; write
;; and read are async on the host):
;;   [constructor]connection(channel: u32) -> own<connection>
;;   [method]connection.get-input-stream-handle(self: borrow<connection>) -> u32
;;   [method]connection.get-output-stream-handle(self: borrow<connection>) -> u32
;;   [method]connection.write(self: borrow<connection>, bytes: list<u8>) -> u32
;;   [method]connection.read(self: borrow<connection>) -> list<u8>
;;   [resource-drop]connection(self: own<connection>)
;; Export: wetware:streams/app.run() -> list<u8>, what the read returned.
;; Any host refusal traps (`unreachable`).
(module
  (import "wetware:streams/streams" "[constructor]connection" (func $connect (param i32 i32 i32 i32) (result i32)))
  (import "wetware:streams/streams" "[method]connection.get-input-stream-handle" (func $input (param i32 i32 i32 i32) (result i32)))
  (import "wetware:streams/streams" "[method]connection.get-output-stream-handle" (func $output (param i32 i32 i32 i32) (result i32)))
  (import "wetware:streams/streams" "[method]connection.write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wetware:streams/streams" "[method]connection.read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wetware:streams/streams" "[resource-drop]connection" (func $drop (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))

  ;; CGRF of one u32 (the value at +24): channel ids and handles.
  (data (i32.const 1024) "\43\47\52\46\02\00\00\00\01\00\00\00\00\00\00\00\0e\00\00\00\04\00\00\00\00\00\00\00")
  ;; CGRF of (u32 handle at +24, list<u8> "hello"): the write's argument.
  (data (i32.const 1100) "\43\47\52\46\02\00\00\00\03\00\00\00\02\00\00\00\0e\00\00\00\04\00\00\00\00\00\00\00\15\00\00\00\0a\00\00\00\0c\05\00\00\00\68\65\6c\6c\6f\0b\00\00\00\0c\00\00\00\02\00\00\00\00\00\00\00\01\00\00\00")

  (func $alloc (export "__pack_alloc") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.div_u (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536))) (i32.const 65536)) (i32.const 1))))))
    (local.get $p))
  (func (export "__pack_free") (param i32 i32))

  ;; Traps unless the host call succeeded.
  (func $check (param $status i32)
    (if (i32.lt_s (local.get $status) (i32.const 0)) (then unreachable)))
  ;; The u32 argument template, set to `v`.
  (func $one (param $v i32) (result i32)
    (i32.store (i32.const 1048) (local.get $v))
    (i32.const 1024))
  ;; The u32 the host returned.
  (func $result (result i32)
    (i32.load (i32.add (i32.load (i32.const 512)) (i32.const 24))))

  (func (export "wetware:streams/app.run") (param i32 i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (local $a i32) (local $b i32) (local $p i32) (local $n i32)
    ;; Two connections on channel 7.
    (call $check (call $connect (call $one (i32.const 7)) (i32.const 28) (i32.const 512) (i32.const 516)))
    (local.set $a (call $result))
    (call $check (call $connect (call $one (i32.const 7)) (i32.const 28) (i32.const 512) (i32.const 516)))
    (local.set $b (call $result))
    ;; Their stream handles exist and differ.
    (call $check (call $output (call $one (local.get $a)) (i32.const 28) (i32.const 512) (i32.const 516)))
    (local.set $n (call $result))
    (call $check (call $input (call $one (local.get $b)) (i32.const 28) (i32.const 512) (i32.const 516)))
    (if (i32.eq (call $result) (local.get $n)) (then unreachable))
    ;; "hello" through a, 5 bytes sent.
    (i32.store (i32.const 1124) (local.get $a))
    (call $check (call $write (i32.const 1100) (i32.const 66) (i32.const 512) (i32.const 516)))
    (if (i32.ne (call $result) (i32.const 5)) (then unreachable))
    ;; Read through b; keep a copy of the host's answer.
    (call $check (call $read (call $one (local.get $b)) (i32.const 28) (i32.const 512) (i32.const 516)))
    (local.set $n (i32.load (i32.const 516)))
    (local.set $p (call $alloc (local.get $n)))
    (memory.copy (local.get $p) (i32.load (i32.const 512)) (local.get $n))
    ;; Drop both.
    (call $check (call $drop (call $one (local.get $a)) (i32.const 28) (i32.const 512) (i32.const 516)))
    (call $check (call $drop (call $one (local.get $b)) (i32.const 28) (i32.const 512) (i32.const 516)))
    (i32.store (local.get $out_ptr) (local.get $p))
    (i32.store (local.get $out_len) (local.get $n))
    (i32.const 0)))
