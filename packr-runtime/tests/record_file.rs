//! The call log file: round trips, and every way a file can be damaged.

use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind};
use packr_runtime::record::{CallLog, CallRecord, LogFileError, Recorder};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

const HEADER: usize = 28 + 32;

/// An export that makes host calls, a world-level export, a failed host
/// call and an export that trapped.
fn session() -> CallLog {
    let init = CallInfo {
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
    let run = CallInfo {
        kind: CallKind::GuestExport,
        interface: "",
        function: "run",
    };
    let mut r = Recorder::new();
    r.before(&init, b"state").unwrap();
    for i in 0..3u8 {
        r.before(&now, &[]).unwrap();
        r.after(&now, &[], &[i; 9]).unwrap();
        r.before(&log, &[b'm', i]).unwrap();
        r.after(&log, &[b'm', i], b"").unwrap();
    }
    r.after(&init, b"state", b"new state").unwrap();
    r.before(&run, &[7; 48]).unwrap();
    r.before(&now, &[1]).unwrap(); // the host function failed: the export trapped
    r.seal()
}

fn bytes(log: &CallLog) -> Vec<u8> {
    let mut out = Vec::new();
    log.write_to(&mut out).unwrap();
    out
}

/// `(start, end)` of each entry in the file (fixed part to chain hash).
fn entry_spans(log: &CallLog) -> Vec<(usize, usize)> {
    let mut at = HEADER;
    log.entries()
        .map(|r| {
            let len =
                34 + r.interface.len() + r.function.len() + r.input.len() + r.output.len() + 32;
            at += len;
            (at - len, at)
        })
        .collect()
}

fn entry_at(spans: &[(usize, usize)], byte: usize) -> Option<u64> {
    spans
        .iter()
        .position(|&(s, e)| (s..e).contains(&byte))
        .map(|i| i as u64)
}

#[test]
fn a_recorded_session_round_trips_through_the_file_format() {
    let log = session();
    assert_eq!(
        log.len(),
        9,
        "the export first, then the host calls it made"
    );
    let first = log.get(0).unwrap();
    assert_eq!(first.kind, CallKind::GuestExport);
    assert_eq!((first.output, first.completed), (&b"new state"[..], true));
    let last = log.get(8).unwrap();
    assert_eq!((last.function, last.completed), ("now", false));
    assert!(!log.get(7).unwrap().completed);

    let file = bytes(&log);
    assert_eq!(&file[..10], b"PACKRLOG\x02\x00");
    assert_eq!(file.len(), entry_spans(&log).last().unwrap().1 + 32);
    let back = CallLog::read_from(file.as_slice()).unwrap();
    assert_eq!(back, log);
    assert_eq!(back.head_hash(), log.head_hash());
    assert_eq!(bytes(&back), file, "re-encoding is byte-identical");

    let path = std::env::temp_dir().join(format!("packr-record-{}.log", std::process::id()));
    log.save(&path).unwrap();
    let loaded = CallLog::load(&path).unwrap();
    std::fs::remove_file(path).unwrap();
    assert_eq!(loaded, log);
    assert!(loaded.entries().eq(log.entries()));
}

#[test]
fn the_empty_log_round_trips() {
    let log = CallLog::default();
    let file = bytes(&log);
    assert_eq!(file.len(), HEADER + 32);
    let back = CallLog::read_from(file.as_slice()).unwrap();
    assert!(back.is_empty());
    assert_eq!(back.head_hash(), log.head_hash());
}

#[test]
fn every_truncation_is_an_error_naming_where() {
    let log = session();
    let full = bytes(&log);
    let spans = entry_spans(&log);
    for cut in 0..full.len() {
        let err = CallLog::read_from(&full[..cut]).unwrap_err();
        match err {
            LogFileError::TruncatedHeader => assert!(cut < HEADER, "cut at {cut}"),
            LogFileError::Truncated { entry, entries } => {
                assert_eq!(entries, 9);
                let expected = entry_at(&spans, cut).unwrap_or(9);
                assert_eq!(entry, expected, "cut at {cut}: {err}");
            }
            other => panic!("cut at {cut}: {other}"),
        }
    }
    let msg = CallLog::read_from(&full[..spans[3].0 + 5])
        .unwrap_err()
        .to_string();
    assert_eq!(msg, "call log truncated at entry 3 (of 9 announced)");
    let msg = CallLog::read_from(&full[..full.len() - 1])
        .unwrap_err()
        .to_string();
    assert!(msg.contains("head hash is missing"), "{msg}");
}

#[test]
fn every_flipped_byte_is_detected_with_the_right_kind() {
    let log = session();
    let full = bytes(&log);
    let spans = entry_spans(&log);
    for at in 0..full.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut bad = full.clone();
            bad[at] ^= mask;
            let err = CallLog::read_from(bad.as_slice()).unwrap_err();
            let ok = match (&err, at) {
                (LogFileError::NotALog, 0..8) => true,
                (LogFileError::UnsupportedVersion { supported: 2, .. }, 8..10) => true,
                (LogFileError::HeaderAltered, 10..HEADER) => true,
                (LogFileError::HeadHashAltered, _) => at >= full.len() - 32,
                (LogFileError::Altered { entry }, _) => entry_at(&spans, at) == Some(*entry),
                _ => false,
            };
            assert!(ok, "flip {mask:#x} at {at}: {err:?}");
        }
    }
    // Altering a call's content names that entry.
    let mut bad = full.clone();
    let at = full.windows(2).position(|w| w == b"m\x01").unwrap() + 1;
    bad[at] = 9;
    let err = CallLog::read_from(bad.as_slice()).unwrap_err();
    assert!(matches!(err, LogFileError::Altered { entry: 4 }), "{err}");
    assert_eq!(
        err.to_string(),
        "call log entry 4 was altered (hash mismatch)"
    );
}

