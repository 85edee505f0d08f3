//! The documentation is checked like code: the guest of docs/guests.md
//! runs on every engine, every WAT or WIT+ fragment shown is cut from a
//! real file, the bytes shown in docs/abi.md are what the encoder writes,
//! and every link and ABI reference points at something in the repository.

mod common;

use packr::engine::{Engine, EngineKind, Error, Module};
use packr::host::HostBuilder;
use std::path::{Path, PathBuf};

packr::bindgen!("wit/counter.wit+");

const COUNTER: &str = include_str!("guests/counter.wat");

#[derive(Default)]
struct Log {
    lines: Vec<String>,
}

impl host::Host for Log {
    fn log(&mut self, msg: String) {
        self.lines.push(msg)
    }
}

fn counter_instance(kind: EngineKind) -> packr::engine::Instance<Log> {
    let mut builder = HostBuilder::<Log>::new();
    host::add_to_linker(&mut builder, |log| log).unwrap();
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, COUNTER).unwrap();
    engine
        .link(&module, &builder)
        .unwrap()
        .instantiate(Log::default())
        .unwrap()
}

fn the_guest_of_the_guide_counts_and_logs(kind: EngineKind) {
    let mut instance = counter_instance(kind);
    let mut exports = counter::Exports::new(&mut instance);
    assert_eq!(exports.call_next(41).unwrap(), 42);
    assert_eq!(exports.call_next(u32::MAX - 1).unwrap(), u32::MAX);
    assert_eq!(instance.data().lines, ["counting", "counting"]);
}

fn the_guest_of_the_guide_refuses_what_is_not_a_u32(kind: EngineKind) {
    let mut instance = counter_instance(kind);
    let err = instance
        .call::<_, u32>("example:counter/counter.next", &"41".to_string())
        .unwrap_err();
    match err {
        Error::Guest { export, message } => {
            assert_eq!(export, "example:counter/counter.next");
            assert_eq!(message, "expected a u32");
        }
        other => panic!("expected the guest's error message, got {other}"),
    }
    // The guest still logged before it looked at its input.
    assert_eq!(instance.data().lines, ["counting"]);
}

fn the_guest_of_the_guide_fits_its_world(kind: EngineKind) {
    let pkg = packr::wit::Package::load(repo().join("wit/counter.wit+")).unwrap();
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, COUNTER).unwrap();
    let mut builder = HostBuilder::<Log>::new();
    host::add_to_linker(&mut builder, |log| log).unwrap();
    packr::engine::validate(&module, &pkg, pkg.world(None).unwrap(), &builder).unwrap();
}

per_engine!(
    the_guest_of_the_guide_counts_and_logs,
    the_guest_of_the_guide_refuses_what_is_not_a_u32,
    the_guest_of_the_guide_fits_its_world,
);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fenced blocks of `markdown` with info string `lang`, each with the
/// line before its opening fence.
fn blocks<'a>(markdown: &'a str, lang: &str) -> Vec<(&'a str, String)> {
    let mut out = Vec::new();
    let mut lines = markdown.lines().peekable();
    let mut before = "";
    while let Some(line) = lines.next() {
        if line.trim() == format!("```{lang}") {
            let mut body = String::new();
            for l in lines.by_ref() {
                if l.trim() == "```" {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            out.push((before, body));
        }
        before = line;
    }
    out
}

fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_str().is_some_and(|s| s.ends_with(ext)))
        .collect();
    out.sort();
    out
}

fn docs() -> Vec<PathBuf> {
    let mut pages = files_under(&repo().join("docs"), ".md");
    pages.push(repo().join("README.md"));
    pages
}

#[test]
fn every_wat_and_wit_fragment_in_the_docs_is_cut_from_a_real_file() {
    let guests: Vec<String> = files_under(&repo().join("tests/guests"), ".wat")
        .iter()
        .map(|p| read(p))
        .collect();
    let worlds: Vec<String> = files_under(&repo().join("wit"), ".wit+")
        .iter()
        .map(|p| read(p))
        .collect();
    let mut shown = 0;
    for page in docs() {
        let text = read(&page);
        for (lang, sources) in [("wat", &guests), ("wit", &worlds)] {
            for (_, block) in blocks(&text, lang) {
                shown += 1;
                assert!(
                    sources.iter().any(|s| s.contains(&block)),
                    "{}: this {lang} fragment is in no file of the repository:\n{block}",
                    page.display()
                );
            }
        }
    }
    assert!(
        shown >= 8,
        "docs/guests.md shows its guest ({shown} fragments found)"
    );
}

