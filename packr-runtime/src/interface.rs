//! What `#[packr::host_interface]` generates code against: a Rust handler
//! type that registers itself as one host interface, and the description
//! of its functions.

use crate::abi::{self, AbiError, AbiErrorKind, Decoder, GraphValue, Kind};
use crate::host::{HostBuilder, RegistrationError};
use std::fmt;

/// A handler type registered as one host interface. Implemented by
/// `#[packr::host_interface("ns:pkg/iface")]`; by hand it looks like this:
///
/// ```
/// use packr_runtime::host::{HostBuilder, RegistrationError};
/// use packr_runtime::interface::{FunctionDesc, HostInterface};
///
/// struct Clock { now: u64 }
///
/// impl<T: Send + 'static> HostInterface<T> for Clock {
///     const INTERFACE: &'static str = "theater:simple/timer";
///     fn functions() -> Vec<FunctionDesc> {
///         vec![FunctionDesc::new::<u64>("now", &[], false)]
///     }
///     fn add_to_linker(host: &mut HostBuilder<T>, get: fn(&mut T) -> &mut Self) -> Result<(), RegistrationError> {
///         host.interface("theater:simple/timer").func("now", move |cx, (): ()| get(cx.data_mut()).now)?;
///         Ok(())
///     }
/// }
///
/// struct Store { clock: Clock }
/// let mut host = HostBuilder::<Store>::new();
/// Clock::add_to_linker(&mut host, |s| &mut s.clock)?;
/// assert_eq!(<Clock as HostInterface<Store>>::functions()[0].to_string(), "now: func() -> u64");
/// # Ok::<(), RegistrationError>(())
/// ```
pub trait HostInterface<T>: Sized + 'static {
    /// The interface path (`ns:pkg/iface`), the import module of its
    /// functions.
    const INTERFACE: &'static str;

    /// Every function: WIT name, parameters and result.
    fn functions() -> Vec<FunctionDesc>;

    /// Registers every function on `host`. The handler lives in the store
    /// state `T` and is reached through `get`, as in wasmtime's generated
    /// `add_to_linker`; a handler that is the store state passes `|s| s`.
    fn add_to_linker(
        host: &mut HostBuilder<T>,
        get: fn(&mut T) -> &mut Self,
    ) -> Result<(), RegistrationError>;
}

/// One function of a host interface, as the guest sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDesc {
    /// The WIT name (the import field).
    pub name: &'static str,
    /// Parameter names and WIT types, in order.
    pub params: Vec<(&'static str, String)>,
    /// The WIT result type; `None` for a function without result.
    pub result: Option<String>,
    /// Whether the host function is async.
    pub is_async: bool,
}

impl FunctionDesc {
    /// A function returning `R` (`()` means no result).
    ///
    /// ```
    /// use packr_runtime::interface::FunctionDesc;
    /// let f = FunctionDesc::new::<Vec<u8>>("read", &[("path", "string".into())], true);
    /// assert_eq!(f.to_string(), "read: async func(path: string) -> list<u8>");
    /// ```
    pub fn new<R: GraphValue>(
        name: &'static str,
        params: &[(&'static str, String)],
        is_async: bool,
    ) -> Self {
        let result = abi::wit_type_of::<R>();
        FunctionDesc {
            name,
            params: params.to_vec(),
            result: (result != "tuple<>").then_some(result),
            is_async,
        }
    }
}

impl fmt::Display for FunctionDesc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.name)?;
        if self.is_async {
            f.write_str("async ")?;
        }
        f.write_str("func(")?;
        for (i, (name, ty)) in self.params.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name}: {ty}")?;
        }
        f.write_str(")")?;
        if let Some(r) = &self.result {
            write!(f, " -> {r}")?;
        }
        Ok(())
    }
}

/// Decodes a `&str` argument borrowed straight from guest memory.
#[doc(hidden)]
pub fn borrow_str<'a>(dec: &mut Decoder<'a>, index: u32) -> Result<&'a str, AbiError> {
    dec.str(index)
}

/// Decodes a `&[u8]` argument borrowed straight from guest memory; the
/// guest must send it as a packed `u8` array (what every encoder of
/// `list<u8>` produces).
#[doc(hidden)]
pub fn borrow_bytes<'a>(dec: &mut Decoder<'a>, index: u32) -> Result<&'a [u8], AbiError> {
    let (kind, _, data) = dec.array(index)?;
    if kind != Kind::U8 {
        return Err(AbiError::at(
            index,
            AbiErrorKind::TypeMismatch {
                expected: "list<u8>".into(),
                found: format!("an array of {kind:?}"),
            },
        ));
    }
    Ok(data)
}

/// `Self` is `T`: lets `#[host_interface]` write a registration generic over
/// each of a method's types (so rustc blames the one that is not a
/// `GraphValue` on its own token) and still call the method with them.
#[doc(hidden)]
pub trait Same<T> {
    /// `self` as `T`.
    fn same(self) -> T;
    /// `T` as `Self`.
    fn back(value: T) -> Self;
}

impl<T> Same<T> for T {
    #[inline(always)]
    fn same(self) -> T {
        self
    }

    #[inline(always)]
    fn back(value: T) -> T {
        value
    }
}
