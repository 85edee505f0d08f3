;; The actor of examples/actor-host: world `actor` of wit/theater.wit+.
;;
;; It keeps a 24-byte state (messages handled: u64, sum of numbers: s64,
;; last clock reading: u64) and, for each message it is handed:
;;   text(s)    logs `s` through theater:simple/runtime.log; "stop" asks to stop
;;   bytes(b)   stores `b` through theater:simple/store.store
;;   number(n)  adds `n` to the sum
;;   batch(ms)  handles each of `ms` in order (the message type is recursive)
;; Every `handle` reads the clock (theater:simple/timer.now) first, and
;; answers `ok((state, reply { body: some(number(count)), stop }))`; a
;; stopping actor hands its state to theater:simple/runtime.shutdown.
;;
;; A small CGRF reader ($index, $payload, $skip-desc) and writer ($w-*)
;; are all the ABI it needs. Memory map:
;;      512, 516   the slots host functions write their result into
;;     1024..      constant strings
;;     4096..4120  the state
;;     8192..      node table of the export's input (1024 nodes max)
;;    16384..      node table of a host function's result
;;    32768..      the __pack_types blob (see the last data segment)
;;    65536..      the writer's buffer (64 KiB)
;;   131072..      the heap (__pack_alloc bumps; __pack_free is a no-op)
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32 i32 i32) (result i32)))
  (import "theater:simple/runtime" "self" (func $self (param i32 i32 i32 i32) (result i32)))
  (import "theater:simple/runtime" "shutdown" (func $shutdown (param i32 i32 i32 i32) (result i32)))
  (import "theater:simple/store" "store" (func $store (param i32 i32 i32 i32) (result i32)))
  (import "theater:simple/timer" "now" (func $now (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 3)
  (global $heap (mut i32) (i32.const 131072))
  (global $wpos (mut i32) (i32.const 0))
  (global $wnode (mut i32) (i32.const 0))
  (global $wcount (mut i32) (i32.const 0))
  (global $stop (mut i32) (i32.const 0))

  (data (i32.const 1024) "message")
  (data (i32.const 1032) "number")
  (data (i32.const 1040) "reply")
  (data (i32.const 1048) "body")
  (data (i32.const 1056) "stop")
  (data (i32.const 1064) "actor-blobs")
  (data (i32.const 1080) "started as ")
  (data (i32.const 1096) "resumed as ")
  (data (i32.const 1112) "state must be 24 bytes")
  (data (i32.const 1136) "too many nodes")

  ;; ---- allocator -------------------------------------------------------
  (func $alloc (export "__pack_alloc") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then (if (i32.lt_s (memory.grow (i32.add (i32.div_u (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536))) (i32.const 65536)) (i32.const 1))) (i32.const 0))
        (then unreachable))))
    (local.get $p))
  (func (export "__pack_free") (param i32 i32))

  ;; ---- CGRF reader -----------------------------------------------------
  ;; Fills `table` with (payload address, payload length) per node of the
  ;; buffer at `buf`; returns the root index, or -1 for too many nodes.
  (func $index (param $buf i32) (param $len i32) (param $table i32) (result i32)
    (local $n i32) (local $i i32) (local $p i32) (local $plen i32) (local $slot i32)
    (local.set $n (i32.load offset=8 (local.get $buf)))
    (if (i32.gt_u (local.get $n) (i32.const 1024)) (then (return (i32.const -1))))
    (local.set $p (i32.add (local.get $buf) (i32.const 16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $plen (i32.load offset=4 (local.get $p)))
        (local.set $slot (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 3))))
        (i32.store (local.get $slot) (i32.add (local.get $p) (i32.const 8)))
        (i32.store offset=4 (local.get $slot) (local.get $plen))
        (local.set $p (i32.add (local.get $p) (i32.add (i32.const 8) (local.get $plen))))
        (if (i32.gt_u (local.get $p) (i32.add (local.get $buf) (local.get $len))) (then unreachable))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.load offset=12 (local.get $buf)))

  (func $payload (param $table i32) (param $i i32) (result i32)
    (i32.load (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 3)))))

  (func $payload-len (param $table i32) (param $i i32) (result i32)
    (i32.load offset=4 (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 3)))))

  ;; Skips one type descriptor starting at `p`.
  (func $skip-desc (param $p i32) (result i32)
    (local $tag i32) (local $n i32)
    (local.set $tag (i32.load8_u (local.get $p)))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (if (i32.or (i32.eq (local.get $tag) (i32.const 0x07)) (i32.eq (local.get $tag) (i32.const 0x0A)))
      (then (return (call $skip-desc (local.get $p)))))
    (if (i32.eq (local.get $tag) (i32.const 0x14))
      (then (return (call $skip-desc (call $skip-desc (local.get $p))))))
    (if (i32.or (i32.eq (local.get $tag) (i32.const 0x08)) (i32.eq (local.get $tag) (i32.const 0x09)))
      (then (return (i32.add (i32.add (local.get $p) (i32.const 4)) (i32.load (local.get $p))))))
    (if (i32.eq (local.get $tag) (i32.const 0x0B))
      (then
        (local.set $n (i32.load (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (block $done
          (loop $next
            (br_if $done (i32.eqz (local.get $n)))
            (local.set $p (call $skip-desc (local.get $p)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $next)))))
    (local.get $p))

  ;; ---- CGRF writer (into 65536..131072) --------------------------------
  (func $w-start
    (global.set $wpos (i32.const 65552))
    (global.set $wcount (i32.const 0)))
  (func $w-need (param $n i32)
    (if (i32.gt_u (i32.add (global.get $wpos) (local.get $n)) (i32.const 131072)) (then unreachable)))
  (func $w-u8 (param $v i32)
    (call $w-need (i32.const 1))
    (i32.store8 (global.get $wpos) (local.get $v))
    (global.set $wpos (i32.add (global.get $wpos) (i32.const 1))))
  (func $w-u32 (param $v i32)
    (call $w-need (i32.const 4))
    (i32.store (global.get $wpos) (local.get $v))
    (global.set $wpos (i32.add (global.get $wpos) (i32.const 4))))
  (func $w-u64 (param $v i64)
    (call $w-need (i32.const 8))
    (i64.store (global.get $wpos) (local.get $v))
    (global.set $wpos (i32.add (global.get $wpos) (i32.const 8))))
  (func $w-bytes (param $p i32) (param $n i32)
    (call $w-need (local.get $n))
    (memory.copy (global.get $wpos) (local.get $p) (local.get $n))
    (global.set $wpos (i32.add (global.get $wpos) (local.get $n))))
  (func $w-str (param $p i32) (param $n i32)
    (call $w-u32 (local.get $n))
    (call $w-bytes (local.get $p) (local.get $n)))
  ;; Opens a node of `kind`; $w-end closes it and returns its index.
  (func $w-begin (param $kind i32)
    (global.set $wnode (global.get $wpos))
    (call $w-u32 (local.get $kind))
    (call $w-u32 (i32.const 0)))
  (func $w-end (result i32)
    (i32.store offset=4 (global.get $wnode)
      (i32.sub (global.get $wpos) (i32.add (global.get $wnode) (i32.const 8))))
    (global.get $wcount)
    (global.set $wcount (i32.add (global.get $wcount) (i32.const 1))))
  ;; Writes the header; returns the buffer's length (it starts at 65536).
  (func $w-finish (param $root i32) (result i32)
    (i32.store (i32.const 65536) (i32.const 0x46524743)) ;; "CGRF"
    (i32.store16 (i32.const 65540) (i32.const 2))
    (i32.store16 (i32.const 65542) (i32.const 0))
    (i32.store (i32.const 65544) (global.get $wcount))
    (i32.store (i32.const 65548) (local.get $root))
    (i32.sub (global.get $wpos) (i32.const 65536)))
  ;; The empty tuple: the argument of functions without parameters.
  (func $w-unit (result i32)
    (call $w-start)
    (call $w-begin (i32.const 0x0B))
    (call $w-u32 (i32.const 0))
    (call $w-finish (call $w-end)))
  ;; The state as a list<u8> node.
  (func $w-state (result i32)
    (call $w-begin (i32.const 0x15))
    (call $w-u8 (i32.const 0x0C))
    (call $w-u32 (i32.const 24))
    (call $w-bytes (i32.const 4096) (i32.const 24))
    (call $w-end))

  ;; ---- calling the host and answering ----------------------------------
  ;; A host function's status: negative means it failed, and so does the actor.
  (func $host (param $status i32)
    (if (i32.lt_s (local.get $status) (i32.const 0)) (then unreachable)))

  ;; Copies the writer's buffer into a fresh allocation as the output.
  (func $output (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (local $p i32)
    (local.set $p (call $alloc (local.get $len)))
    (memory.copy (local.get $p) (i32.const 65536) (local.get $len))
    (i32.store (local.get $op) (local.get $p))
    (i32.store (local.get $ol) (local.get $len))
    (i32.const 0))

  ;; Fails the export with a UTF-8 error message (status 1): for input it
  ;; cannot even read.
  (func $fail (param $msg i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (local $p i32)
    (local.set $p (call $alloc (local.get $len)))
    (memory.copy (local.get $p) (local.get $msg) (local.get $len))
    (i32.store (local.get $op) (local.get $p))
    (i32.store (local.get $ol) (local.get $len))
    (i32.const 1))

  ;; The ok types of the two exports' results, as type descriptors.
  (func $w-init-ok    ;; list<u8>
    (call $w-u8 (i32.const 0x07)) (call $w-u8 (i32.const 0x0C)))
  (func $w-handle-ok  ;; tuple<list<u8>, reply>
    (call $w-u8 (i32.const 0x0B)) (call $w-u32 (i32.const 2))
    (call $w-u8 (i32.const 0x07)) (call $w-u8 (i32.const 0x0C))
    (call $w-u8 (i32.const 0x09)) (call $w-str (i32.const 1040) (i32.const 5)))

  ;; Answers `err(msg)`: the export's WIT result says no.
  (func $reject (param $msg i32) (param $len i32) (param $handle i32) (param $op i32) (param $ol i32) (result i32)
    (call $w-start)
    (call $w-begin (i32.const 0x06))              ;; node 0: the message
    (call $w-str (local.get $msg) (local.get $len))
    (drop (call $w-end))
    (call $w-begin (i32.const 0x14))              ;; node 1: result
    (if (local.get $handle) (then (call $w-handle-ok)) (else (call $w-init-ok)))
    (call $w-u8 (i32.const 0x06))                 ;; err: string
    (call $w-u32 (i32.const 1))                   ;; tag err
    (call $w-u8 (i32.const 1))
    (call $w-u32 (i32.const 0))
    (call $output (call $w-finish (call $w-end)) (local.get $op) (local.get $ol)))

  ;; ---- the actor -------------------------------------------------------
  ;; init(state: option<list<u8>>) -> result<list<u8>, string>
  (func (export "theater:simple/actor.init") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (local $root i32) (local $p i32) (local $arr i32) (local $resumed i32) (local $id i32) (local $idlen i32)
    (local.set $root (call $index (local.get $in) (local.get $len) (i32.const 8192)))
    (if (i32.lt_s (local.get $root) (i32.const 0))
      (then (return (call $fail (i32.const 1136) (i32.const 14) (local.get $op) (local.get $ol)))))
    (memory.fill (i32.const 4096) (i32.const 0) (i32.const 24))
    ;; option: descriptor, present (u8), child
    (local.set $p (call $skip-desc (call $payload (i32.const 8192) (local.get $root))))
    (if (i32.load8_u (local.get $p))
      (then
        ;; list<u8>: element tag (u8), count (u32), bytes
        (local.set $arr (call $payload (i32.const 8192) (i32.load offset=1 (local.get $p))))
        (if (i32.ne (i32.load offset=1 (local.get $arr)) (i32.const 24))
          (then (return (call $reject (i32.const 1112) (i32.const 22) (i32.const 0) (local.get $op) (local.get $ol)))))
        (memory.copy (i32.const 4096) (i32.add (local.get $arr) (i32.const 5)) (i32.const 24))
        (local.set $resumed (i32.const 1))))

    ;; Who am I? runtime.self() -> string
    (call $host (call $self (i32.const 65536) (call $w-unit) (i32.const 512) (i32.const 516)))
    (local.set $id (call $payload (i32.const 16384)
      (call $index (i32.load (i32.const 512)) (i32.load (i32.const 516)) (i32.const 16384))))
    (local.set $idlen (i32.load (local.get $id)))

    ;; runtime.log("started as <id>") or "resumed as <id>"
    (call $w-start)
    (call $w-begin (i32.const 0x06))
    (call $w-u32 (i32.add (i32.const 11) (local.get $idlen)))
    (call $w-bytes (select (i32.const 1096) (i32.const 1080) (local.get $resumed)) (i32.const 11))
    (call $w-bytes (i32.add (local.get $id) (i32.const 4)) (local.get $idlen))
    (call $host (call $log (i32.const 65536) (call $w-finish (call $w-end)) (i32.const 512) (i32.const 516)))

    ;; ok(state)
    (call $w-start)
    (drop (call $w-state))                        ;; node 0
    (call $w-begin (i32.const 0x14))              ;; node 1: result
    (call $w-init-ok)
    (call $w-u8 (i32.const 0x06))                 ;; err: string
    (call $w-u32 (i32.const 0))                   ;; tag ok
    (call $w-u8 (i32.const 1))
    (call $w-u32 (i32.const 0))
    (call $output (call $w-finish (call $w-end)) (local.get $op) (local.get $ol)))

  ;; handle(state: list<u8>, msg: message) -> result<tuple<list<u8>, reply>, string>
  (func (export "theater:simple/actor.handle") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (local $root i32) (local $p i32) (local $arr i32)
    (local.set $root (call $index (local.get $in) (local.get $len) (i32.const 8192)))
    (if (i32.lt_s (local.get $root) (i32.const 0))
      (then (return (call $fail (i32.const 1136) (i32.const 14) (local.get $op) (local.get $ol)))))
    ;; tuple: count, state, msg
    (local.set $p (call $payload (i32.const 8192) (local.get $root)))
    (local.set $arr (call $payload (i32.const 8192) (i32.load offset=4 (local.get $p))))
    (if (i32.ne (i32.load offset=1 (local.get $arr)) (i32.const 24))
      (then (return (call $reject (i32.const 1112) (i32.const 22) (i32.const 1) (local.get $op) (local.get $ol)))))
    (memory.copy (i32.const 4096) (i32.add (local.get $arr) (i32.const 5)) (i32.const 24))

    ;; timer.now() -> u64
    (call $host (call $now (i32.const 65536) (call $w-unit) (i32.const 512) (i32.const 516)))
    (i64.store (i32.const 4112) (i64.load (call $payload (i32.const 16384)
      (call $index (i32.load (i32.const 512)) (i32.load (i32.const 516)) (i32.const 16384)))))

    (global.set $stop (i32.const 0))
    (call $handle-message (i32.load offset=8 (local.get $p)))

    (if (global.get $stop)
      (then
        ;; runtime.shutdown(some(state))
        (call $w-start)
        (drop (call $w-state))                    ;; node 0
        (call $w-begin (i32.const 0x0A))          ;; node 1: option<list<u8>>
        (call $w-u8 (i32.const 0x07)) (call $w-u8 (i32.const 0x0C))
        (call $w-u8 (i32.const 1))
        (call $w-u32 (i32.const 0))
        (call $host (call $shutdown (i32.const 65536) (call $w-finish (call $w-end)) (i32.const 512) (i32.const 516)))))

    ;; ok((state, reply { body: some(number(count)), stop }))
    (call $w-start)
    (drop (call $w-state))                        ;; node 0: list<u8>
    (call $w-begin (i32.const 0x03))              ;; node 1: s64
    (call $w-u64 (i64.load (i32.const 4096)))
    (drop (call $w-end))
    (call $w-begin (i32.const 0x08))              ;; node 2: message.number
    (call $w-str (i32.const 1024) (i32.const 7))
    (call $w-str (i32.const 1032) (i32.const 6))
    (call $w-u32 (i32.const 2))
    (call $w-u32 (i32.const 1))
    (call $w-u32 (i32.const 1))
    (drop (call $w-end))
    (call $w-begin (i32.const 0x0A))              ;; node 3: option<message>
    (call $w-u8 (i32.const 0x08))
    (call $w-str (i32.const 1024) (i32.const 7))
    (call $w-u8 (i32.const 1))
    (call $w-u32 (i32.const 2))
    (drop (call $w-end))
    (call $w-begin (i32.const 0x01))              ;; node 4: bool
    (call $w-u8 (global.get $stop))
    (drop (call $w-end))
    (call $w-begin (i32.const 0x09))              ;; node 5: reply
    (call $w-str (i32.const 1040) (i32.const 5))
    (call $w-u32 (i32.const 2))
    (call $w-str (i32.const 1048) (i32.const 4))
    (call $w-str (i32.const 1056) (i32.const 4))
    (call $w-u32 (i32.const 3))
    (call $w-u32 (i32.const 4))
    (drop (call $w-end))
    (call $w-begin (i32.const 0x0B))              ;; node 6: tuple
    (call $w-u32 (i32.const 2))
    (call $w-u32 (i32.const 0))
    (call $w-u32 (i32.const 5))
    (drop (call $w-end))
    (call $w-begin (i32.const 0x14))              ;; node 7: result
    (call $w-handle-ok)
    (call $w-u8 (i32.const 0x06))                 ;; err: string
    (call $w-u32 (i32.const 0))
    (call $w-u8 (i32.const 1))
    (call $w-u32 (i32.const 6))
    (call $output (call $w-finish (call $w-end)) (local.get $op) (local.get $ol)))

  ;; One message (node `i` of the input): a variant with its type name,
  ;; case name, tag, payload count and payload child.
  (func $handle-message (param $i i32)
    (local $p i32) (local $tag i32) (local $child i32) (local $n i32) (local $k i32)
    (i64.store (i32.const 4096) (i64.add (i64.load (i32.const 4096)) (i64.const 1)))
    (local.set $p (call $payload (i32.const 8192) (local.get $i)))
    (local.set $p (i32.add (i32.add (local.get $p) (i32.const 4)) (i32.load (local.get $p))))
    (local.set $p (i32.add (i32.add (local.get $p) (i32.const 4)) (i32.load (local.get $p))))
    (local.set $tag (i32.load (local.get $p)))
    (local.set $child (i32.load offset=8 (local.get $p)))
    (local.set $p (call $payload (i32.const 8192) (local.get $child)))

    ;; text(s): log it; "stop" asks to stop
    (if (i32.eqz (local.get $tag))
      (then
        (if (i32.and (i32.eq (i32.load (local.get $p)) (i32.const 4))
                     (i32.eq (i32.load offset=4 (local.get $p)) (i32.const 0x706f7473))) ;; "stop"
          (then (global.set $stop (i32.const 1))))
        (call $w-start)
        (call $w-begin (i32.const 0x06))
        (call $w-bytes (local.get $p) (call $payload-len (i32.const 8192) (local.get $child)))
        (call $host (call $log (i32.const 65536) (call $w-finish (call $w-end)) (i32.const 512) (i32.const 516)))
        (return)))

    ;; bytes(b): store("actor-blobs", b)
    (if (i32.eq (local.get $tag) (i32.const 1))
      (then
        (call $w-start)
        (call $w-begin (i32.const 0x06))          ;; node 0: the store id
        (call $w-str (i32.const 1064) (i32.const 11))
        (drop (call $w-end))
        (call $w-begin (i32.const 0x15))          ;; node 1: the bytes, as they came
        (call $w-bytes (local.get $p) (call $payload-len (i32.const 8192) (local.get $child)))
        (drop (call $w-end))
        (call $w-begin (i32.const 0x0B))          ;; node 2: the argument tuple
        (call $w-u32 (i32.const 2))
        (call $w-u32 (i32.const 0))
        (call $w-u32 (i32.const 1))
        (call $host (call $store (i32.const 65536) (call $w-finish (call $w-end)) (i32.const 512) (i32.const 516)))
        (return)))

    ;; number(n): add it to the sum
    (if (i32.eq (local.get $tag) (i32.const 2))
      (then
        (i64.store (i32.const 4104) (i64.add (i64.load (i32.const 4104)) (i64.load (local.get $p))))
        (return)))

    ;; batch(ms): element descriptor, count, children
    (local.set $p (call $skip-desc (local.get $p)))
    (local.set $n (i32.load (local.get $p)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (call $handle-message (i32.load offset=4 (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next))))

  ;; ---- __pack_types ----------------------------------------------------
  ;; The interface hashes this actor was written against, as
  ;; `packr::wit::PackTypes::for_world(theater.wit+, actor).encode()`
  ;; produces them (694 bytes; tests/actor.rs checks they still match).
  ;; `packr::engine::validate` compares them with the world it is given.
  (func (export "__pack_types") (param $op i32) (param $ol i32) (result i32)
    (i32.store (local.get $op) (i32.const 32768))
    (i32.store (local.get $ol) (i32.const 694))
    (i32.const 0))
  (data (i32.const 32768)
    "\43\47\52\46\02\00\00\00\0f\00\00\00\0e\00\00\00\06\00\00\00\1a\00\00\00\16\00\00\00\74\68\65\61"
    "\74\65\72\3a\73\69\6d\70\6c\65\2f\72\75\6e\74\69\6d\65\15\00\00\00\25\00\00\00\0c\20\00\00\00\1c"
    "\9f\2a\2c\c6\33\7f\99\fe\02\4b\f3\a0\05\51\32\36\c7\f0\d9\29\0e\d1\34\fd\1d\c1\76\8c\3e\09\2e\09"
    "\00\00\00\2e\00\00\00\0e\00\00\00\69\6e\74\65\72\66\61\63\65\2d\68\61\73\68\02\00\00\00\04\00\00"
    "\00\6e\61\6d\65\04\00\00\00\68\61\73\68\00\00\00\00\01\00\00\00\06\00\00\00\18\00\00\00\14\00\00"
    "\00\74\68\65\61\74\65\72\3a\73\69\6d\70\6c\65\2f\73\74\6f\72\65\15\00\00\00\25\00\00\00\0c\20\00"
    "\00\00\90\0a\38\f8\27\21\3b\e2\c7\fe\44\fb\67\93\ee\42\2e\3a\6c\38\6f\37\16\e1\94\89\1e\89\2b\18"
    "\8f\ef\09\00\00\00\2e\00\00\00\0e\00\00\00\69\6e\74\65\72\66\61\63\65\2d\68\61\73\68\02\00\00\00"
    "\04\00\00\00\6e\61\6d\65\04\00\00\00\68\61\73\68\03\00\00\00\04\00\00\00\06\00\00\00\18\00\00\00"
    "\14\00\00\00\74\68\65\61\74\65\72\3a\73\69\6d\70\6c\65\2f\74\69\6d\65\72\15\00\00\00\25\00\00\00"
    "\0c\20\00\00\00\07\cf\0c\8a\c3\ca\84\0f\e1\25\cc\33\fd\d8\44\c8\2c\87\e3\ef\0a\36\23\05\58\38\d9"
    "\4a\ec\58\58\a8\09\00\00\00\2e\00\00\00\0e\00\00\00\69\6e\74\65\72\66\61\63\65\2d\68\61\73\68\02"
    "\00\00\00\04\00\00\00\6e\61\6d\65\04\00\00\00\68\61\73\68\06\00\00\00\07\00\00\00\07\00\00\00\23"
    "\00\00\00\09\0e\00\00\00\69\6e\74\65\72\66\61\63\65\2d\68\61\73\68\03\00\00\00\02\00\00\00\05\00"
    "\00\00\08\00\00\00\06\00\00\00\18\00\00\00\14\00\00\00\74\68\65\61\74\65\72\3a\73\69\6d\70\6c\65"
    "\2f\61\63\74\6f\72\15\00\00\00\25\00\00\00\0c\20\00\00\00\3a\31\cd\af\36\65\81\96\28\ce\2d\36\d0"
    "\ec\8e\54\0d\5e\70\5d\d4\ea\27\bb\c0\fc\75\61\91\ca\47\09\09\00\00\00\2e\00\00\00\0e\00\00\00\69"
    "\6e\74\65\72\66\61\63\65\2d\68\61\73\68\02\00\00\00\04\00\00\00\6e\61\6d\65\04\00\00\00\68\61\73"
    "\68\0a\00\00\00\0b\00\00\00\07\00\00\00\1b\00\00\00\09\0e\00\00\00\69\6e\74\65\72\66\61\63\65\2d"
    "\68\61\73\68\01\00\00\00\0c\00\00\00\09\00\00\00\42\00\00\00\10\00\00\00\70\61\63\6b\61\67\65\2d"
    "\6d\65\74\61\64\61\74\61\02\00\00\00\0d\00\00\00\69\6d\70\6f\72\74\2d\68\61\73\68\65\73\0d\00\00"
    "\00\65\78\70\6f\72\74\2d\68\61\73\68\65\73\09\00\00\00\0d\00\00\00")
)