#[test]
fn the_bytes_shown_in_abi_md_are_what_the_encoder_writes() {
    let text = read(&repo().join("docs/abi.md"));
    let expected = [
        ("tuple-20-22", packr::abi::encode(&(20i32, 22i32)).unwrap()),
        ("string-hi", packr::abi::encode(&"hi".to_string()).unwrap()),
    ];
    let shown = blocks(&text, "text");
    for (name, bytes) in expected {
        let marker = format!("<!-- bytes: {name} -->");
        let (_, block) = shown
            .iter()
            .find(|(before, _)| before.trim() == marker)
            .unwrap_or_else(|| panic!("docs/abi.md has no block {marker}"));
        let hex: Vec<u8> = block
            .lines()
            .flat_map(|l| {
                l.split_whitespace()
                    .take_while(|t| t.len() == 2 && t.chars().all(|c| c.is_ascii_hexdigit()))
                    .map(|t| u8::from_str_radix(t, 16).unwrap())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(hex, bytes, "{name}");
    }
}

/// GitHub's anchor for a heading.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| slug(l.trim_start_matches('#')))
        .collect()
}

#[test]
fn every_link_in_the_docs_points_inside_the_repository() {
    let root = repo().canonicalize().unwrap();
    let mut checked = 0;
    for page in docs() {
        let text = read(&page);
        let dir = page.parent().unwrap();
        for (i, _) in text.match_indices("](") {
            let rest = &text[i + 2..];
            let target = &rest[..rest.find(')').unwrap()];
            assert!(
                !target.contains("://"),
                "{}: links outside the repository: {target}",
                page.display()
            );
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let file = if file.is_empty() {
                page.clone()
            } else {
                dir.join(file)
            };
            let resolved = file
                .canonicalize()
                .unwrap_or_else(|e| panic!("{}: broken link {target}: {e}", page.display()));
            assert!(
                resolved.starts_with(&root),
                "{}: {target} leaves the repository",
                page.display()
            );
            if !anchor.is_empty() {
                assert!(
                    anchors(&read(&resolved)).iter().any(|a| a == anchor),
                    "{}: {target}: no such heading",
                    page.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} links found");
}

/// Source, docs and guests of the repository (not build output).
fn repository_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                repository_files(&path, out);
            }
        } else if [".rs", ".md", ".wat", ".wit+", ".toml", ".stderr"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            out.push(path);
        }
    }
}

#[test]
fn every_abi_reference_points_at_docs_abi_md_and_an_existing_section() {
    let abi = read(&repo().join("docs/abi.md"));
    let sections: Vec<String> = abi
        .lines()
        .filter(|l| l.starts_with("## ") || l.starts_with("### "))
        .filter_map(|l| l.split_whitespace().nth(1))
        .map(|n| n.trim_end_matches('.').to_string())
        .collect();
    let mut files = Vec::new();
    repository_files(&repo(), &mut files);
    // Spelled in pieces so that this file does not match itself.
    let bare = ["ABI", ".md"].concat();
    let outside = [["../", "shared/"].concat(), ["shared/", "BENCH"].concat()];
    let reference = ["docs/abi.md ", "§"].concat();
    let mut references = 0;
    for file in files {
        let text = read(&file);
        let shown = file.strip_prefix(repo()).unwrap().display().to_string();
        assert!(
            !text.contains(&bare),
            "{shown} refers to {bare}: point it at docs/abi.md"
        );
        for outside in &outside {
            assert!(
                !text.contains(outside),
                "{shown} points outside the repository ({outside})"
            );
        }
        for (i, _) in text.match_indices(&reference) {
            let section: String = text[i + reference.len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let section = section.trim_end_matches('.');
            assert!(
                sections.iter().any(|s| s == section),
                "{shown}: docs/abi.md has no section §{section}"
            );
            references += 1;
        }
    }
    assert!(
        references >= 10,
        "only {references} section references found"
    );
}
