//! Recorder overhead per host call: `before` + `after` for hostcall-add
//! sized payloads (48-byte input, 28-byte output).
//!
//! `cargo bench -p packr-runtime --no-default-features --bench record`.
//! Throughput is in elements = calls, so criterion's time per element is
//! ns/call. The budget is 40 ns per small host call.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind};
use packr_runtime::record::{Recorder, Replayer};
use std::hint::black_box;

const CALLS: usize = 10_000;

fn bench(c: &mut Criterion) {
    let add = CallInfo {
        kind: CallKind::HostCall,
        interface: "bench:host/math",
        function: "add",
    };
    let input = [0x5au8; 48];
    let output = [0xa5u8; 28];
    let record = |r: &mut Recorder| {
        for _ in 0..CALLS {
            let call = black_box(&add);
            r.before(call, black_box(&input)).unwrap();
            r.after(call, &input, black_box(&output)).unwrap();
        }
    };

    let mut g = c.benchmark_group("record-hostcall-add");
    g.throughput(Throughput::Elements(CALLS as u64));
    // A fresh recorder per batch of calls: arena and entry growth included.
    g.bench_function("recorder/fresh", |b| {
        b.iter(|| {
            let mut r = Recorder::new();
            record(&mut r);
            r
        })
    });
    // Steady state: a recorder cleared between iterations keeps its
    // buffers, so this is the cost of each call alone.
    let mut steady = Recorder::new();
    g.bench_function("recorder/steady", |b| {
        b.iter(|| {
            steady.clear();
            record(&mut steady);
        })
    });
    // Sealing: the deferred SHA-256 chain, per call.
    g.bench_function("recorder/seal", |b| {
        b.iter_batched(
            || {
                let mut r = Recorder::new();
                record(&mut r);
                r
            },
            |r| r.seal(),
            criterion::BatchSize::LargeInput,
        )
    });
    // Replaying the same calls (allocates the returned output per call).
    let log = {
        let mut r = Recorder::new();
        record(&mut r);
        r.seal()
    };
    g.bench_function("replayer", |b| {
        b.iter_batched(
            || Replayer::new(log.clone()),
            |mut r| {
                for _ in 0..CALLS {
                    let call = black_box(&add);
                    let out = r.before(call, black_box(&input)).unwrap();
                    black_box(out);
                    r.after(call, &input, &output).unwrap();
                }
                r
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
