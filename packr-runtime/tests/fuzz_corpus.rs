//! Replays every committed fuzz seed (`fuzz/corpus/<target>/*`) through the
//! same entry functions the fuzz targets run, so CI checks the corpora
//! without a fuzzer. Each target must have seeds.

#[allow(dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod entries;

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_fuzz_seed_passes_its_target() {
    // libFuzzer runs targets on the main thread (8 MiB of stack).
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(|| {
            for &(target, entry) in entries::TARGETS {
                let files = corpus(target);
                assert!(
                    files.len() >= 3,
                    "fuzz/corpus/{target} has {} seeds",
                    files.len()
                );
                for file in files {
                    let data = std::fs::read(&file).unwrap();
                    let run = std::panic::catch_unwind(|| entry(&data));
                    assert!(run.is_ok(), "{target}: seed {} fails", file.display());
                }
            }
        })
        .unwrap()
        .join()
        .unwrap();
}
