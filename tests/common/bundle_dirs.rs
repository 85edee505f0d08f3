//! Bundle directories for the tests: builds the example bundle crates
//! once (with the cargo and target directory running the tests), then
//! lays out `bundle.toml`, `wit/` and `lib/` in a fresh temporary
//! directory with the library's real SHA-256 in the manifest.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The kv bundle's WIT+, as shipped in examples/kv-bundle/wit.
pub const KV_WIT: &str = include_str!("../../examples/kv-bundle/wit/kv.wit+");

/// The target directory the tests were built into.
fn target_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is `<target>/tmp`.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .to_path_buf()
}

/// Builds `kv-bundle` and `abi-v2-bundle` (once per test process) and
/// returns the directory holding their libraries.
pub fn built_libraries() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let target = target_dir();
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "kv-bundle", "-p", "abi-v2-bundle"])
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the bundle crates failed");
        target.join("debug")
    })
}

/// The platform file name of library `crate_name`.
pub fn library_file(crate_name: &str) -> String {
    let stem = crate_name.replace('-', "_");
    format!(
        "{}{stem}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    )
}

/// SHA-256 of `bytes` in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A bundle directory to make.
pub struct BundleDir {
    /// The crate whose library goes into `lib/`.
    pub crate_name: &'static str,
    /// `wit/kv.wit+`.
    pub wit: String,
    /// The manifest's `file` (default `lib/<library>`).
    pub file: Option<String>,
    /// The manifest's `sha256` (default: the library's).
    pub sha256: Option<String>,
    /// Changes the copied library's bytes after hashing (appends a byte).
    pub tamper: bool,
}

impl BundleDir {
    /// The kv bundle as shipped.
    pub fn kv() -> Self {
        BundleDir {
            crate_name: "kv-bundle",
            wit: KV_WIT.to_string(),
            file: None,
            sha256: None,
            tamper: false,
        }
    }

    /// Writes the bundle into a fresh directory named after `tag`.
    pub fn make(&self, tag: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bundle-{tag}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("lib")).unwrap();
        std::fs::create_dir_all(dir.join("wit")).unwrap();
        let name = library_file(self.crate_name);
        let mut bytes = std::fs::read(built_libraries().join(&name)).unwrap();
        let sha = self.sha256.clone().unwrap_or_else(|| sha256_hex(&bytes));
        if self.tamper {
            bytes.push(0);
        }
        std::fs::write(dir.join("lib").join(&name), &bytes).unwrap();
        std::fs::write(dir.join("wit/kv.wit+"), &self.wit).unwrap();
        let file = self.file.clone().unwrap_or(format!("lib/{name}"));
        let manifest = format!(
            "name = \"kv\"\nversion = \"0.1.0\"\ninterfaces = [\"packr:kv/store\"]\n\n\
             [library.{}]\nfile = \"{file}\"\nsha256 = \"{sha}\"\n",
            std::env::consts::OS
        );
        std::fs::write(dir.join("bundle.toml"), manifest).unwrap();
        dir
    }
}
