//! `bundle.toml`: what a bundle says it is.
//!
//! ```toml
//! name = "kv"
//! version = "0.1.0"
//! interfaces = ["packr:kv/store"]
//! wit = "wit"                       # optional; the default
//!
//! [library.linux]
//! file = "lib/libkv_bundle.so"
//! sha256 = "…64 hex digits…"
//! ```

use super::error::{BundleError, BundleErrorKind};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// A parsed `bundle.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The bundle's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The qualified names of the interfaces it provides.
    pub interfaces: Vec<String>,
    /// The WIT+ file or folder, relative to the bundle directory.
    #[serde(default = "default_wit")]
    pub wit: String,
    /// The library per platform (`linux`, `macos`, `windows`: the values
    /// of `std::env::consts::OS`).
    pub library: BTreeMap<String, Library>,
}

/// One platform's library.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Library {
    /// The file, relative to the bundle directory.
    pub file: String,
    /// The SHA-256 of its bytes, in hex.
    pub sha256: String,
}

fn default_wit() -> String {
    "wit".into()
}

/// The file name of the manifest in a bundle directory.
pub const MANIFEST: &str = "bundle.toml";

impl Manifest {
    /// Parses manifest text; `bundle` and `file` name it in errors.
    pub(crate) fn parse(text: &str, bundle: &str, file: &Path) -> Result<Manifest, BundleError> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| BundleError {
            bundle: bundle.to_string(),
            file: file.to_path_buf(),
            kind: BundleErrorKind::Manifest(e.message().to_string()),
        })?;
        let bad = |what: String| BundleError {
            bundle: manifest.name.clone(),
            file: file.to_path_buf(),
            kind: BundleErrorKind::Manifest(what),
        };
        if manifest.name.is_empty() {
            return Err(bad("`name` is empty".into()));
        }
        if manifest.interfaces.is_empty() {
            return Err(bad("`interfaces` lists no interface".into()));
        }
        for (platform, lib) in &manifest.library {
            let hex_ok =
                lib.sha256.len() == 64 && lib.sha256.bytes().all(|b| b.is_ascii_hexdigit());
            if !hex_ok {
                return Err(bad(format!(
                    "`library.{platform}.sha256` is not 64 hex digits"
                )));
            }
        }
        Ok(manifest)
    }
}

/// `path` (from the manifest) joined to `dir`, if it stays inside it: a
/// relative path of plain names, and, once resolved through symbolic
/// links, still under `dir`.
pub(crate) fn inside(dir: &Path, path: &str) -> Option<PathBuf> {
    let rel = Path::new(path);
    if path.is_empty()
        || !rel
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    let joined = dir.join(rel);
    // A symbolic link inside the bundle must not lead out of it either.
    match (dir.canonicalize(), joined.canonicalize()) {
        (Ok(root), Ok(real)) if !real.starts_with(&root) => None,
        _ => Some(joined),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_stay_inside_the_bundle() {
        let dir = std::env::temp_dir();
        assert!(inside(&dir, "lib/libx.so").is_some());
        assert!(inside(&dir, "./wit").is_some());
        for escaping in ["../x.so", "lib/../../x.so", "/etc/passwd", ""] {
            assert!(inside(&dir, escaping).is_none(), "{escaping}");
        }
    }

    #[test]
    fn a_manifest_needs_its_fields_and_a_hex_hash() {
        let file = Path::new("bundle.toml");
        let ok = "name = \"kv\"\nversion = \"1\"\ninterfaces = [\"a:b/c\"]\n\
                  [library.linux]\nfile = \"lib/x.so\"\nsha256 = \""
            .to_string()
            + &"ab".repeat(32)
            + "\"\n";
        let m = Manifest::parse(&ok, "dir", file).unwrap();
        assert_eq!(
            (m.wit.as_str(), m.library["linux"].file.as_str()),
            ("wit", "lib/x.so")
        );
        let short = ok.replace(&"ab".repeat(32), "abcd");
        let err = Manifest::parse(&short, "dir", file).unwrap_err();
        assert!(err.to_string().contains("64 hex digits"), "{err}");
        let unknown = format!("{ok}\nextra = 1\n");
        assert!(Manifest::parse(&unknown, "dir", file).is_err());
        let missing = ok.replace("version = \"1\"\n", "");
        let err = Manifest::parse(&missing, "dir", file).unwrap_err();
        assert_eq!(err.bundle, "dir");
        assert!(err.to_string().contains("version"), "{err}");
    }
}
