//! A type's structure as constants the compiler can compare: what
//! `#[host_interface(.., wit = "..")]` checks a user's named types against
//! their WIT+ declaration with, at compile time.
//!
//! A proc-macro sees only the tokens of the impl it is applied to, never
//! the definition of a `struct Config` named in a signature. So instead of
//! reading the definition, the macro emits a constant assertion over
//! [`GraphValue::SHAPE`](super::GraphValue::SHAPE), which
//! `#[derive(GraphValue)]` fills in from the definition (wire names, case
//! tags, field types); the compiler evaluates it where the user's type is
//! known, and the failing assertion (spanned at the user's type in the
//! signature) says what differs. The comparison is one level deep: a named
//! type inside another is compared by name ([`Shape::Named`]), which keeps
//! recursive types finite; it is checked itself where a signature names it.
//!
//! [`Shape::Unknown`] (the default for hand-written impls) means "cannot
//! tell" and passes every check; a hand-written impl may state its shape
//! (`const SHAPE: Shape = Shape::Flags(&["read", "write"]);`).
//!
//! ```
//! use packr_runtime::abi::GraphValue;
//! use packr_runtime::abi::shape::Shape;
//! const LIST: Shape = <Vec<Option<u8>> as GraphValue>::SHAPE;
//! assert_eq!(LIST, Shape::List(&Shape::Option(&Shape::U8)));
//! assert!(packr_runtime::abi::shape::same(&LIST, &Shape::List(&Shape::Unknown)));
//! ```

/// The structure of a type that crosses the Graph ABI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Shape {
    /// Cannot be told (a hand-written impl, the dynamic `value`, a map):
    /// matches anything.
    Unknown,
    Bool,
    U8,
    U16,
    U32,
    U64,
    S8,
    S16,
    S32,
    S64,
    F32,
    F64,
    Char,
    String,
    List(&'static Shape),
    Option(&'static Shape),
    /// `result<ok, err>`; `()` on a side is `Tuple(&[])`.
    Result(&'static Shape, &'static Shape),
    Tuple(&'static [&'static Shape]),
    /// A named type as another type refers to it: by its wire name.
    Named(&'static str),
    /// A record's fields: wire name and type.
    Record(&'static [(&'static str, &'static Shape)]),
    /// A variant's cases: wire name, tag and payload (`None` for none).
    Variant(&'static [Case]),
    /// A flags type's flags, bit 0 first.
    Flags(&'static [&'static str]),
}

/// One case of a [`Shape::Variant`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Case {
    /// The case's wire name.
    pub name: &'static str,
    /// The tag it travels with.
    pub tag: u32,
    /// Its payload.
    pub payload: Option<&'static Shape>,
}

/// How a user's type differs from the declared one, as
/// [`record_difference`] and [`variant_difference`] find it; indexes are
/// positions in the declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difference {
    /// Same structure (or it cannot be told).
    None,
    /// Another kind of type altogether.
    Kind,
    /// The declaration's member `i` is missing.
    Missing(usize),
    /// Member `i` has another type (or payload).
    Type(usize),
    /// Case `i` travels with another tag.
    Tag(usize),
    /// The user's type has a member the declaration lacks.
    Extra,
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Names equal once case and `-`/`_` are ignored: a Rust type `ContainerSpec`
/// refers to the WIT type `container-spec`.
const fn loose_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    loop {
        while i < a.len() && (a[i] == b'-' || a[i] == b'_') {
            i += 1;
        }
        while j < b.len() && (b[j] == b'-' || b[j] == b'_') {
            j += 1;
        }
        if i == a.len() || j == b.len() {
            return i == a.len() && j == b.len();
        }
        if !a[i].eq_ignore_ascii_case(&b[j]) {
            return false;
        }
        i += 1;
        j += 1;
    }
}

