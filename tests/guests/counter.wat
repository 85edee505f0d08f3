;; The guest of docs/guests.md, world `counter` of wit/counter.wit+: one
;; import, one export, every byte of the Graph ABI written by hand
;; (docs/abi.md §3).
;;
;; Imports: example:counter/host.log(msg: string)
;; Exports: example:counter/counter.next(n: u32) -> u32
;;            logs "counting" through the host, returns n + 1;
;;            anything but a u32 is status 1 with the message "expected a u32"
(module
  (import "example:counter/host" "log" (func $log (param i32 i32 i32 i32) (result i32)))

  ;; The memory every pointer refers to, exported for the host.
  (memory (export "memory") 1)

  ;; Static data, written at build time with packr::abi::encode:
  ;; CGRF of the string "counting" (36 bytes)
  (data (i32.const 1024) "\43\47\52\46\02\00\00\00\01\00\00\00\00\00\00\00\06\00\00\00\0c\00\00\00\08\00\00\00\63\6f\75\6e\74\69\6e\67")
  ;; CGRF of the u32 0 (28 bytes); the value is the last 4 bytes
  (data (i32.const 1100) "\43\47\52\46\02\00\00\00\01\00\00\00\00\00\00\00\0e\00\00\00\04\00\00\00\00\00\00\00")
  ;; An export's error message is UTF-8, not CGRF (14 bytes)
  (data (i32.const 1200) "expected a u32")

  ;; The allocator the host uses for export inputs and large results: a
  ;; bump allocator from 4096 that grows memory as needed.
  (global $heap (mut i32) (i32.const 4096))
  (func $alloc (export "__pack_alloc") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap
      (i32.add (local.get $p) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.lt_s
              (memory.grow (i32.add (i32.div_u (i32.sub (global.get $heap)
                                                        (i32.mul (memory.size) (i32.const 65536)))
                                               (i32.const 65536))
                                    (i32.const 1)))
              (i32.const 0))
          (then unreachable))))
    (local.get $p))
  ;; Freeing is a no-op for a bump allocator.
  (func (export "__pack_free") (param $ptr i32) (param $len i32))

  ;; next: func(n: u32) -> u32
  (func (export "example:counter/counter.next")
        (param $in i32) (param $in_len i32) (param $out_ptr i32) (param $out_len i32)
        (result i32)
    (local $p i32)
    ;; 1. Call the host: log("counting"). The host writes its result's
    ;;    pointer and length into the slots at 512 and 516; a negative
    ;;    status means the host refused the call.
    (if (i32.lt_s (call $log (i32.const 1024) (i32.const 36) (i32.const 512) (i32.const 516))
                  (i32.const 0))
      (then unreachable))
    ;; log returns `()`: nothing to read. (Status 1 would mean the host
    ;; allocated the result with __pack_alloc and the guest owns it.)

    ;; 2. Check the input is the u32 this guest reads at fixed offsets: the
    ;;    canonical one-node buffer, 28 bytes, node kind 0e (u32). Anything
    ;;    else is answered with status 1 and a UTF-8 message.
    (if (i32.or (i32.ne (local.get $in_len) (i32.const 28))
                (i32.ne (i32.load8_u offset=16 (local.get $in)) (i32.const 0x0e)))
      (then
        (i32.store (local.get $out_ptr) (i32.const 1200))
        (i32.store (local.get $out_len) (i32.const 14))
        (return (i32.const 1))))

    ;; 3. The result: a fresh copy of the u32 template holding n + 1, in
    ;;    memory from __pack_alloc (the host frees it with __pack_free).
    (local.set $p (call $alloc (i32.const 28)))
    (memory.copy (local.get $p) (i32.const 1100) (i32.const 28))
    (i32.store offset=24 (local.get $p)
      (i32.add (i32.load offset=24 (local.get $in)) (i32.const 1)))
    (i32.store (local.get $out_ptr) (local.get $p))
    (i32.store (local.get $out_len) (i32.const 28))
    (i32.const 0)))