#[test]
fn wrong_magic_and_versions_are_named() {
    let mut full = bytes(&session());
    let err = CallLog::read_from(&b"hello world, not a log"[..]).unwrap_err();
    assert!(matches!(err, LogFileError::NotALog), "{err}");
    assert!(matches!(
        CallLog::read_from(&b"PACKRLOX"[..]),
        Err(LogFileError::NotALog)
    ));
    full[8] = 1;
    let err = CallLog::read_from(full.as_slice()).unwrap_err();
    assert!(
        matches!(
            err,
            LogFileError::UnsupportedVersion {
                found: 1,
                supported: 2
            }
        ),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "unsupported call log version 1 (this packr reads version 2)"
    );
}

#[test]
fn trailing_bytes_and_io_errors_are_reported() {
    let mut full = bytes(&session());
    full.extend_from_slice(b"junk");
    assert!(matches!(
        CallLog::read_from(full.as_slice()),
        Err(LogFileError::TrailingData { bytes: 4 })
    ));
    let err = CallLog::load("/nonexistent/dir/packr.log").unwrap_err();
    assert!(matches!(err, LogFileError::Io(_)), "{err}");
}

/// Recomputes the header hash and every chain hash of `file`, so that a
/// semantic error is reached past the integrity checks.
fn rehash(file: &mut [u8], spans: &[(usize, usize)]) {
    let h0: [u8; 32] = Sha256::digest(&file[..28]).into();
    file[28..60].copy_from_slice(&h0);
    let mut h = h0;
    for &(s, e) in spans {
        let mut d = Sha256::new();
        d.update(h);
        d.update(&file[s..e - 32]);
        h = d.finalize().into();
        file[e - 32..e].copy_from_slice(&h);
    }
    let n = file.len();
    file[n - 32..].copy_from_slice(&h);
}

#[test]
fn well_hashed_but_invalid_content_is_malformed_not_a_panic() {
    let log = session();
    let spans = entry_spans(&log);
    let full = bytes(&log);
    let mut same = full.clone();
    rehash(&mut same, &spans);
    assert_eq!(same, full, "the test's hashing matches the format");

    let cases: [(usize, u8, &str); 4] = [
        (spans[1].0, 7, "unknown call kind 7"),
        (spans[1].0 + 1, 3, "completion flag 3"),
        (spans[1].0 + 34, 0xff, "not UTF-8"),
        (10, 1, "reserved header field"),
    ];
    for (at, value, expected) in cases {
        let mut bad = full.clone();
        bad[at] = value;
        rehash(&mut bad, &spans);
        let err = CallLog::read_from(bad.as_slice()).unwrap_err();
        assert!(matches!(err, LogFileError::Malformed(_)), "{err}");
        assert!(err.to_string().contains(expected), "{err}");
    }
}

fn arb_record() -> impl Strategy<Value = (CallKind, String, String, Vec<u8>, Vec<u8>, bool)> {
    (
        prop_oneof![Just(CallKind::HostCall), Just(CallKind::GuestExport)],
        "[a-z:/-]{0,20}",
        "[a-zé-]{0,10}",
        prop::collection::vec(any::<u8>(), 0..64),
        prop::collection::vec(any::<u8>(), 0..64),
        any::<bool>(),
    )
}

proptest! {
    #[test]
    fn random_logs_round_trip(records in prop::collection::vec(arb_record(), 0..24)) {
        let log = CallLog::from_records(records.iter().map(|(kind, i, f, input, output, completed)| {
            CallRecord {
                kind: *kind,
                interface: i,
                function: f,
                input,
                output: if *completed { output } else { &[] },
                completed: *completed,
            }
        }));
        prop_assert_eq!(log.len(), records.len());
        let file = bytes(&log);
        let back = CallLog::read_from(file.as_slice()).unwrap();
        prop_assert_eq!(back.head_hash(), log.head_hash());
        prop_assert_eq!(&back, &log);
        for (r, (kind, i, f, input, output, completed)) in back.entries().zip(&records) {
            prop_assert_eq!(r.kind, *kind);
            prop_assert_eq!((r.interface, r.function), (i.as_str(), f.as_str()));
            prop_assert_eq!(r.input, input.as_slice());
            prop_assert_eq!(r.completed, *completed);
            if *completed {
                prop_assert_eq!(r.output, output.as_slice());
            }
        }
        prop_assert_eq!(bytes(&back), file);
    }

    #[test]
    fn random_files_never_panic(data in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut with_header = b"PACKRLOG\x02\x00".to_vec();
        with_header.extend_from_slice(&data);
        prop_assert!(CallLog::read_from(data.as_slice()).is_err() || data.starts_with(b"PACKRLOG"));
        prop_assert!(CallLog::read_from(with_header.as_slice()).is_err());
    }

    #[test]
    fn random_damage_is_always_an_error(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 1..=255u8), 1..4),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let full = bytes(&session());
        let mut bad = full.clone();
        for (at, x) in edits {
            bad[at.index(full.len())] ^= x;
        }
        if truncate {
            bad.truncate(cut.index(full.len()));
        }
        prop_assert!(CallLog::read_from(bad.as_slice()).is_err());
    }
}
