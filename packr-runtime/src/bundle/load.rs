//! Loading a bundle: every check that needs no code from the library
//! first, then the library's descriptor against the bundle's own WIT+.

use super::abi::{self, BundleV1, DescriptorFnV1, FunctionV1};
use super::error::{BundleError, BundleErrorKind, hex};
use super::manifest::{self, MANIFEST, Manifest};
use crate::host::{HostBuilder, HostError, RegistrationError};
use crate::wit::{Hash, Package};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Which libraries an embedder accepts, beyond the manifest's own hash.
///
/// ```
/// use packr_runtime::bundle::BundleTrust;
/// let pinned = BundleTrust::pinned(["9f".repeat(32)]);
/// assert!(pinned.allows(&[0x9f; 32]));
/// assert!(!pinned.allows(&[0; 32]));
/// assert!(BundleTrust::Manifest.allows(&[0; 32]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BundleTrust {
    /// Any library whose bytes match its manifest's SHA-256.
    #[default]
    Manifest,
    /// Only libraries whose SHA-256 is one of these (and matches the
    /// manifest).
    Pinned(Vec<[u8; 32]>),
}

impl BundleTrust {
    /// Trusts the libraries with these SHA-256 hashes (hex, any case);
    /// anything that is not 64 hex digits trusts nothing.
    pub fn pinned<S: AsRef<str>>(hashes: impl IntoIterator<Item = S>) -> BundleTrust {
        BundleTrust::Pinned(
            hashes
                .into_iter()
                .filter_map(|h| parse_hex(h.as_ref()))
                .collect(),
        )
    }

    /// Whether a library with SHA-256 `hash` is accepted.
    pub fn allows(&self, hash: &[u8; 32]) -> bool {
        match self {
            BundleTrust::Manifest => true,
            BundleTrust::Pinned(hashes) => hashes.contains(hash),
        }
    }
}

fn parse_hex(s: &str) -> Option<[u8; 32]> {
    let bytes = s.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let text = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

/// One function of a loaded bundle.
pub(crate) struct LoadedFunction {
    pub(crate) name: String,
    pub(crate) entry: *const FunctionV1,
}

/// One interface of a loaded bundle.
pub(crate) struct LoadedInterface {
    pub(crate) name: String,
    pub(crate) hash: Hash,
    pub(crate) functions: Vec<LoadedFunction>,
}

/// A loaded library and what was read from it. Dropped (and the library
/// unloaded) only when no registered function and no state needs it.
pub(crate) struct Loaded {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) dir: PathBuf,
    pub(crate) package: Package,
    pub(crate) sha256: [u8; 32],
    pub(crate) interfaces: Vec<LoadedInterface>,
    pub(crate) descriptor: *const BundleV1,
    // Last: the pointers above point into it.
    pub(crate) _library: libloading::Library,
}

// SAFETY: the descriptor and entries are immutable after loading; the ABI
// requires entries to be callable from any thread (docs/bundles.md), each
// state being used by one thread at a time.
unsafe impl Send for Loaded {}
// SAFETY: as above.
unsafe impl Sync for Loaded {}

/// A verified host bundle: a library and the WIT+ of the interfaces it
/// provides. Cheap to clone.
///
/// ```no_run
/// use packr_runtime::bundle::{BundleStates, BundleTrust, HostBundle};
/// use packr_runtime::host::HostBuilder;
/// let bundle = HostBundle::load_with("bundles/kv", &BundleTrust::pinned(["…"]))?;
/// let mut host = HostBuilder::<BundleStates>::new();
/// bundle.add_to_linker(&mut host, |s| s)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct HostBundle {
    pub(crate) inner: Arc<Loaded>,
}

