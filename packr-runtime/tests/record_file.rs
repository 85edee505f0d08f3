//! The call log file: round trips, and every way a file can be damaged.

use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind, Intercept};
use packr_runtime::record::{
    CallLog, CallRecord, LogFileError, Recorder, ReplayDivergence, Replayer,
};
use proptest::prelude::*;

fn session() -> CallLog {
    let run = CallInfo {
        kind: CallKind::GuestExport,
        interface: "theater:simple/actor",
        function: "init",
    };
    let now = CallInfo {
        kind: CallKind::HostCall,
        interface: "theater:simple/timer",
        function: "now",
    };
    let log = CallInfo {
        kind: CallKind::HostCall,
        interface: "theater:simple/runtime",
        function: "log",
    };
    let mut r = Recorder::new();
    r.before(&run, b"state").unwrap();
    for i in 0..3u8 {
        r.before(&now, &[]).unwrap();
        r.after(&now, &[], &[i]).unwrap();
        r.after(&log, &[b'm', i], b"").unwrap();
    }
    r.after(&run, b"state", b"new state").unwrap();
    r.finish()
}

fn bytes(log: &CallLog) -> Vec<u8> {
    let mut out = Vec::new();
    log.write_to(&mut out).unwrap();
    out
}

#[test]
fn a_recorded_session_round_trips_through_the_file_format() {
    let log = session();
    assert_eq!(
        log.len(),
        7,
        "the export first, then the host calls it made"
    );
    assert_eq!(log.records()[0].kind, CallKind::GuestExport);
    assert_eq!(log.records()[0].output.as_deref(), Some(&b"new state"[..]));
    let back = CallLog::read_from(&mut bytes(&log).as_slice()).unwrap();
    assert_eq!(back, log);
    assert_eq!(back.head_hash(), log.head_hash());
    let path = std::env::temp_dir().join(format!("packr-record-{}.log", std::process::id()));
    log.save(&path).unwrap();
    assert_eq!(CallLog::load(&path).unwrap(), log);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn every_truncation_is_an_error_never_a_panic() {
    let full = bytes(&session());
    for cut in 0..full.len() {
        let err = CallLog::read_from(&mut &full[..cut]).unwrap_err();
        assert!(
            matches!(err, LogFileError::NotALog | LogFileError::Truncated { .. }),
            "cut at {cut}: {err}"
        );
    }
}

#[test]
fn every_flipped_byte_is_detected() {
    let full = bytes(&session());
    for at in 0..full.len() {
        let mut bad = full.clone();
        bad[at] ^= 0x01;
        assert!(
            CallLog::read_from(&mut bad.as_slice()).is_err(),
            "flip at {at} went unnoticed"
        );
    }
    // Altering a record's content names that record.
    let mut bad = full.clone();
    let at = full.windows(2).position(|w| w == b"m\x01").unwrap() + 1;
    bad[at] = 9;
    assert!(matches!(
        CallLog::read_from(&mut bad.as_slice()),
        Err(LogFileError::Altered { record: 4 })
    ));
}

#[test]
fn wrong_magic_and_version_are_named() {
    let mut full = bytes(&session());
    assert!(matches!(
        CallLog::read_from(&mut &b"hello world, not a log"[..]),
        Err(LogFileError::NotALog)
    ));
    full[8] = 9;
    assert!(matches!(
        CallLog::read_from(&mut full.as_slice()),
        Err(LogFileError::UnsupportedVersion(9))
    ));
}

#[test]
fn replay_returns_recorded_outputs_and_detects_divergence() {
    let log = session();
    let run = CallInfo {
        kind: CallKind::GuestExport,
        interface: "theater:simple/actor",
        function: "init",
    };
    let now = CallInfo {
        kind: CallKind::HostCall,
        interface: "theater:simple/timer",
        function: "now",
    };
    let logf = CallInfo {
        kind: CallKind::HostCall,
        interface: "theater:simple/runtime",
        function: "log",
    };

    let mut r = Replayer::new(log.clone());
    assert_eq!(r.before(&run, b"state").unwrap(), Intercept::Proceed);
    for i in 0..3u8 {
        assert_eq!(r.before(&now, &[]).unwrap(), Intercept::Return(vec![i]));
        assert_eq!(
            r.before(&logf, &[b'm', i]).unwrap(),
            Intercept::Return(vec![])
        );
    }
    r.after(&run, b"state", b"new state").unwrap();
    assert!(r.is_finished());
    let past = r.before(&now, &[]).unwrap_err();
    let d = past.inner().downcast_ref::<ReplayDivergence>().unwrap();
    assert_eq!((d.position, d.expected.is_none()), (7, true));
    assert!(
        past.to_string()
            .contains("past the end of the log at call 7"),
        "{past}"
    );

    // A different function at position 1.
    let mut r = Replayer::new(log.clone());
    r.before(&run, b"state").unwrap();
    let err = r.before(&logf, &[b'm', 0]).unwrap_err();
    let d = err.inner().downcast_ref::<ReplayDivergence>().unwrap();
    assert_eq!(d.position, 1);
    assert!(
        err.to_string().contains("theater:simple/timer.now"),
        "{err}"
    );
    assert!(
        err.to_string().contains("theater:simple/runtime.log"),
        "{err}"
    );

    // A different input, and a different interface.
    let mut r = Replayer::new(log.clone());
    let err = r.before(&run, b"other").unwrap_err();
    assert!(err.to_string().contains("diverged at call 0"), "{err}");
    let mut r = Replayer::new(log.clone());
    let other = CallInfo {
        interface: "theater:simple/other",
        ..run
    };
    assert!(r.before(&other, b"state").is_err());

    // An export that returns something else than it did.
    let mut r = Replayer::new(log);
    r.before(&run, b"state").unwrap();
    for i in 0..3u8 {
        r.before(&now, &[]).unwrap();
        r.before(&logf, &[b'm', i]).unwrap();
    }
    let err = r.after(&run, b"state", b"changed").unwrap_err();
    assert!(err.to_string().contains("output"), "{err}");
}

fn arb_record() -> impl Strategy<Value = CallRecord> {
    (
        prop_oneof![Just(CallKind::HostCall), Just(CallKind::GuestExport)],
        "[a-z:/-]{0,20}",
        "[a-z-]{0,10}",
        prop::collection::vec(any::<u8>(), 0..40),
        prop::option::of(prop::collection::vec(any::<u8>(), 0..40)),
    )
        .prop_map(|(kind, interface, function, input, output)| CallRecord {
            kind,
            interface,
            function,
            input,
            output,
        })
}

proptest! {
    #[test]
    fn random_logs_round_trip(records in prop::collection::vec(arb_record(), 0..20)) {
        let log = CallLog::from_records(records);
        prop_assert_eq!(CallLog::read_from(&mut bytes(&log).as_slice()).unwrap(), log);
    }

    #[test]
    fn random_files_never_panic(data in prop::collection::vec(any::<u8>(), 0..200)) {
        let mut with_magic = b"PACKRLOG\x01\x00\x00\x00".to_vec();
        with_magic.extend_from_slice(&data);
        let _ = CallLog::read_from(&mut data.as_slice());
        let _ = CallLog::read_from(&mut with_magic.as_slice());
    }
}
