//! The `packr` binary, run as a user runs it: exit codes, what goes to
//! stdout and stderr, and that what it reports matches the library.

use packr::intercept::CallKind;
use packr::record::{CallLog, CallRecord};
use packr::wit::Package;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn packr<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    packr_in(Path::new("."), args)
}

fn packr_in<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_packr"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the packr binary runs");
    Run {
        code: out.status.code().expect("packr exits, it is not killed"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A path in the repository.
fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
        .display()
        .to_string()
}

/// A fresh scratch file path for this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("packr-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn help_lists_every_command_and_every_command_has_help() {
    let top = packr(&["--help"]);
    assert_eq!(top.code, 0, "{}", top.stderr);
    for command in ["inspect", "check", "validate", "log"] {
        assert!(top.stdout.contains(command), "{}", top.stdout);
    }
    for args in [
        &["inspect", "--help"][..],
        &["check", "--help"],
        &["validate", "--help"],
        &["log", "--help"],
        &["log", "show", "--help"],
        &["log", "verify", "--help"],
    ] {
        let run = packr(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(
            run.stdout.contains("Usage: packr"),
            "{args:?}: {}",
            run.stdout
        );
    }
    assert!(
        packr(&["validate", "--help"])
            .stdout
            .contains("--world <FILE.wit+[:WORLD]>")
    );
}

#[test]
fn a_usage_error_is_one_line_on_stderr_and_exit_code_2() {
    for (args, says) in [
        (&[][..], "name a command: inspect, check, validate, log"),
        (&["frobnicate"], "unrecognized subcommand 'frobnicate'"),
        (&["inspect"], "<GUEST>"),
        (&["inspect", "--bogus", "x.wasm"], "'--bogus'"),
        (&["check"], "<FILE>"),
        (&["validate", "x.wasm"], "--world"),
        (&["log"], "name a command: show, verify"),
        (&["log", "show"], "<FILE>"),
    ] {
        let run = packr(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("--help`)"), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
}

#[test]
fn inspect_tells_graph_abi_functions_from_runtime_items_and_names_the_profile() {
    let run = packr(&["inspect", &repo("tests/guests/quickstart.wat")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = |start: &str| {
        run.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no `{start}` line in:\n{}", run.stdout))
            .to_string()
    };
    assert!(line("profile:").starts_with("profile: current "));
    assert!(line("example:host/log.log").contains("func (i32, i32, i32, i32) -> (i32)"));
    assert!(line("example:host/log.log").ends_with("Graph ABI"));
    assert!(line("example:guest/app.run").ends_with("Graph ABI"));
    assert!(line("__pack_alloc").ends_with("allocator"));
    assert!(line("memory").ends_with("linear memory"));
    assert_eq!(line("__pack_types:"), "__pack_types: none");
    assert!(run.stdout.contains("imports (2):") && run.stdout.contains("exports (6):"));

    let fixed = packr(&["inspect", &repo("tests/guests/fixed-base.wat")]);
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    assert!(
        fixed.stdout.contains("profile: fixed-base ("),
        "{}",
        fixed.stdout
    );
    assert!(fixed.stdout.contains("GuestProfile::FixedBase"));
}

#[test]
fn inspect_reads_binary_modules_as_it_reads_wat() {
    let wat = repo("tests/guests/quickstart.wat");
    let wasm = scratch("quickstart.wasm");
    std::fs::write(&wasm, wat::parse_file(&wat).unwrap()).unwrap();
    let from_text = packr(&["inspect", &wat]);
    let from_binary = packr(&[Path::new("inspect"), &wasm]);
    assert_eq!(from_binary.code, 0, "{}", from_binary.stderr);
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&from_binary.stdout), body(&from_text.stdout));
}

#[test]
fn inspect_json_carries_the_hashes_of_pack_types() {
    let run = packr(&["inspect", "--json", &repo("examples/actor-host/actor.wat")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["profile"]["name"], "current");
    let meta = &report["pack_types"];
    assert_eq!(meta["wire_version"], 2);
    let pkg = Package::load(repo("wit/theater.wit+")).unwrap();
    let exported = &meta["exports"][0];
    assert_eq!(exported["name"], "theater:simple/actor");
    assert_eq!(
        exported["hash"],
        hex(&pkg.interface_hash("theater:simple/actor").unwrap())
    );
    assert_eq!(meta["imports"].as_array().unwrap().len(), 3);
    let export = |name: &str| {
        report["exports"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("no export {name}"))
            .clone()
    };
    assert_eq!(export("theater:simple/actor.init")["graph_abi"], true);
    assert_eq!(export("__pack_types")["graph_abi"], false);
    assert_eq!(export("__pack_types")["role"], "metadata");
}

#[test]
fn inspect_refuses_what_is_not_a_guest_in_one_line() {
    let text = scratch("not-a-guest.wat");
    std::fs::write(&text, "(module (func (result i32)))").unwrap();
    let binary = scratch("truncated.wasm");
    std::fs::write(&binary, b"\0asm\x01\0\0\0\x01\x05").unwrap();
    for path in [text, binary, scratch("missing.wasm")] {
        let run = packr(&[Path::new("inspect"), &path]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn check_accepts_good_files_and_shows_errors_with_position_and_caret() {
    let good = packr(&["check", &repo("wit/theater.wit+"), &repo("wit/tree.wit+")]);
    assert_eq!(good.code, 0, "{}", good.stderr);
    assert!(
        good.stdout
            .contains("package theater:simple, 5 interfaces, worlds: actor")
    );
    assert!(good.stdout.contains("package test:tree"));

    let bad = scratch("bad.wit+");
    std::fs::write(
        &bad,
        "package a:b;\ninterface i {\n  f: func(x: strin);\n}\n",
    )
    .unwrap();
    let run = packr(&[Path::new("check"), Path::new(&repo("wit/tree.wit+")), &bad]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("package test:tree"),
        "the good file is still reported"
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines[0],
        format!("error: {}:3:14: unknown type `strin`", bad.display())
    );
    assert_eq!(lines[1], "    3 |   f: func(x: strin);");
    assert_eq!(lines[2], "      |              ^^^^^");
    assert_eq!(lines[3], "1 of 2 packages have errors");
}

#[test]
fn validate_accepts_a_fitting_guest_and_lists_every_problem_of_another() {
    let world = format!("{}:actor", repo("wit/theater.wit+"));
    let fits = packr(&[
        "validate",
        &repo("examples/actor-host/actor.wat"),
        "--world",
        &world,
    ]);
    assert_eq!(fits.code, 0, "{}", fits.stderr);
    assert!(fits.stdout.contains("fits world `actor`"));
    // Without a world name: the package's only world.
    let only = packr(&[
        "validate",
        &repo("examples/actor-host/actor.wat"),
        "--world",
        &repo("wit/theater.wit+"),
    ]);
    assert_eq!(only.code, 0, "{}", only.stderr);

    let run = packr(&[
        "validate",
        &repo("tests/guests/quickstart.wat"),
        "--world",
        &world,
    ]);
    assert_eq!(run.code, 1);
    let problems: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("  - "))
        .collect();
    assert_eq!(problems.len(), 4, "{}", run.stderr);
    assert!(problems[0].contains("imports `log` from `example:host/log`"));
    assert!(problems[3].contains("does not export `theater:simple/actor.handle`"));
    assert!(run.stderr.ends_with("4 problems\n"));

    let unknown = packr(&[
        "validate",
        &repo("examples/actor-host/actor.wat"),
        "--world",
        &format!("{}:nope", repo("wit/theater.wit+")),
    ]);
    assert_eq!(unknown.code, 1);
    assert!(
        unknown
            .stderr
            .contains("has no world `nope` (it has: `actor`)"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn validate_reports_a_guest_built_against_another_version_of_an_interface() {
    // The actor's __pack_types carries the hashes of wit/theater.wit+; a
    // timer whose `now` returns s64 is another interface.
    let theater = std::fs::read_to_string(repo("wit/theater.wit+")).unwrap();
    assert!(theater.contains("now: func() -> u64;"));
    let changed = scratch("theater-changed.wit+");
    std::fs::write(
        &changed,
        theater.replace("now: func() -> u64;", "now: func() -> s64;"),
    )
    .unwrap();
    let run = packr(&[
        Path::new("validate"),
        Path::new(&repo("examples/actor-host/actor.wat")),
        Path::new("--world"),
        &changed,
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("import `theater:simple/timer` built against another version of it"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.ends_with("1 problem\n"), "{}", run.stderr);
}

fn sample_log() -> CallLog {
    let hello = packr::abi::encode(&"hello".to_string()).unwrap();
    let unit = packr::abi::encode(&()).unwrap();
    let pair = packr::abi::encode(&(20i32, 22i32)).unwrap();
    let sum = packr::abi::encode(&42i32).unwrap();
    CallLog::from_records([
        CallRecord {
            kind: CallKind::HostCall,
            interface: "example:host/log",
            function: "log",
            input: &hello,
            output: &unit,
            completed: true,
        },
        CallRecord {
            kind: CallKind::HostCall,
            interface: "example:host/math",
            function: "add",
            input: &pair,
            output: &sum,
            completed: true,
        },
        CallRecord {
            kind: CallKind::GuestExport,
            interface: "",
            function: "run",
            input: b"not cgrf",
            output: &[],
            completed: false,
        },
    ])
}

#[test]
fn log_show_prints_the_header_and_every_call_with_its_values() {
    let log = sample_log();
    let path = scratch("show.log");
    log.save(&path).unwrap();
    let run = packr(&[Path::new("log"), Path::new("show"), &path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "call log {}: format version 2, 3 calls, head hash {}",
            path.display(),
            hex(&log.head_hash())
        )
    );
    let first = log.get(0).unwrap();
    assert_eq!(
        lines[1],
        format!(
            "#0 host call example:host/log.log: in {} B, out {} B",
            first.input.len(),
            first.output.len()
        )
    );
    assert_eq!(lines[2], "    in:  \"hello\"");
    assert_eq!(lines[3], "    out: ()");
    assert!(lines[4].starts_with("#1 host call example:host/math.add: "));
    assert_eq!(lines[5], "    in:  (20, 22)");
    assert_eq!(lines[6], "    out: 42");
    assert_eq!(lines[7], "#2 guest export run: in 8 B, did not complete");
    assert!(
        lines[8].starts_with("    in:  <not a CGRF value: "),
        "{}",
        lines[8]
    );
    assert_eq!(lines.len(), 9);
}

#[test]
fn log_show_cuts_long_values_unless_asked_for_all() {
    let big = packr::abi::encode(&"x".repeat(1000)).unwrap();
    let log = CallLog::from_records([CallRecord {
        kind: CallKind::GuestExport,
        interface: "a:b/c",
        function: "f",
        input: &big,
        output: &big,
        completed: true,
    }]);
    let path = scratch("long.log");
    log.save(&path).unwrap();
    let short = packr(&[Path::new("log"), Path::new("show"), &path]);
    let input = short.stdout.lines().nth(2).unwrap();
    assert!(input.ends_with("… (--full shows all)"), "{input}");
    assert_eq!(
        input.chars().count(),
        "    in:  ".len() + 200 + "… (--full shows all)".chars().count()
    );
    let full = packr(&[
        Path::new("log"),
        Path::new("show"),
        Path::new("--full"),
        &path,
    ]);
    assert_eq!(
        full.stdout.lines().nth(2).unwrap(),
        format!("    in:  \"{}\"", "x".repeat(1000))
    );
}

#[test]
fn log_verify_checks_the_hash_chain() {
    let log = sample_log();
    let path = scratch("verify.log");
    log.save(&path).unwrap();
    let ok = packr(&[Path::new("log"), Path::new("verify"), &path]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(
        ok.stdout,
        format!(
            "{}: ok: 3 calls, hash chain intact, head hash {}\n",
            path.display(),
            hex(&log.head_hash())
        )
    );

    let original = std::fs::read(&path).unwrap();
    let mut bytes = original.clone();
    let at = bytes.windows(5).position(|w| w == b"hello").unwrap();
    bytes[at] = b'j';
    let altered = scratch("altered.log");
    std::fs::write(&altered, &bytes).unwrap();
    let truncated = scratch("truncated.log");
    std::fs::write(&truncated, &original[..original.len() - 10]).unwrap();
    for (file, says) in [
        (&altered, "call log entry 0 was altered (hash mismatch)"),
        (&truncated, "call log truncated"),
    ] {
        for command in ["verify", "show"] {
            let run = packr(&[Path::new("log"), Path::new(command), file]);
            assert_eq!(run.code, 1, "{command}: {}", run.stdout);
            assert!(
                run.stdout.is_empty(),
                "{command} shows nothing of a damaged log"
            );
            assert_eq!(run.stderr.lines().count(), 1);
            assert!(run.stderr.contains(says), "{command}: {}", run.stderr);
        }
    }
}

#[test]
fn the_outputs_shown_in_the_guide_are_what_packr_prints() {
    let guide = std::fs::read_to_string(repo("docs/guests.md")).unwrap();
    let mut lines = guide.lines();
    let mut shown = 0;
    while let Some(line) = lines.next() {
        let Some(command) = line
            .strip_prefix("<!-- output: packr ")
            .and_then(|l| l.strip_suffix(" -->"))
        else {
            continue;
        };
        assert_eq!(lines.next(), Some("```text"), "{line}");
        let block: String = lines
            .by_ref()
            .take_while(|l| *l != "```")
            .map(|l| format!("{l}\n"))
            .collect();
        let args: Vec<&str> = command.split_whitespace().collect();
        let run = packr_in(Path::new(&repo("")), &args);
        assert_eq!(run.code, 0, "packr {command}: {}", run.stderr);
        assert_eq!(
            run.stdout, block,
            "docs/guests.md shows another output for `packr {command}`"
        );
        shown += 1;
    }
    assert_eq!(shown, 2);
}
