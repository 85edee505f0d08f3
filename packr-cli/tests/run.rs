//! `packr run` as a user runs it: the binary, the kv example bundle built
//! and packed into a bundle directory, the kv guest, on both engines.

#[path = "../../tests/common/bundle_dirs.rs"]
mod bundle_dirs;

use bundle_dirs::BundleDir;
use std::path::Path;
use std::process::{Command, Output};

const GUEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/guests/kv.wat");
const WORLD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/guests/kv.wit+");
const ENGINES: [&str; 2] = ["wasmtime", "wasmi"];

fn packr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_packr"))
        .args(args)
        .output()
        .expect("the packr binary runs")
}

fn run(bundle: &Path, engine: &str, call: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        GUEST,
        "--bundle",
        bundle.to_str().unwrap(),
        "--engine",
        engine,
        "--call",
        call,
    ];
    args.extend_from_slice(extra);
    packr(&args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn an_export_is_called_with_value_text_and_its_result_printed() {
    let dir = BundleDir::kv().make("cli-run");
    for engine in ENGINES {
        let o = run(&dir, engine, "example:kv/app.get", &["--arg", "\"lang\""]);
        assert_eq!(
            (o.status.code(), stdout(&o).as_str()),
            (Some(0), "none"),
            "{}",
            stderr(&o)
        );
        let o = run(
            &dir,
            engine,
            "example:kv/app.set",
            &["--arg", "\"lang\"", "--arg", "\"rust\""],
        );
        assert_eq!(
            (o.status.code(), stdout(&o).as_str()),
            (Some(0), "()"),
            "{}",
            stderr(&o)
        );
        // Typed by the world: `count` takes nothing and returns a u32.
        let o = run(&dir, engine, "example:kv/app.count", &["--wit", WORLD]);
        assert_eq!(
            (o.status.code(), stdout(&o).as_str()),
            (Some(0), "0"),
            "{}",
            stderr(&o)
        );
        let o = run(
            &dir,
            engine,
            "example:kv/app.remove",
            &["--wit", WORLD, "--arg", "\"x\""],
        );
        assert_eq!(
            (o.status.code(), stdout(&o).as_str()),
            (Some(0), "false"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn unserved_imports_are_listed_before_anything_runs() {
    for engine in ENGINES {
        let o = packr(&[
            "run",
            GUEST,
            "--engine",
            engine,
            "--call",
            "example:kv/app.count",
        ]);
        assert_eq!(o.status.code(), Some(1));
        let err = stderr(&o);
        assert!(
            err.contains("no bundle serves 4 import(s) of the guest; nothing was run"),
            "{err}"
        );
        for f in ["get", "set", "remove", "count"] {
            assert!(err.contains(&format!("packr:kv/store.{f}")), "{err}");
        }
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn bundle_and_guest_errors_exit_with_1() {
    let tampered = BundleDir {
        tamper: true,
        ..BundleDir::kv()
    }
    .make("cli-tampered");
    let o = run(&tampered, "wasmi", "example:kv/app.count", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("but the manifest says"),
        "{}",
        stderr(&o)
    );

    let dir = BundleDir::kv().make("cli-errors");
    let o = run(
        &dir,
        "wasmi",
        "example:kv/app.count",
        &["--trust", &"00".repeat(32)],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("not on the trust list"),
        "{}",
        stderr(&o)
    );

    for engine in ENGINES {
        let long = format!("\"{}\"", "k".repeat(300));
        let o = run(
            &dir,
            engine,
            "example:kv/app.set",
            &["--arg", &long, "--arg", "\"v\""],
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("bundle `kv` function `set` panicked"),
            "{}",
            stderr(&o)
        );
        // Untyped text of the wrong type reaches the bundle, which refuses it.
        let o = run(&dir, engine, "example:kv/app.get", &["--arg", "5"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("expected string, found s32"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = BundleDir::kv().make("cli-usage");
    let cases: [(&str, &[&str], &str); 4] = [
        (
            "example:kv/app.get",
            &["--arg", "\"unterminated"],
            "unterminated string",
        ),
        (
            "example:kv/app.get",
            &["--wit", WORLD, "--arg", "5"],
            "expected a string",
        ),
        (
            "example:kv/app.get",
            &["--wit", WORLD],
            "takes 1 argument(s)",
        ),
        (
            "example:kv/app.nope",
            &[],
            "the guest exports no `example:kv/app.nope`",
        ),
    ];
    for (call, extra, message) in cases {
        let o = run(&dir, "wasmi", call, extra);
        assert_eq!(o.status.code(), Some(2), "{call} {extra:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(message),
            "{call} {extra:?}: {}",
            stderr(&o)
        );
    }
    let o = packr(&[
        "run",
        GUEST,
        "--engine",
        "v8",
        "--call",
        "example:kv/app.count",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown engine `v8`"), "{}", stderr(&o));
    let o = packr(&["run", GUEST]);
    assert_eq!(o.status.code(), Some(2), "no --call");
}

#[test]
fn a_recorded_run_writes_a_log_of_every_call() {
    let dir = BundleDir::kv().make("cli-record");
    for engine in ENGINES {
        let log = dir.join(format!("{engine}.log"));
        let o = run(
            &dir,
            engine,
            "example:kv/app.set",
            &[
                "--arg",
                "\"a\"",
                "--arg",
                "\"1\"",
                "--record",
                log.to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        // The export call and the bundle call it made, in the order they started.
        let log = packr::record::CallLog::load(&log).unwrap();
        let calls: Vec<String> = log
            .entries()
            .map(|r| format!("{}.{} {}", r.interface, r.function, r.completed))
            .collect();
        assert_eq!(
            calls,
            ["example:kv/app.set true", "packr:kv/store.set true"]
        );
    }
}