impl std::fmt::Debug for HostBundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostBundle")
            .field("name", &self.inner.name)
            .field("version", &self.inner.version)
            .field("dir", &self.inner.dir)
            .field("interfaces", &self.interfaces())
            .finish()
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl HostBundle {
    /// Loads and verifies the bundle in `dir`, trusting any library whose
    /// bytes match the manifest's SHA-256. See [`load_with`](Self::load_with).
    pub fn load(dir: impl AsRef<Path>) -> Result<HostBundle, BundleError> {
        HostBundle::load_with(dir, &BundleTrust::Manifest)
    }

    /// Loads and verifies the bundle in `dir`. Before anything in the
    /// library runs: the manifest parses, every path it names is inside
    /// `dir`, the library's SHA-256 equals the manifest's and is allowed by
    /// `trust`, the WIT+ parses and declares every listed interface. Then
    /// the library is opened and its descriptor must speak ABI version 1,
    /// provide exactly the listed interfaces, each with the hash of the
    /// bundle's WIT+ declaration, and an entry for exactly the functions
    /// that declaration has.
    pub fn load_with(
        dir: impl AsRef<Path>,
        trust: &BundleTrust,
    ) -> Result<HostBundle, BundleError> {
        let spec = BundleSpec::read(dir)?;
        let BundleSpec {
            manifest,
            dir,
            package,
        } = spec;
        let dir = dir.as_path();
        let manifest_path = dir.join(MANIFEST);
        let fail = |file: &Path, kind| BundleError {
            bundle: manifest.name.clone(),
            file: file.to_path_buf(),
            kind,
        };
        let escapes = |path: &str| {
            fail(
                &manifest_path,
                BundleErrorKind::PathEscapes {
                    path: path.to_string(),
                },
            )
        };

        let platform = std::env::consts::OS;
        let library = manifest.library.get(platform).ok_or_else(|| {
            fail(
                &manifest_path,
                BundleErrorKind::NoLibrary {
                    platform: platform.into(),
                },
            )
        })?;
        let lib_path =
            manifest::inside(dir, &library.file).ok_or_else(|| escapes(&library.file))?;

        let bytes = std::fs::read(&lib_path)
            .map_err(|e| fail(&lib_path, BundleErrorKind::Io(e.to_string())))?;
        let sha256: [u8; 32] = Sha256::digest(&bytes).into();
        let expected = parse_hex(&library.sha256).unwrap_or_default();
        if sha256 != expected {
            return Err(fail(
                &lib_path,
                BundleErrorKind::LibraryHash {
                    manifest: library.sha256.to_lowercase(),
                    file: hex(&sha256),
                },
            ));
        }
        if !trust.allows(&sha256) {
            return Err(fail(
                &lib_path,
                BundleErrorKind::NotTrusted { hash: hex(&sha256) },
            ));
        }

        // Only now does code from the library run (its initialisers, then
        // the descriptor function).
        // SAFETY: loading a library runs its initialisers; the bytes are
        // the ones the manifest and the trust list vouch for.
        let lib = unsafe { libloading::Library::new(&lib_path) }
            .map_err(|e| fail(&lib_path, BundleErrorKind::Library(e.to_string())))?;
        // SAFETY: the symbol's type is fixed by the bundle ABI.
        let descriptor_fn: DescriptorFnV1 = unsafe {
            *lib.get::<DescriptorFnV1>(abi::SYMBOL.as_bytes())
                .map_err(|e| {
                    fail(
                        &lib_path,
                        BundleErrorKind::Library(format!("no `{}` symbol: {e}", abi::SYMBOL)),
                    )
                })?
        };
        // SAFETY: as above; the library owns the returned descriptor.
        let descriptor = unsafe { descriptor_fn() };
        let interfaces = read_descriptor(descriptor).map_err(|kind| fail(&lib_path, kind))?;
        check_against_wit(&manifest, &package, &interfaces)
            .map_err(|kind| fail(&lib_path, kind))?;

        Ok(HostBundle {
            inner: Arc::new(Loaded {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                name: manifest.name.clone(),
                version: manifest.version.clone(),
                dir: dir.to_path_buf(),
                package,
                sha256,
                interfaces,
                descriptor,
                _library: lib,
            }),
        })
    }

    /// The bundle's name, from its manifest.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The bundle's version, from its manifest.
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// The bundle's directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The SHA-256 of the library's bytes.
    pub fn library_sha256(&self) -> [u8; 32] {
        self.inner.sha256
    }

    /// The bundle's WIT+ package.
    pub fn package(&self) -> &Package {
        &self.inner.package
    }

    /// The qualified names of the interfaces it provides.
    pub fn interfaces(&self) -> Vec<&str> {
        self.inner
            .interfaces
            .iter()
            .map(|i| i.name.as_str())
            .collect()
    }

    /// The hash of interface `name` (verified against the WIT+), if the
    /// bundle provides it.
    pub fn interface_hash(&self, name: &str) -> Option<Hash> {
        self.inner
            .interfaces
            .iter()
            .find(|i| i.name == name)
            .map(|i| i.hash)
    }
}