/// True when `rust` (a type's shape) can be `wit` (the declared shape).
///
/// ```
/// use packr_runtime::abi::shape::{same, Shape};
/// assert!(same(&Shape::List(&Shape::Named("ContainerSpec")), &Shape::List(&Shape::Named("container-spec"))));
/// assert!(!same(&Shape::U16, &Shape::U8));
/// ```
pub const fn same(rust: &Shape, wit: &Shape) -> bool {
    match (rust, wit) {
        (Shape::Unknown, _) | (_, Shape::Unknown) => true,
        (Shape::List(a), Shape::List(b)) | (Shape::Option(a), Shape::Option(b)) => same(a, b),
        (Shape::Result(a, e), Shape::Result(b, f)) => same(a, b) && same(e, f),
        (Shape::Tuple(a), Shape::Tuple(b)) => {
            if a.len() != b.len() {
                return false;
            }
            let mut i = 0;
            while i < a.len() {
                if !same(a[i], b[i]) {
                    return false;
                }
                i += 1;
            }
            true
        }
        (Shape::Named(a), Shape::Named(b)) => loose_eq(a, b),
        (Shape::Bool, Shape::Bool)
        | (Shape::U8, Shape::U8)
        | (Shape::U16, Shape::U16)
        | (Shape::U32, Shape::U32)
        | (Shape::U64, Shape::U64)
        | (Shape::S8, Shape::S8)
        | (Shape::S16, Shape::S16)
        | (Shape::S32, Shape::S32)
        | (Shape::S64, Shape::S64)
        | (Shape::F32, Shape::F32)
        | (Shape::F64, Shape::F64)
        | (Shape::Char, Shape::Char)
        | (Shape::String, Shape::String) => true,
        // A record, variant or flags type met inside another is compared by
        // name at the level above; its own structure is its own check.
        _ => false,
    }
}

/// Compares a user type's shape with a declared record (fields by wire
/// name, in any order, as records decode).
///
/// ```
/// use packr_runtime::abi::GraphValue;
/// use packr_runtime::abi::shape::{record_difference, Difference, Shape};
/// #[derive(packr_derive::GraphValue)]
/// #[graph(crate = "packr_runtime")]
/// struct Config { level: u16 }
/// const D: Difference = record_difference(&Config::SHAPE, &[("level", &Shape::U8)]);
/// assert_eq!(D, Difference::Type(0));
/// ```
pub const fn record_difference(rust: &Shape, wit: &[(&'static str, &'static Shape)]) -> Difference {
    let fields = match rust {
        Shape::Unknown => return Difference::None,
        Shape::Record(fields) => fields,
        _ => return Difference::Kind,
    };
    let mut i = 0;
    while i < wit.len() {
        let mut j = 0;
        let mut found = false;
        while j < fields.len() {
            if str_eq(fields[j].0, wit[i].0) {
                found = true;
                if !same(fields[j].1, wit[i].1) {
                    return Difference::Type(i);
                }
            }
            j += 1;
        }
        if !found {
            return Difference::Missing(i);
        }
        i += 1;
    }
    if fields.len() > wit.len() {
        return Difference::Extra;
    }
    Difference::None
}

/// Compares a user type's shape with a declared variant or enum (case `i`
/// of the declaration travels with tag `i`; names are compared loosely,
/// since cases decode by tag).
///
/// ```
/// use packr_runtime::abi::GraphValue;
/// use packr_runtime::abi::shape::{variant_difference, Difference, Shape};
/// #[derive(packr_derive::GraphValue)]
/// #[graph(crate = "packr_runtime")]
/// enum Maybe { None, Some(i64) }
/// let wit: &[(&str, Option<&Shape>)] = &[("none", None), ("some", Some(&Shape::S64))];
/// assert_eq!(variant_difference(&Maybe::SHAPE, wit), Difference::None);
/// assert_eq!(variant_difference(&Maybe::SHAPE, &wit[..1]), Difference::Extra);
/// ```
pub const fn variant_difference(
    rust: &Shape,
    wit: &[(&'static str, Option<&'static Shape>)],
) -> Difference {
    let cases = match rust {
        Shape::Unknown => return Difference::None,
        Shape::Variant(cases) => cases,
        _ => return Difference::Kind,
    };
    let mut i = 0;
    while i < wit.len() {
        let mut j = 0;
        let mut found = false;
        while j < cases.len() {
            if loose_eq(cases[j].name, wit[i].0) {
                found = true;
                if cases[j].tag != i as u32 {
                    return Difference::Tag(i);
                }
                let fits = match (cases[j].payload, wit[i].1) {
                    (None, None) => true,
                    (Some(a), Some(b)) => same(a, b),
                    _ => false,
                };
                if !fits {
                    return Difference::Type(i);
                }
            }
            j += 1;
        }
        if !found {
            return Difference::Missing(i);
        }
        i += 1;
    }
    if cases.len() > wit.len() {
        return Difference::Extra;
    }
    Difference::None
}

