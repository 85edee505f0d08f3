;; A guest that takes whatever it can get: memory, table elements, fuel,
;; time. Used by tests/untrusted.rs to check the limits of EngineConfig.
;;
;; Imports (Graph ABI): example:host/math.add(a: s32, b: s32) -> s32 (sync)
;; Exports (core):
;;   grow-all () -> i32     grows memory a page at a time until memory.grow
;;                          fails, touching every 4 KiB of each new page so
;;                          it becomes resident; returns memory.size
;;   grow-table () -> i32   grows the table 1000 elements at a time until
;;                          table.grow fails; returns table.size
;;   sum (i32, i32) -> i32  plain arithmetic: the instance still works
;;   spin ()                loops forever
;;   count (n) -> n         loops n times
;;   call-forever ()        calls the host's add in a loop, forever
;; Exports (Graph ABI): garbage: returns 16 bytes that claim 2^32-1 nodes
(module
  (import "example:host/math" "add" (func $add (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table $t 0 funcref)
  (global $heap (mut i32) (i32.const 4096))
  ;; CGRF of (20, 22), the input of add
  (data (i32.const 1024) "\43\47\52\46\02\00\00\00\03\00\00\00\02\00\00\00\02\00\00\00\04\00\00\00\14\00\00\00\02\00\00\00\04\00\00\00\16\00\00\00\0b\00\00\00\0c\00\00\00\02\00\00\00\00\00\00\00\01\00\00\00")
  ;; A CGRF header (magic, version 2) declaring 0xffffffff nodes, and nothing after it
  (data (i32.const 2048) "\43\47\52\46\02\00\00\00\ff\ff\ff\ff\00\00\00\00")

  ;; A bump allocator inside the first page; free is a no-op.
  (func (export "__pack_alloc") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))
    (local.get $p))
  (func (export "__pack_free") (param i32 i32))

  (func (export "grow-all") (result i32)
    (local $page i32)
    (local $at i32)
    (block $done
      (loop $more
        (local.set $page (memory.grow (i32.const 1)))
        (br_if $done (i32.eq (local.get $page) (i32.const -1)))
        ;; touch every 4 KiB of the new page
        (local.set $at (i32.mul (local.get $page) (i32.const 65536)))
        (loop $touch
          (i32.store8 (local.get $at) (i32.const 1))
          (local.set $at (i32.add (local.get $at) (i32.const 4096)))
          (br_if $touch (i32.rem_u (local.get $at) (i32.const 65536))))
        (br $more)))
    (memory.size))

  (func (export "grow-table") (result i32)
    (block $done
      (loop $more
        (br_if $done (i32.eq (table.grow $t (ref.null func) (i32.const 1000)) (i32.const -1)))
        (br $more)))
    (table.size $t))

  (func (export "sum") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))

  (func (export "spin")
    (loop $forever (br $forever)))

  (func (export "count") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $more
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $more)))
    (local.get $i))

  (func (export "call-forever")
    (loop $forever
      (drop (call $add (i32.const 1024) (i32.const 60) (i32.const 512) (i32.const 516)))
      (br $forever)))

  (func (export "garbage") (param i32 i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (i32.store (local.get $out_ptr) (i32.const 2048))
    (i32.store (local.get $out_len) (i32.const 16))
    (i32.const 0)))