/// What a bundle directory declares, read without its library: the
/// manifest and the WIT+ of the interfaces it lists. Enough to replay a
/// session a bundle served without loading the bundle
/// ([`add_stubs_to_linker`](Self::add_stubs_to_linker)).
///
/// ```
/// use packr_runtime::bundle::BundleSpec;
/// use packr_runtime::host::HostBuilder;
/// let dir = std::env::temp_dir().join(format!("packr-spec-doc-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("wit"))?;
/// std::fs::write(dir.join("wit/clock.wit+"), "package a:b;\ninterface clock { now: func() -> u64; }")?;
/// std::fs::write(dir.join("bundle.toml"), format!(
///     "name = \"clock\"\nversion = \"1.0.0\"\ninterfaces = [\"a:b/clock\"]\n\
///      [library.linux]\nfile = \"lib/libclock.so\"\nsha256 = \"{}\"\n", "0".repeat(64)))?;
/// let spec = BundleSpec::read(&dir)?;
/// assert_eq!(spec.manifest.name, "clock");
/// let mut host = HostBuilder::<()>::new();
/// spec.add_stubs_to_linker(&mut host)?;
/// assert!(host.get("a:b/clock", "now").is_some());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct BundleSpec {
    /// The manifest.
    pub manifest: Manifest,
    /// The bundle directory.
    pub dir: PathBuf,
    /// The bundle's WIT+ package (it declares every listed interface).
    pub package: Package,
}

impl BundleSpec {
    /// Reads `dir/bundle.toml` and the WIT+ it names (inside `dir`).
    pub fn read(dir: impl AsRef<Path>) -> Result<BundleSpec, BundleError> {
        let dir = dir.as_ref();
        let manifest_path = dir.join(MANIFEST);
        let dir_name = dir.display().to_string();
        let text = std::fs::read_to_string(&manifest_path).map_err(|e| BundleError {
            bundle: dir_name.clone(),
            file: manifest_path.clone(),
            kind: BundleErrorKind::Io(e.to_string()),
        })?;
        let manifest = Manifest::parse(&text, &dir_name, &manifest_path)?;
        let fail = |file: &Path, kind| BundleError {
            bundle: manifest.name.clone(),
            file: file.to_path_buf(),
            kind,
        };
        for lib in manifest.library.values() {
            if manifest::inside(dir, &lib.file).is_none() {
                return Err(fail(
                    &manifest_path,
                    BundleErrorKind::PathEscapes {
                        path: lib.file.clone(),
                    },
                ));
            }
        }
        let wit_path = manifest::inside(dir, &manifest.wit).ok_or_else(|| {
            fail(
                &manifest_path,
                BundleErrorKind::PathEscapes {
                    path: manifest.wit.clone(),
                },
            )
        })?;
        let package = Package::load(&wit_path)
            .map_err(|e| fail(&wit_path, BundleErrorKind::Wit(e.to_string())))?;
        for name in &manifest.interfaces {
            if package.interface(name).is_none_or(|i| &i.qualified != name) {
                return Err(fail(
                    &wit_path,
                    BundleErrorKind::Wit(format!(
                        "declares no interface `{name}`, which the manifest lists"
                    )),
                ));
            }
        }
        Ok(BundleSpec {
            manifest,
            dir: dir.to_path_buf(),
            package,
        })
    }

    /// Registers every function the bundle's interfaces declare as a host
    /// function that only a replay can answer: called for real, it traps
    /// the guest saying the bundle is not loaded. With a
    /// [`Replayer`](crate::record::Replayer) installed, the guest gets the
    /// recorded answers and the function never runs.
    pub fn add_stubs_to_linker<T: 'static>(
        &self,
        host: &mut HostBuilder<T>,
    ) -> Result<(), RegistrationError> {
        for name in &self.manifest.interfaces {
            let Some(iface) = self.package.interface(name) else {
                continue;
            };
            let mut builder = host.interface(name);
            for f in &iface.functions {
                let message = format!(
                    "bundle `{}` is not loaded: `{name}`.`{}` can only be answered from a recording",
                    self.manifest.name, f.name
                );
                builder.func_codec(&f.name, move |_, _, _| {
                    Err(HostError::Trap(message.clone()))
                })?;
            }
        }
        Ok(())
    }
}

/// Bounds on what a descriptor may claim, so a corrupt one cannot make the
/// host read or allocate without end.
const MAX_INTERFACES: usize = 1024;
const MAX_FUNCTIONS: usize = 65_536;
const MAX_NAME: usize = 4096;