/// Compares a user type's shape with declared flags (same names, same bits).
///
/// ```
/// use packr_runtime::abi::shape::{flags_difference, Difference, Shape};
/// let perms = Shape::Flags(&["read", "write"]);
/// assert_eq!(flags_difference(&perms, &["read", "write"]), Difference::None);
/// assert_eq!(flags_difference(&Shape::U8, &["read"]), Difference::Kind);
/// ```
pub const fn flags_difference(rust: &Shape, wit: &[&'static str]) -> Difference {
    let flags = match rust {
        Shape::Unknown => return Difference::None,
        Shape::Flags(flags) => flags,
        _ => return Difference::Kind,
    };
    let mut i = 0;
    while i < wit.len() {
        if i >= flags.len() || !loose_eq(flags[i], wit[i]) {
            return Difference::Missing(i);
        }
        i += 1;
    }
    if flags.len() > wit.len() {
        return Difference::Extra;
    }
    Difference::None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_compare_by_wire_name_and_type() {
        let user = Shape::Record(&[("level", &Shape::U16), ("name", &Shape::String)]);
        let wit: &[(&str, &Shape)] = &[("name", &Shape::String), ("level", &Shape::U8)];
        assert_eq!(record_difference(&user, wit), Difference::Type(1));
        let wit: &[(&str, &Shape)] = &[("name", &Shape::String), ("level", &Shape::U16)];
        assert_eq!(record_difference(&user, wit), Difference::None);
        assert_eq!(record_difference(&user, &wit[..1]), Difference::Extra);
        let wit: &[(&str, &Shape)] = &[("title", &Shape::String)];
        assert_eq!(record_difference(&user, wit), Difference::Missing(0));
        assert_eq!(record_difference(&Shape::U8, wit), Difference::Kind);
        assert_eq!(record_difference(&Shape::Unknown, wit), Difference::None);
    }

    #[test]
    fn variants_compare_by_tag_and_payload() {
        const NONE: Case = Case {
            name: "None",
            tag: 0,
            payload: None,
        };
        let user = Shape::Variant(&[NONE]);
        let wit: &[(&str, Option<&Shape>)] = &[("none", None), ("some", Some(&Shape::S64))];
        assert_eq!(variant_difference(&user, wit), Difference::Missing(1));
        let swapped = Shape::Variant(&[
            Case {
                name: "some",
                tag: 0,
                payload: Some(&Shape::S64),
            },
            Case {
                name: "none",
                tag: 1,
                payload: None,
            },
        ]);
        assert_eq!(variant_difference(&swapped, wit), Difference::Tag(0));
        let wrong = Shape::Variant(&[
            NONE,
            Case {
                name: "Some",
                tag: 1,
                payload: Some(&Shape::S32),
            },
        ]);
        assert_eq!(variant_difference(&wrong, wit), Difference::Type(1));
        let right = Shape::Variant(&[
            NONE,
            Case {
                name: "Some",
                tag: 1,
                payload: Some(&Shape::S64),
            },
        ]);
        assert_eq!(variant_difference(&right, wit), Difference::None);
        assert_eq!(variant_difference(&right, &wit[..1]), Difference::Extra);
    }

    #[test]
    fn nested_types_compare_structurally_and_named_ones_by_name() {
        assert!(same(
            &Shape::List(&Shape::Named("ContainerSpec")),
            &Shape::List(&Shape::Named("container-spec"))
        ));
        assert!(!same(
            &Shape::Named("Spec"),
            &Shape::Named("container-spec")
        ));
        assert!(same(
            &Shape::Result(&Shape::Tuple(&[]), &Shape::String),
            &Shape::Result(&Shape::Tuple(&[]), &Shape::String)
        ));
        assert!(!same(&Shape::Option(&Shape::U8), &Shape::List(&Shape::U8)));
        assert!(same(&Shape::Unknown, &Shape::List(&Shape::U8)));
        assert_eq!(
            flags_difference(&Shape::Flags(&["read", "write"]), &["read", "write"]),
            Difference::None
        );
        assert_eq!(
            flags_difference(&Shape::Flags(&["read"]), &["read", "write"]),
            Difference::Missing(1)
        );
    }
}
