;; The primes below n (a sieve, the same computation as `catalog::count_primes_below`), as a
;; tiny WebAssembly module that the main thread and every Web Worker lane instantiate from the
;; same bytes (`sieve.wasm`, built with `wasm-opt sieve.wat -O2 -o sieve.wasm`), so a cpu-bound
;; piece runs the same machine code at the same speed wherever it runs. Returns -1 if memory
;; cannot grow to n bytes.
(module
  (memory 1)
  (func (export "count_primes_below") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32) (local $need i32)
    (if (i32.lt_u (local.get $n) (i32.const 3)) (then (return (i32.const 0))))
    (local.set $need
      (i32.sub (i32.shr_u (i32.add (local.get $n) (i32.const 65535)) (i32.const 16))
               (memory.size)))
    (if (i32.gt_s (local.get $need) (i32.const 0))
      (then (if (i32.eq (memory.grow (local.get $need)) (i32.const -1))
        (then (return (i32.const -1))))))
    (block $cleared (loop $clear
      (br_if $cleared (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 (local.get $i) (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $clear)))
    (local.set $i (i32.const 2))
    (block $end (loop $outer
      (br_if $end (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.eqz (i32.load8_u (local.get $i)))
        (then
          (local.set $count (i32.add (local.get $count) (i32.const 1)))
          (if (i32.le_u (local.get $i) (i32.const 46340))
            (then
              (local.set $j (i32.mul (local.get $i) (local.get $i)))
              (block $crossed (loop $cross
                (br_if $crossed (i32.ge_u (local.get $j) (local.get $n)))
                (i32.store8 (local.get $j) (i32.const 1))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $cross)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $outer)))
    (local.get $count)))
