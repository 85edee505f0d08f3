;; An actor-shaped entry: it logs through the host and doubles through a
;; member.
;;
;; Imports: theater:simple/runtime.log(msg: string)     served by the host
;;          test:compose/math.double(n: s32) -> s32     served by a member
;; Exports: theater:simple/actor.handle(n: s32) -> s32  logs "doubling",
;;          then returns double(n)
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32 i32 i32) (result i32)))
  (import "test:compose/math" "double" (func $double (param i32 i32 i32 i32) (result i32)))

  ;; CGRF of the string "doubling"
  (data (i32.const 1300) "\43\47\52\46\02\00\00\00\01\00\00\00\00\00\00\00\06\00\00\00\0c\00\00\00\08\00\00\00\64\6f\75\62\6c\69\6e\67")
  (func (export "theater:simple/actor.handle") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (if (i32.lt_s (call $log (i32.const 1300) (i32.const 36) (i32.const 512) (i32.const 516)) (i32.const 0))
      (then unreachable))
    (if (i32.lt_s (call $double (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (i32.const 0))
      (then unreachable))
    (call $return_copy (i32.load (i32.const 512)) (i32.load (i32.const 516)) (local.get $op) (local.get $ol))
    (i32.const 0))
  (memory (export "memory") 1)

  ;; ---- results --------------------------------------------------------
  ;; CGRF of one s32 (the value sits 24 bytes in).
  (data (i32.const 1024) "\43\47\52\46\02\00\00\00\01\00\00\00\00\00\00\00\02\00\00\00\04\00\00\00\00\00\00\00")
  (data (i32.const 1100) "input is not an s32")

  ;; Copies (ptr, len) into a fresh block and makes it the export's output.
  (func $return_copy (param $ptr i32) (param $len i32) (param $op i32) (param $ol i32)
    (local $p i32)
    (local.set $p (call $alloc (local.get $len)))
    (memory.copy (local.get $p) (local.get $ptr) (local.get $len))
    (i32.store (local.get $op) (local.get $p))
    (i32.store (local.get $ol) (local.get $len)))

  ;; Status 0 with the s32 `v` as output.
  (func $return_s32 (param $v i32) (param $op i32) (param $ol i32) (result i32)
    (i32.store (i32.const 1048) (local.get $v))
    (call $return_copy (i32.const 1024) (i32.const 28) (local.get $op) (local.get $ol))
    (i32.const 0))

  ;; Status 1 with a UTF-8 message as output.
  (func $return_error (param $msg i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (call $return_copy (local.get $msg) (local.get $len) (local.get $op) (local.get $ol))
    (i32.const 1))

  ;; The s32 argument of a one-s32 input (status 1 from the caller when the
  ;; input is too short to hold one).
  (func $short (param $len i32) (result i32)
    (i32.lt_u (local.get $len) (i32.const 28)))

  ;; ---- allocator ------------------------------------------------------
  ;; First fit over a free list. Each block starts with an 8-byte header
  ;; (its size, then the next free block); `__pack_free` puts a block back
  ;; on the list and `__pack_alloc` reuses the first one large enough, so a
  ;; member called forever keeps its size.
  (global $heap (mut i32) (i32.const 8192))
  (global $free_list (mut i32) (i32.const 0))
  (func $alloc (export "__pack_alloc") (param $size i32) (result i32)
    (local $b i32) (local $prev i32) (local $need i32)
    (local.set $need (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8)))
    (local.set $b (global.get $free_list))
    (block $none (loop $scan
      (br_if $none (i32.eqz (local.get $b)))
      (if (i32.ge_u (i32.load (local.get $b)) (local.get $need))
        (then
          (if (local.get $prev)
            (then (i32.store offset=4 (local.get $prev) (i32.load offset=4 (local.get $b))))
            (else (global.set $free_list (i32.load offset=4 (local.get $b)))))
          (return (i32.add (local.get $b) (i32.const 8)))))
      (local.set $prev (local.get $b))
      (local.set $b (i32.load offset=4 (local.get $b)))
      (br $scan)))
    (local.set $b (global.get $heap))
    (global.set $heap (i32.add (local.get $b) (i32.add (local.get $need) (i32.const 8))))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then (if (i32.lt_s (memory.grow (i32.add (i32.div_u (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536))) (i32.const 65536)) (i32.const 1))) (i32.const 0))
        (then unreachable))))
    (i32.store (local.get $b) (local.get $need))
    (i32.add (local.get $b) (i32.const 8)))
  (func (export "__pack_free") (param $p i32) (param $len i32)
    (local $b i32)
    (if (i32.lt_u (local.get $p) (i32.const 8200)) (then return))
    (local.set $b (i32.sub (local.get $p) (i32.const 8)))
    (i32.store offset=4 (local.get $b) (global.get $free_list))
    (global.set $free_list (local.get $b)))
)
