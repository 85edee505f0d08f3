//! Recorder and Replayer driven directly, as the runtime drives them:
//! `before` and `after` around every call.

use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind, Intercept, InterceptError};
use packr_runtime::record::{CallLog, DivergenceKind, Recorder, ReplayDivergence, Replayer};

const INIT: CallInfo<'static> = CallInfo {
    kind: CallKind::GuestExport,
    interface: "theater:simple/actor",
    function: "init",
};
const NOW: CallInfo<'static> = CallInfo {
    kind: CallKind::HostCall,
    interface: "theater:simple/timer",
    function: "now",
};
const LOG: CallInfo<'static> = CallInfo {
    kind: CallKind::HostCall,
    interface: "theater:simple/runtime",
    function: "log",
};
const ADD: CallInfo<'static> = CallInfo {
    kind: CallKind::HostCall,
    interface: "bench:host/math",
    function: "add",
};

/// A host whose answers change over time, as real hosts do.
struct Host {
    clock: u64,
}

impl Host {
    fn call(&mut self, call: &CallInfo<'_>, input: &[u8]) -> Vec<u8> {
        self.clock += 7;
        match call.function {
            "now" => self.clock.to_le_bytes().to_vec(),
            "add" => vec![input.iter().fold(0u8, |a, b| a.wrapping_add(*b))],
            _ => Vec::new(),
        }
    }
}

/// What the runtime does for a host call: `before`, the host function
/// unless the interceptor answered, `after`.
fn host_call(
    i: &mut dyn CallInterceptor,
    host: &mut Host,
    call: &CallInfo<'_>,
    input: &[u8],
) -> Result<Vec<u8>, InterceptError> {
    let output = match i.before(call, input)? {
        Intercept::Return(bytes) => bytes,
        Intercept::Proceed => host.call(call, input),
    };
    i.after(call, input, &output)?;
    Ok(output)
}

/// A deterministic "guest": its init export asks the time three times,
/// logs, adds, and returns a digest of what it saw.
fn init(
    i: &mut dyn CallInterceptor,
    host: &mut Host,
    state: &[u8],
) -> Result<Vec<u8>, InterceptError> {
    i.before(&INIT, state)?;
    let mut seen = state.to_vec();
    for k in 0..3u8 {
        let t = host_call(i, host, &NOW, &[])?;
        host_call(i, host, &LOG, &[b'm', k])?;
        let sum = host_call(i, host, &ADD, &[t[0], k, 48])?;
        seen.extend_from_slice(&t);
        seen.extend_from_slice(&sum);
    }
    i.after(&INIT, state, &seen)?;
    Ok(seen)
}

fn record(host: &mut Host) -> (CallLog, Vec<Vec<u8>>) {
    let mut r = Recorder::new();
    let outs = vec![
        init(&mut r, host, b"a").unwrap(),
        init(&mut r, host, b"b").unwrap(),
    ];
    (r.seal(), outs)
}

fn divergence(err: &InterceptError) -> &ReplayDivergence {
    err.inner()
        .downcast_ref::<ReplayDivergence>()
        .unwrap_or_else(|| panic!("not a divergence: {err}"))
}

