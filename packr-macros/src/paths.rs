//! Where a WIT+ path given to a macro points.
//!
//! Relative to the crate root (`CARGO_MANIFEST_DIR`), as wasmtime's
//! `bindgen!` does. When nothing exists there, the directory of the source
//! file invoking the macro is tried too, so a test or example can keep its
//! world next to itself (and so trybuild cases, which compile in a
//! generated crate elsewhere, can name theirs).

use std::path::{Path, PathBuf};

pub(crate) fn resolve(relative: &str) -> PathBuf {
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let at_root = Path::new(&root).join(relative);
    if at_root.exists() || Path::new(relative).is_absolute() {
        return at_root;
    }
    if proc_macro::is_available()
        && let Some(file) = proc_macro::Span::call_site().local_file()
        && let Some(dir) = file.parent()
    {
        let beside = dir.join(relative);
        if beside.exists() {
            return beside;
        }
    }
    at_root
}

/// The WIT+ files behind `path` (one file, or the files of a package
/// folder), for `include_str!` so that editing them rebuilds.
pub(crate) fn sources(path: &Path) -> Vec<String> {
    if !path.is_dir() {
        return vec![path.display().to_string()];
    }
    let mut files: Vec<String> = std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wit" || x == "wit+"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

/// Loads the package at the literal's path; errors are reported on the
/// literal and name the file as the user wrote it.
pub(crate) fn load(lit: &syn::LitStr) -> syn::Result<(packr_runtime::wit::Package, PathBuf)> {
    let written = lit.value();
    let path = resolve(&written);
    match packr_runtime::wit::Package::load(&path) {
        Ok(pkg) => Ok((pkg, path)),
        Err(e) => {
            let mut message = e.to_string().replace(&path.display().to_string(), &written);
            if !matches!(e, packr_runtime::wit::LoadError::Wit(_)) {
                message.push_str(" (WIT+ paths are relative to the crate root)");
            }
            Err(syn::Error::new(lit.span(), message))
        }
    }
}
