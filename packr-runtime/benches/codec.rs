//! Codec benchmarks: the codec-tree workload (below) on the
//! typed and dynamic paths, and `list<u8>` 64 KiB.
//!
//! `cargo bench -p packr-runtime --bench codec`. Throughput is reported in
//! elements = tree nodes (N), so criterion's time per element is ns/node.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use packr_derive::GraphValue;
use packr_runtime::abi;
use std::hint::black_box;

/// BENCH.md's `variant sexpr { sym(string), num(s64), lst(list<sexpr>) }`.
#[derive(GraphValue, Debug, PartialEq)]
#[graph(crate = "packr_runtime", rename = "sexpr", rename_all = "lowercase")]
enum Sexpr {
    Sym(String),
    Num(i64),
    Lst(Vec<Sexpr>),
}

fn build(depth: u32, budget: &mut i64) -> Sexpr {
    *budget = (*budget - 1).max(0);
    if *budget == 0 || depth > 12 {
        return Sexpr::Num(*budget);
    }
    if *budget % 3 == 0 {
        return Sexpr::Sym(format!("s{budget}"));
    }
    let mut children = Vec::new();
    for _ in 0..4 {
        if *budget > 0 {
            children.push(build(depth + 1, budget));
        }
    }
    Sexpr::Lst(children)
}

/// The codec-tree value for a budget of `n` nodes.
fn tree(n: i64) -> Sexpr {
    let mut budget = n;
    let mut root = Vec::new();
    while budget > 0 {
        root.push(build(0, &mut budget));
    }
    Sexpr::Lst(root)
}

/// Times `f` alone: each output is dropped outside the timed region, right
/// after it is produced, so the allocator stays warm as in a host that
/// decodes, uses and drops one value at a time (criterion's
/// `iter_with_large_drop` would keep every output alive and measure page
/// faults instead).
fn time_excluding_drop<R>(b: &mut criterion::Bencher<'_>, mut f: impl FnMut() -> R) {
    b.iter_custom(|iters| {
        let mut total = std::time::Duration::ZERO;
        for _ in 0..iters {
            let start = std::time::Instant::now();
            let out = black_box(f());
            total += start.elapsed();
            drop(out);
        }
        total
    })
}

fn codec_tree(c: &mut Criterion) {
    for n in [10_000u64, 100_000] {
        let typed = tree(n as i64);
        let bytes = abi::encode(&typed).unwrap();
        let dynamic = abi::decode(&bytes).unwrap();
        assert_eq!(abi::encode(&dynamic).unwrap(), bytes);

        let mut g = c.benchmark_group(format!("codec-tree/{n}"));
        g.throughput(Throughput::Elements(n));
        g.sample_size(20);
        g.bench_function("typed/encode", |b| {
            time_excluding_drop(b, || abi::encode(black_box(&typed)).unwrap())
        });
        g.bench_function("typed/decode", |b| {
            time_excluding_drop(b, || abi::decode_as::<Sexpr>(black_box(&bytes)).unwrap())
        });
        g.bench_function("value/encode", |b| {
            time_excluding_drop(b, || abi::encode(black_box(&dynamic)).unwrap())
        });
        g.bench_function("value/decode", |b| {
            time_excluding_drop(b, || abi::decode(black_box(&bytes)).unwrap())
        });
        g.finish();
    }
}

fn bytes_64k(c: &mut Criterion) {
    let data: Vec<u8> = (0..64 * 1024u32).map(|i| i as u8).collect();
    let bytes = abi::encode(&data).unwrap();
    let mut g = c.benchmark_group("list-u8/64KiB");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("encode", |b| {
        b.iter_batched(
            || Vec::with_capacity(bytes.len()),
            |buf| abi::encode_into(black_box(&data), buf).unwrap(),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("decode", |b| {
        time_excluding_drop(b, || abi::decode_as::<Vec<u8>>(black_box(&bytes)).unwrap())
    });
    g.bench_function("value/decode", |b| {
        time_excluding_drop(b, || abi::decode(black_box(&bytes)).unwrap())
    });
    g.finish();
}

/// The codec's share of a hostcall-add call: decode the `(20, 22)`
/// argument tuple, encode the s32 result into a reused buffer.
fn hostcall_codec(c: &mut Criterion) {
    let args = abi::encode(&(20i32, 22i32)).unwrap();
    let mut g = c.benchmark_group("hostcall-codec");
    g.bench_function("decode (s32, s32)", |b| {
        b.iter(|| abi::decode_as::<(i32, i32)>(black_box(&args)).unwrap())
    });
    let mut out = Vec::new();
    g.bench_function("encode s32", |b| {
        b.iter(|| {
            let buf = std::mem::take(&mut out);
            out = abi::encode_into(black_box(&42i32), buf).unwrap();
        })
    });
    g.finish();
}

criterion_group!(benches, codec_tree, bytes_64k, hostcall_codec);
criterion_main!(benches);