#[test]
fn a_recorded_session_saved_and_loaded_replays_identically_in_order() {
    let (log, outs) = record(&mut Host { clock: 0 });
    assert_eq!(log.len(), 2 * 10);
    let kinds: Vec<_> = log.entries().take(4).map(|c| c.call_info()).collect();
    assert_eq!(kinds, [INIT, NOW, LOG, ADD]);

    let path = std::env::temp_dir().join(format!("packr-replay-{}.log", std::process::id()));
    log.save(&path).unwrap();
    let loaded = CallLog::load(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(loaded.head_hash(), log.head_hash());

    // A host that would answer differently: replay must not consult it.
    let mut other = Host { clock: 1_000 };
    let mut replay = Replayer::new(loaded);
    assert_eq!(replay.remaining(), 20);
    let mut answers = Vec::new();
    replay.before(&INIT, b"a").unwrap();
    for (n, call) in [NOW, LOG, ADD].iter().cycle().take(9).enumerate() {
        let input = log.get(1 + n).unwrap().input.to_vec();
        match replay.before(call, &input).unwrap() {
            Intercept::Return(bytes) => answers.push(bytes),
            Intercept::Proceed => panic!("a host call was not answered from the log"),
        }
        replay.after(call, &input, answers.last().unwrap()).unwrap();
    }
    replay.after(&INIT, b"a", &outs[0]).unwrap();
    let recorded: Vec<Vec<u8>> = log
        .entries()
        .skip(1)
        .take(9)
        .map(|c| c.output.to_vec())
        .collect();
    assert_eq!(answers, recorded, "the recorded outputs, in order");
    assert_eq!((replay.position(), replay.remaining()), (10, 10));
    assert!(!replay.is_finished());

    assert_eq!(init(&mut replay, &mut other, b"b").unwrap(), outs[1]);
    assert_eq!(other.clock, 1_000, "the host functions never ran");
    assert!(replay.is_finished());
    assert_eq!(replay.remaining(), 0);
}

#[test]
fn a_different_function_is_a_divergence_naming_both_sides() {
    let (log, _) = record(&mut Host { clock: 0 });
    let mut replay = Replayer::new(log);
    replay.before(&INIT, b"a").unwrap();
    let err = replay.before(&LOG, &[b'm', 0]).unwrap_err();
    let d = divergence(&err);
    assert_eq!((d.position, d.kind), (1, DivergenceKind::Call));
    assert_eq!(d.expected.as_ref().unwrap().call_info(), NOW);
    assert_eq!(d.actual.call_info(), LOG);
    assert_eq!(
        err.to_string(),
        "replay diverged at call 1 (different call): the log has host call \
         theater:simple/timer.now with input 0 bytes [], the guest made host call \
         theater:simple/runtime.log with input 2 bytes [6d00]"
    );
    assert_eq!(replay.position(), 1, "a divergence does not advance");
}

#[test]
fn a_different_interface_or_kind_is_a_divergence() {
    let (log, _) = record(&mut Host { clock: 0 });
    let mut replay = Replayer::new(log.clone());
    let elsewhere = CallInfo {
        interface: "theater:simple/other",
        ..INIT
    };
    let err = replay.before(&elsewhere, b"a").unwrap_err();
    let d = divergence(&err);
    assert_eq!((d.position, d.kind), (0, DivergenceKind::Call));
    assert_eq!(
        d.expected.as_ref().unwrap().interface,
        "theater:simple/actor"
    );
    assert_eq!(d.actual.interface, "theater:simple/other");
    let msg = err.to_string();
    assert!(msg.contains("at call 0"), "{msg}");
    assert!(msg.contains("theater:simple/actor.init"), "{msg}");
    assert!(msg.contains("theater:simple/other.init"), "{msg}");

    let as_host_call = CallInfo {
        kind: CallKind::HostCall,
        ..INIT
    };
    let err = Replayer::new(log).before(&as_host_call, b"a").unwrap_err();
    let d = divergence(&err);
    assert_eq!(d.expected.as_ref().unwrap().kind, CallKind::GuestExport);
    assert_eq!(d.actual.kind, CallKind::HostCall);
}

#[test]
fn a_different_input_is_a_divergence_with_a_byte_summary() {
    let (log, _) = record(&mut Host { clock: 0 });
    let mut replay = Replayer::new(log);
    replay.before(&INIT, b"a").unwrap();
    replay.before(&NOW, &[]).unwrap();
    replay.before(&LOG, &[b'm', 0]).unwrap();
    let err = replay.before(&ADD, &[7, 0, 49]).unwrap_err();
    let d = divergence(&err);
    assert_eq!((d.position, d.kind), (3, DivergenceKind::Input));
    assert_eq!(d.first_difference, Some(2));
    let (expected, actual) = (d.expected.as_ref().unwrap(), &d.actual);
    assert_eq!((expected.call_info(), actual.call_info()), (ADD, ADD));
    assert_eq!(expected.summary, "3 bytes [070030]");
    assert_eq!(actual.summary, "3 bytes [070031]");
    let msg = err.to_string();
    assert!(
        msg.starts_with("replay diverged at call 3 (different input, from byte 2)"),
        "{msg}"
    );
    assert!(msg.contains("bench:host/math.add"), "{msg}");

    // Large inputs are summarised around the first difference.
    let big: Vec<u8> = (0..200u8).collect();
    let mut changed = big.clone();
    changed[100] = 0;
    let log = CallLog::from_records([packr_runtime::record::CallRecord {
        kind: CallKind::HostCall,
        interface: ADD.interface,
        function: ADD.function,
        input: &big,
        output: &[],
        completed: true,
    }]);
    let err = Replayer::new(log).before(&ADD, &changed).unwrap_err();
    let d = divergence(&err);
    assert_eq!(d.first_difference, Some(100));
    assert_eq!(
        d.actual.summary,
        "200 bytes [at 96: 606162630065666768696a6b6c6d6e6f…]"
    );
    assert_eq!(d.expected.as_ref().unwrap().len, 200);
}

#[test]
fn running_past_the_end_of_the_log_is_an_error() {
    let (log, outs) = record(&mut Host { clock: 0 });
    let mut replay = Replayer::new(log);
    let mut host = Host { clock: 0 };
    init(&mut replay, &mut host, b"a").unwrap();
    assert_eq!(init(&mut replay, &mut host, b"b").unwrap(), outs[1]);
    assert!(replay.is_finished());
    let err = replay.before(&NOW, &[]).unwrap_err();
    let d = divergence(&err);
    assert_eq!((d.position, d.kind), (20, DivergenceKind::PastEnd));
    assert!(d.expected.is_none());
    assert_eq!(d.actual.call_info(), NOW);
    assert_eq!(
        err.to_string(),
        "replay ran past the end of the log at call 20: the guest made host call \
         theater:simple/timer.now with input 0 bytes []"
    );
}

#[test]
fn an_export_returning_something_else_is_an_output_divergence() {
    let (log, outs) = record(&mut Host { clock: 0 });
    let mut replay = Replayer::new(log);
    let mut host = Host { clock: 0 };
    replay.before(&INIT, b"a").unwrap();
    for k in 0..3u8 {
        let t = host_call(&mut replay, &mut host, &NOW, &[]).unwrap();
        host_call(&mut replay, &mut host, &LOG, &[b'm', k]).unwrap();
        host_call(&mut replay, &mut host, &ADD, &[t[0], k, 48]).unwrap();
    }
    let mut wrong = outs[0].clone();
    wrong[0] ^= 1;
    let err = replay.after(&INIT, b"a", &wrong).unwrap_err();
    let d = divergence(&err);
    assert_eq!((d.position, d.kind), (0, DivergenceKind::Output));
    assert_eq!(d.first_difference, Some(0));
    let msg = err.to_string();
    assert!(msg.contains("different output"), "{msg}");
    assert!(msg.contains("theater:simple/actor.init"), "{msg}");
}

#[test]
fn failed_calls_are_recorded_and_fail_again_on_replay() {
    let run = CallInfo {
        kind: CallKind::GuestExport,
        interface: "",
        function: "run",
    };
    let mut r = Recorder::new();
    r.before(&run, b"x").unwrap();
    r.before(&NOW, &[]).unwrap(); // the host function failed: no `after`
    // ...so the export trapped: no `after` either. The next export works.
    r.before(&run, b"y").unwrap();
    r.before(&NOW, &[]).unwrap();
    r.after(&NOW, &[], b"t").unwrap();
    r.after(&run, b"y", b"ok").unwrap();
    let log = r.seal();
    let completed: Vec<bool> = log.entries().map(|c| c.completed).collect();
    assert_eq!(completed, [false, false, true, true]);

    let mut replay = Replayer::new(log.clone());
    assert_eq!(replay.before(&run, b"x").unwrap(), Intercept::Proceed);
    let err = replay.before(&NOW, &[]).unwrap_err();
    assert!(
        err.to_string().contains("failed when it was recorded"),
        "{err}"
    );
    assert_eq!(replay.before(&run, b"y").unwrap(), Intercept::Proceed);
    assert_eq!(
        replay.before(&NOW, &[]).unwrap(),
        Intercept::Return(b"t".to_vec())
    );
    replay.after(&run, b"y", b"ok").unwrap();
    assert!(replay.is_finished(), "the trapped export is not awaited");

    // An export that failed when recorded but returns now diverges.
    let mut replay = Replayer::new(log);
    replay.before(&run, b"x").unwrap();
    let err = replay.after(&run, b"x", b"fine").unwrap_err();
    let d = divergence(&err);
    assert_eq!((d.position, d.kind), (0, DivergenceKind::Output));
    assert!(err.to_string().contains("failed when recorded"), "{err}");
}

#[test]
fn the_recorder_interns_names_by_content() {
    let mut r = Recorder::new();
    // Many distinct functions, more than the recent-name cache holds,
    // with names rebuilt (new allocations) on every call.
    for round in 0..3u8 {
        for f in 0..10 {
            let interface = format!("pkg:iface/n{}", f % 3);
            let function = format!("f{f}");
            let call = CallInfo {
                kind: CallKind::HostCall,
                interface: &interface,
                function: &function,
            };
            r.before(&call, &[round, f]).unwrap();
            drop(interface);
            let other = format!("pkg:iface/n{}", f % 3);
            let call = CallInfo {
                kind: CallKind::HostCall,
                interface: &other,
                function: &function,
            };
            r.after(&call, &[round, f], &[f]).unwrap();
        }
    }
    let log = r.seal();
    assert_eq!(log.len(), 30);
    for (n, c) in log.entries().enumerate() {
        let f = (n % 10) as u8;
        assert_eq!(c.interface, format!("pkg:iface/n{}", f % 3));
        assert_eq!(c.function, format!("f{f}"));
        assert_eq!((c.input, c.output), (&[(n / 10) as u8, f][..], &[f][..]));
        assert!(c.completed);
    }
}

#[test]
fn an_after_without_before_is_recorded_whole() {
    let mut r = Recorder::with_capacity(4, 64);
    r.before(&INIT, b"s").unwrap();
    r.after(&LOG, b"msg", b"").unwrap();
    r.after(&INIT, b"s", b"done").unwrap();
    let log = r.seal();
    let calls: Vec<_> = log
        .entries()
        .map(|c| (c.function, c.input, c.output, c.completed))
        .collect();
    assert_eq!(
        calls,
        [
            ("init", &b"s"[..], &b"done"[..], true),
            ("log", &b"msg"[..], &b""[..], true)
        ]
    );
}

#[test]
fn repeated_payloads_are_recorded_exactly_and_survive_a_file_round_trip() {
    let mut r = Recorder::new();
    for round in 0..2 {
        // Same input, changing outputs; changing inputs, same output; two
        // functions interleaved so each compares with its own last call.
        for i in 0..5u8 {
            r.before(&ADD, b"(20, 22)").unwrap();
            r.after(&ADD, b"(20, 22)", &[i]).unwrap();
            r.before(&LOG, &[i, i]).unwrap();
            r.after(&LOG, &[i, i], b"unit").unwrap();
        }
        // A payload equal to another function's last one, and one that
        // only has the same length as the last.
        r.before(&NOW, b"unit").unwrap();
        r.after(&NOW, b"unit", b"(20, 22)").unwrap();
        r.before(&LOG, &[9, 9]).unwrap();
        r.after(&LOG, &[9, 9], b"tinu").unwrap();
        let log = std::mem::take(&mut r).seal();
        let mut expected: Vec<(&str, Vec<u8>, Vec<u8>)> = Vec::new();
        for i in 0..5u8 {
            expected.push(("add", b"(20, 22)".to_vec(), vec![i]));
            expected.push(("log", vec![i, i], b"unit".to_vec()));
        }
        expected.push(("now", b"unit".to_vec(), b"(20, 22)".to_vec()));
        expected.push(("log", vec![9, 9], b"tinu".to_vec()));
        let seen = |log: &CallLog| -> Vec<(String, Vec<u8>, Vec<u8>)> {
            log.entries()
                .map(|c| (c.function.to_string(), c.input.to_vec(), c.output.to_vec()))
                .collect()
        };
        let want: Vec<_> = expected
            .iter()
            .map(|(f, i, o)| (f.to_string(), i.clone(), o.clone()))
            .collect();
        assert_eq!(seen(&log), want, "round {round}");
        let mut file = Vec::new();
        log.write_to(&mut file).unwrap();
        assert_eq!(seen(&CallLog::read_from(&file[..]).unwrap()), want);
        // A cleared recorder must not reuse bytes from before the clear.
        r = Recorder::new();
        r.before(&ADD, b"(1, 1)").unwrap();
        r.after(&ADD, b"(1, 1)", &[2]).unwrap();
        r.clear();
    }
}

#[test]
fn equal_inputs_of_a_host_call_and_an_export_of_one_name_keep_their_kinds() {
    // The same interface and function seen as a host call and as an
    // export, with the same input: stored payloads are shared only within
    // a kind, so each entry reads back with its own kind and output.
    let as_host = CallInfo {
        kind: CallKind::HostCall,
        interface: "a:b/c",
        function: "f",
    };
    let as_export = CallInfo {
        kind: CallKind::GuestExport,
        ..as_host
    };
    let mut r = Recorder::new();
    for (call, out) in [(&as_host, b"h1"), (&as_export, b"e1"), (&as_host, b"h1")] {
        r.before(call, b"same").unwrap();
        r.after(call, b"same", out).unwrap();
    }
    let mut file = Vec::new();
    r.seal().write_to(&mut file).unwrap();
    let log = CallLog::read_from(&file[..]).unwrap();
    let seen: Vec<_> = log
        .entries()
        .map(|c| (c.kind, c.input.to_vec(), c.output.to_vec(), c.completed))
        .collect();
    assert_eq!(
        seen,
        [
            (CallKind::HostCall, b"same".to_vec(), b"h1".to_vec(), true),
            (
                CallKind::GuestExport,
                b"same".to_vec(),
                b"e1".to_vec(),
                true
            ),
            (CallKind::HostCall, b"same".to_vec(), b"h1".to_vec(), true),
        ]
    );
}

#[test]
fn names_are_told_apart_by_content_even_at_a_reused_address() {
    // One buffer whose bytes change between calls: the same address and
    // length, different names (as when a caller's temporary string is
    // freed and the next one lands in the same place).
    let mut function = String::from("aaa");
    let mut r = Recorder::new();
    for next in ["bbb", "aaa", "ccc"] {
        let call = CallInfo {
            kind: CallKind::GuestExport,
            interface: "a:b/c",
            function: &function,
        };
        r.before(&call, b"in").unwrap();
        r.after(&call, b"in", b"out").unwrap();
        function.replace_range(.., next);
    }
    let log = r.seal();
    let names: Vec<&str> = log.entries().map(|c| c.function).collect();
    assert_eq!(names, ["aaa", "bbb", "aaa"]);
}
