//! Why a bundle was refused.

use std::fmt;
use std::path::PathBuf;

/// A bundle that cannot be loaded: which bundle, which file, what differs.
/// Nothing from a refused bundle is registered.
///
/// ```
/// # #[cfg(feature = "bundles")] {
/// use packr_runtime::bundle::{BundleError, BundleErrorKind, HostBundle};
/// let err = HostBundle::load("/nonexistent/bundle").unwrap_err();
/// assert!(matches!(err.kind, BundleErrorKind::Io(_)));
/// assert!(err.to_string().starts_with("bundle `/nonexistent/bundle`"), "{err}");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleError {
    /// The bundle's name from its manifest (its directory before the
    /// manifest is read).
    pub bundle: String,
    /// The file the problem is in.
    pub file: PathBuf,
    /// What is wrong.
    pub kind: BundleErrorKind,
}

/// What is wrong with a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BundleErrorKind {
    /// A file cannot be read.
    Io(String),
    /// `bundle.toml` is not a valid manifest.
    Manifest(String),
    /// The manifest names a path outside the bundle directory.
    PathEscapes {
        /// The path as written.
        path: String,
    },
    /// The manifest has no library for this platform.
    NoLibrary {
        /// This platform (`std::env::consts::OS`).
        platform: String,
    },
    /// The library's bytes hash to another SHA-256 than the manifest says.
    LibraryHash {
        /// The manifest's hash (hex).
        manifest: String,
        /// The file's hash (hex).
        file: String,
    },
    /// The library's hash is not on the embedder's trust list.
    NotTrusted {
        /// The library's hash (hex).
        hash: String,
    },
    /// The bundle's WIT+ does not parse, or lacks an interface the
    /// manifest lists.
    Wit(String),
    /// The library cannot be opened, or lacks the descriptor symbol.
    Library(String),
    /// The library speaks another bundle ABI version.
    AbiVersion {
        /// The version the library reports.
        found: u32,
        /// The version this host reads.
        expected: u32,
    },
    /// The descriptor is malformed, or the library reported an error.
    Descriptor(String),
    /// The library and the manifest disagree on the interfaces provided.
    Interfaces {
        /// What the manifest lists.
        manifest: Vec<String>,
        /// What the library provides.
        library: Vec<String>,
    },
    /// The library was built against another version of an interface than
    /// the bundle's WIT+ declares.
    InterfaceHash {
        /// The interface.
        interface: String,
        /// The hash the library reports (hex).
        library: String,
        /// The hash of the bundle's WIT+ declaration (hex).
        wit: String,
    },
    /// The WIT+ declares a function the library has no entry for.
    MissingFunction {
        /// The interface.
        interface: String,
        /// The function.
        function: String,
    },
    /// The library has an entry the WIT+ does not declare.
    UndeclaredFunction {
        /// The interface.
        interface: String,
        /// The function.
        function: String,
    },
    /// The library could not create an instance's state.
    State,
}

impl fmt::Display for BundleErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundleErrorKind::Io(e) => write!(f, "cannot be read: {e}"),
            BundleErrorKind::Manifest(e) => write!(f, "is not a valid bundle manifest: {e}"),
            BundleErrorKind::PathEscapes { path } => write!(
                f,
                "names `{path}`, which is not inside the bundle directory (paths are relative, without `..`)"
            ),
            BundleErrorKind::NoLibrary { platform } => {
                write!(
                    f,
                    "names no library for this platform (`[library.{platform}]`)"
                )
            }
            BundleErrorKind::LibraryHash { manifest, file } => write!(
                f,
                "has SHA-256 {file}, but the manifest says {manifest}: the library is not the one the bundle was made with"
            ),
            BundleErrorKind::NotTrusted { hash } => {
                write!(f, "has SHA-256 {hash}, which is not on the trust list")
            }
            BundleErrorKind::Wit(e) => write!(f, "{e}"),
            BundleErrorKind::Library(e) => write!(f, "cannot be loaded: {e}"),
            BundleErrorKind::AbiVersion { found, expected } => write!(
                f,
                "speaks bundle ABI version {found}, but this host reads version {expected}"
            ),
            BundleErrorKind::Descriptor(e) => write!(f, "has an unusable descriptor: {e}"),
            BundleErrorKind::Interfaces { manifest, library } => write!(
                f,
                "provides [{}], but the manifest lists [{}]",
                library.join(", "),
                manifest.join(", ")
            ),
            BundleErrorKind::InterfaceHash {
                interface,
                library,
                wit,
            } => write!(
                f,
                "was built against another version of `{interface}`: it reports hash {}…, the bundle's WIT+ hashes to {}…",
                &library[..16.min(library.len())],
                &wit[..16.min(wit.len())]
            ),
            BundleErrorKind::MissingFunction {
                interface,
                function,
            } => write!(
                f,
                "has no entry for `{interface}`.`{function}`, which the bundle's WIT+ declares"
            ),
            BundleErrorKind::UndeclaredFunction {
                interface,
                function,
            } => write!(
                f,
                "has an entry `{interface}`.`{function}`, which the bundle's WIT+ does not declare"
            ),
            BundleErrorKind::State => f.write_str("could not create an instance's state"),
        }
    }
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bundle `{}`: {} {}",
            self.bundle,
            self.file.display(),
            self.kind
        )
    }
}

impl std::error::Error for BundleError {}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