fn read_descriptor(descriptor: *const BundleV1) -> Result<Vec<LoadedInterface>, BundleErrorKind> {
    if descriptor.is_null() {
        return Err(BundleErrorKind::Descriptor(format!(
            "`{}` returned null (the library failed to build its descriptor)",
            abi::SYMBOL
        )));
    }
    // SAFETY: the version field comes first in every version's layout.
    let found = unsafe { std::ptr::read(descriptor as *const u32) };
    if found != abi::ABI_VERSION {
        return Err(BundleErrorKind::AbiVersion {
            found,
            expected: abi::ABI_VERSION,
        });
    }
    // SAFETY: a version-1 descriptor, owned by the loaded library.
    let d = unsafe { &*descriptor };
    let error = string(d.error, "the error message")?;
    if !error.is_empty() {
        return Err(BundleErrorKind::Descriptor(format!(
            "the library reports: {error}"
        )));
    }
    let interfaces = slice(
        d.interfaces,
        d.interface_count,
        MAX_INTERFACES,
        "interfaces",
    )?;
    let mut out = Vec::with_capacity(interfaces.len());
    for i in interfaces {
        let name = string(i.name, "an interface name")?;
        let entries = slice(i.functions, i.function_count, MAX_FUNCTIONS, "functions")?;
        let mut functions = Vec::with_capacity(entries.len());
        for f in entries {
            functions.push(LoadedFunction {
                name: string(f.name, "a function name")?,
                entry: f as *const FunctionV1,
            });
        }
        out.push(LoadedInterface {
            name,
            hash: i.hash,
            functions,
        });
    }
    Ok(out)
}

fn slice<'a, E>(
    ptr: *const E,
    len: usize,
    max: usize,
    what: &str,
) -> Result<&'a [E], BundleErrorKind> {
    if len > max {
        return Err(BundleErrorKind::Descriptor(format!(
            "claims {len} {what} (at most {max})"
        )));
    }
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() || !ptr.is_aligned() {
        return Err(BundleErrorKind::Descriptor(format!(
            "points at its {what} with a null or misaligned pointer"
        )));
    }
    // SAFETY: the library owns `len` entries at `ptr` (bundle ABI).
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

fn string(s: abi::StrV1, what: &str) -> Result<String, BundleErrorKind> {
    if s.len > MAX_NAME {
        return Err(BundleErrorKind::Descriptor(format!(
            "{what} claims {} bytes (at most {MAX_NAME})",
            s.len
        )));
    }
    if s.len > 0 && s.ptr.is_null() {
        return Err(BundleErrorKind::Descriptor(format!(
            "{what} is a null pointer"
        )));
    }
    // SAFETY: the library owns `len` bytes at `ptr` (bundle ABI).
    let bytes = unsafe { s.bytes() };
    String::from_utf8(bytes.to_vec())
        .map_err(|_| BundleErrorKind::Descriptor(format!("{what} is not UTF-8")))
}

/// The descriptor against the manifest and the bundle's WIT+.
fn check_against_wit(
    manifest: &Manifest,
    package: &Package,
    interfaces: &[LoadedInterface],
) -> Result<(), BundleErrorKind> {
    let mut listed = manifest.interfaces.clone();
    let mut provided: Vec<String> = interfaces.iter().map(|i| i.name.clone()).collect();
    listed.sort();
    provided.sort();
    if listed != provided {
        return Err(BundleErrorKind::Interfaces {
            manifest: manifest.interfaces.clone(),
            library: interfaces.iter().map(|i| i.name.clone()).collect(),
        });
    }
    for i in interfaces {
        let (Some(decl), Some(hash)) =
            (package.interface(&i.name), package.interface_hash(&i.name))
        else {
            return Err(BundleErrorKind::Wit(format!(
                "declares no interface `{}`",
                i.name
            )));
        };
        for f in &decl.functions {
            if !i.functions.iter().any(|e| e.name == f.name) {
                return Err(BundleErrorKind::MissingFunction {
                    interface: i.name.clone(),
                    function: f.name.clone(),
                });
            }
        }
        for (at, e) in i.functions.iter().enumerate() {
            let declared = decl.function(&e.name).is_some();
            let repeated = i.functions[..at].iter().any(|p| p.name == e.name);
            if !declared || repeated {
                return Err(BundleErrorKind::UndeclaredFunction {
                    interface: i.name.clone(),
                    function: e.name.clone(),
                });
            }
        }
        if hash != i.hash {
            return Err(BundleErrorKind::InterfaceHash {
                interface: i.name.clone(),
                library: hex(&i.hash),
                wit: hex(&hash),
            });
        }
    }
    Ok(())
}
