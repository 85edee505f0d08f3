//! WIT+: WIT with recursive types and the dynamic `value` type, the
//! interface language of packr's `bindgen!`.
//!
//! Engine-independent (available with `default-features = false`), so the
//! proc-macros can parse worlds at compile time.
//!
//! ```
//! use packr_runtime::wit::{Package, Type, TypeDefKind};
//! let pkg = Package::parse("actor.wit+", r#"
//!     package theater:simple;
//!
//!     interface types {
//!         /// A message tree: lists of itself, by design.
//!         variant msg { text(string), many(list<msg>) }
//!     }
//!
//!     interface runtime {
//!         use types.{msg};
//!         log: func(m: msg);
//!     }
//!
//!     world actor {
//!         import runtime;
//!         export actor { init: func(state: option<list<u8>>) -> result<list<u8>, string>; }
//!     }
//! "#)?;
//! let runtime = pkg.interface("runtime").unwrap();
//! assert_eq!(runtime.qualified, "theater:simple/runtime");
//! assert_eq!(runtime.function("log").unwrap().params.len(), 1);
//! let world = pkg.world(Some("actor"))?;
//! assert_eq!(world.exports.len(), 1);
//! assert_eq!(pkg.interface_hash("runtime").map(|h| h.len()), Some(32));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod hash;
mod lexer;
mod metadata;
mod model;
mod parser;
mod resolve;

pub use error::{Span, WitError};
pub use hash::Hash;
#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
pub(crate) use metadata::cgrf_len;
pub use metadata::{InterfaceHash, MetadataError, PackTypes};
pub use model::{
    Case, Field, Function, Interface, PackageName, Type, TypeDef, TypeDefKind, TypeRef, World,
    WorldItem,
};

use error::Source;

/// True for a valid WIT identifier: kebab-case words, each starting with a
/// letter, each all lowercase or all uppercase.
///
/// ```
/// use packr_runtime::wit::is_identifier;
/// assert!(is_identifier("get-chain") && is_identifier("HTTP-get"));
/// assert!(!is_identifier("get_chain") && !is_identifier("2x") && !is_identifier("a--b"));
/// ```
pub fn is_identifier(word: &str) -> bool {
    parser::valid_identifier(word)
}
use std::path::Path;
use std::sync::Arc;

/// A resolved WIT+ package: its interfaces (including those declared
/// inline in worlds) and worlds.
#[derive(Debug, Clone)]
pub struct Package {
    /// `ns:name`.
    pub name: PackageName,
    /// Every interface, declared or inline.
    pub interfaces: Vec<Interface>,
    /// Every world.
    pub worlds: Vec<World>,
}

