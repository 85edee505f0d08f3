;; A wire-version-3 guest, as the reference 0.22+ guest crates build them.
;;
;; Imports (Graph ABI, docs/abi.md):
;;   tally.count(words: map<string, u32>) -> u32     a bare interface name
;; Exports:
;;   example:v3/tags.tags() -> set<string>
;;     calls count({"a": 1, "b": 2}), traps unless the host answered with a
;;     version-3 buffer holding 3, then returns the set {"x", "y"}.
(module
  (import "tally" "count" (func $count (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))

  ;; CGRF v3 of map<string, u32> {"a": 1, "b": 2}: the keys and values as
  ;; child nodes 0-3, then the map node (kind 0x16, descriptor 06 0e,
  ;; two entries (0, 1), (2, 3)).
  (data (i32.const 1024) "\43\47\52\46\03\00\00\00\05\00\00\00\04\00\00\00\06\00\00\00\05\00\00\00\01\00\00\00\61\0e\00\00\00\04\00\00\00\01\00\00\00\06\00\00\00\05\00\00\00\01\00\00\00\62\0e\00\00\00\04\00\00\00\02\00\00\00\16\00\00\00\16\00\00\00\06\0e\02\00\00\00\00\00\00\00\01\00\00\00\02\00\00\00\03\00\00\00")
  ;; CGRF v3 of set<string> {"x", "y"}: two strings, then the set node
  ;; (kind 0x17, descriptor 06, children 0 and 1).
  (data (i32.const 1200) "\43\47\52\46\03\00\00\00\03\00\00\00\02\00\00\00\06\00\00\00\05\00\00\00\01\00\00\00\78\06\00\00\00\05\00\00\00\01\00\00\00\79\17\00\00\00\0d\00\00\00\06\02\00\00\00\00\00\00\00\01\00\00\00")

  ;; A bump allocator; free is a no-op.
  (func $alloc (export "__pack_alloc") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))
    (local.get $p))
  (func (export "__pack_free") (param i32 i32))

  (func (export "example:v3/tags.tags") (param i32 i32) (param $out_ptr i32) (param $out_len i32) (result i32)
    (local $reply i32)
    (local $p i32)
    (if (i32.lt_s (call $count (i32.const 1024) (i32.const 96) (i32.const 512) (i32.const 516)) (i32.const 0))
      (then unreachable))
    (local.set $reply (i32.load (i32.const 512)))
    ;; The reply is the 28-byte v3 buffer of the u32 3: version byte 3,
    ;; the scalar's payload at offset 24.
    (if (i32.ne (i32.load (i32.const 516)) (i32.const 28)) (then unreachable))
    (if (i32.ne (i32.load8_u offset=4 (local.get $reply)) (i32.const 3)) (then unreachable))
    (if (i32.ne (i32.load offset=24 (local.get $reply)) (i32.const 3)) (then unreachable))
    ;; Return a copy of the set in memory the host frees with __pack_free.
    (local.set $p (call $alloc (i32.const 63)))
    (memory.copy (local.get $p) (i32.const 1200) (i32.const 63))
    (i32.store (local.get $out_ptr) (local.get $p))
    (i32.store (local.get $out_len) (i32.const 63))
    (i32.const 0)))