/// Reading a package from disk failed.
#[derive(Debug)]
pub enum LoadError {
    /// A file or folder could not be read.
    Io {
        /// The path.
        path: String,
        /// The reason.
        error: std::io::Error,
    },
    /// A folder holds no `*.wit+` or `*.wit` file.
    Empty(String),
    /// The text is not valid WIT+.
    Wit(WitError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io { path, error } => write!(f, "cannot read {path}: {error}"),
            LoadError::Empty(path) => write!(f, "{path} holds no `.wit+` or `.wit` file"),
            LoadError::Wit(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LoadError {}

impl From<WitError> for LoadError {
    fn from(e: WitError) -> Self {
        LoadError::Wit(e)
    }
}

impl Package {
    /// Parses one file's text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Package, WitError> {
        Package::parse_files(&[(file.to_string(), text.to_string())])
    }

    /// Parses the files of one package (one folder), in order.
    pub fn parse_files(files: &[(String, String)]) -> Result<Package, WitError> {
        let mut parsed = Vec::new();
        let mut first = None;
        for (name, text) in files {
            let source = Arc::new(Source {
                name: name.clone(),
                text: text.clone(),
            });
            let eof = Span {
                source: source.clone(),
                start: text.len(),
                end: text.len(),
            };
            first.get_or_insert_with(|| Span {
                source: source.clone(),
                start: 0,
                end: 0,
            });
            let tokens = lexer::lex(&source)?;
            parsed.push(parser::Parser::new(tokens, eof).file()?);
        }
        let first = first.unwrap_or_else(|| {
            let source = Arc::new(Source {
                name: "<no file>".into(),
                text: String::new(),
            });
            Span {
                source,
                start: 0,
                end: 0,
            }
        });
        resolve::package(parsed, first)
    }

    /// Loads a `.wit+`/`.wit` file, or every such file of a folder (one
    /// package; `use` works across its files).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("packr-wit-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("a.wit+"), "package a:b;\ninterface types { type id = u64; }")?;
    /// std::fs::write(dir.join("b.wit+"), "interface api { use types.{id}; get: func(i: id); }")?;
    /// let pkg = packr_runtime::wit::Package::load(&dir)?;
    /// assert_eq!(pkg.interfaces.len(), 2);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Package, LoadError> {
        let path = path.as_ref();
        let io = |error| LoadError::Io {
            path: path.display().to_string(),
            error,
        };
        let mut files = Vec::new();
        if path.is_dir() {
            let mut paths: Vec<_> = std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.to_str()
                        .is_some_and(|s| s.ends_with(".wit+") || s.ends_with(".wit"))
                })
                .collect();
            paths.sort();
            // The file that declares the package goes first.
            for p in paths {
                let text = std::fs::read_to_string(&p).map_err(|error| LoadError::Io {
                    path: p.display().to_string(),
                    error,
                })?;
                files.push((p.display().to_string(), text));
            }
            files.sort_by_key(|(_, text)| !declares_package(text));
            if files.is_empty() {
                return Err(LoadError::Empty(path.display().to_string()));
            }
        } else {
            let text = std::fs::read_to_string(path).map_err(io)?;
            files.push((path.display().to_string(), text));
        }
        Ok(Package::parse_files(&files)?)
    }

    /// The interface with bare name (`runtime`) or qualified name
    /// (`ns:pkg/runtime`) `name`.
    pub fn interface(&self, name: &str) -> Option<&Interface> {
        self.interfaces
            .iter()
            .find(|i| i.name == name || i.qualified == name)
    }

    /// The world named `name`, or the only world when `name` is `None`;
    /// the error says which worlds exist.
    pub fn world(&self, name: Option<&str>) -> Result<&World, String> {
        let names = || {
            self.worlds
                .iter()
                .map(|w| format!("`{}`", w.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match name {
            Some(n) => self.worlds.iter().find(|w| w.name == n).ok_or_else(|| {
                format!(
                    "package `{}` has no world `{n}` (it has: {})",
                    self.name,
                    names()
                )
            }),
            None if self.worlds.len() == 1 => Ok(&self.worlds[0]),
            None if self.worlds.is_empty() => {
                Err(format!("package `{}` declares no world", self.name))
            }
            None => Err(format!(
                "package `{}` has several worlds ({}): name one",
                self.name,
                names()
            )),
        }
    }

    /// The definition a type reference points at.
    pub fn resolve(&self, r: &TypeRef) -> Option<&TypeDef> {
        self.interface(&r.interface)?.type_def(&r.name)
    }

    /// The structural hash of interface `name` (docs/abi.md §7).
    pub fn interface_hash(&self, name: &str) -> Option<Hash> {
        let iface = self.interface(name)?;
        Some(hash::TypeHasher::new(self).interface(iface))
    }

    /// The structural hash of a type expression.
    pub fn type_hash(&self, ty: &Type) -> Hash {
        hash::TypeHasher::new(self).ty(ty)
    }

    /// The structural hash of a function's signature.
    pub fn function_hash(&self, f: &Function) -> Hash {
        hash::TypeHasher::new(self).function(f)
    }
}

fn declares_package(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .take(1)
        .any(|l| l.starts_with("package "))
}
