//! `#[derive(GraphValue)]` for packr.
//!
//! Use it through the `packr` facade, which re-exports it next to the trait
//! (`use packr::GraphValue;`); see [`macro@GraphValue`] for what it
//! generates and the attributes it takes.
//!
//! The crate is laid out like serde_derive: `attr` parses `#[graph(...)]`,
//! `ast` builds the checked model (wire names, tags, every misuse reported
//! on the user's token), `bound` infers where-clauses, `case` holds the
//! `rename_all` rules and `expand` writes the impl. All errors are
//! collected and emitted together, next to a stub impl so that one mistake
//! does not cascade into "`GraphValue` is not implemented" errors.

mod ast;
mod attr;
mod bound;
mod case;
mod expand;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `packr::abi::GraphValue`: the type then encodes straight into a
/// Graph ABI (CGRF) buffer and decodes straight out of one.
///
/// # Shapes
///
/// | Rust | Graph ABI |
/// |---|---|
/// | `struct S { a: A, b: B }` | record, type name `S`, fields `a`, `b` |
/// | `struct S(A, B)` | tuple of `A`, `B` (`struct S(A)` is a one-tuple) |
/// | `struct S;` | the empty tuple, like `()` |
/// | `enum E { .. }` | variant, type name `E`; the tag of a case is its position |
/// | `E::Unit` | case without payload (a field-less enum is a WIT `enum`) |
/// | `E::Tuple(A, B)` | case with one payload child per field |
/// | `E::Struct { a: A }` | case with one payload child: a record whose type name is the case name |
///
/// Wire names default to the Rust identifiers (`r#type` travels as
/// `type`). Records decode **by field name**, in any order; unknown fields
/// are ignored, and a missing field is `AbiErrorKind::MissingField` unless
/// it has `#[graph(default)]`. Record type names are written but not
/// checked. Variants decode **by tag**; an unknown tag is
/// `AbiErrorKind::UnknownCase` and a wrong payload count is
/// `AbiErrorKind::TypeMismatch`. Encoding writes children before parents
/// (the reference layout) and allocates nothing per node.
///
/// ```text
/// use packr::GraphValue;
///
/// #[derive(GraphValue, Debug, PartialEq)]
/// #[graph(rename = "point")]
/// struct Point { x: i32, y: i32 }
///
/// #[derive(GraphValue, Debug, PartialEq)]
/// #[graph(rename = "shape", rename_all = "kebab-case")]
/// enum Shape {
///     Circle(f64),
///     BoundingBox { min: Point, max: Point },
///     #[graph(tag = 10)]
///     Empty,
/// }
///
/// let shape = Shape::BoundingBox { min: Point { x: 0, y: 0 }, max: Point { x: 2, y: 1 } };
/// let bytes = packr::abi::encode(&shape)?;
/// assert_eq!(packr::abi::decode_as::<Shape>(&bytes)?, shape);
/// assert_eq!(
///     packr::abi::decode(&bytes)?.to_string(),
///     "bounding-box(bounding-box { min: point { x: 0, y: 0 }, max: point { x: 2, y: 1 } })",
/// );
/// ```
///
/// (This example is compiled and run as `facade_doc_example` in the `packr`
/// crate's `tests/derive.rs`; this crate cannot depend on `packr`.)
///
/// # Generics and recursion
///
/// Every type parameter used in a field gets a `T: GraphValue` bound (an
/// associated type such as `I::Item` gets the bound itself), as serde
/// does. Recursion through `Box<Self>`, `Vec<Self>`, `Option<Box<Self>>`
/// and mutual recursion between derived types need nothing special.
///
/// ```text
/// #[derive(GraphValue)]
/// enum Tree<T> {
///     Leaf(T),
///     Node { children: Vec<Tree<T>> },
/// }
/// ```
///
/// # Attributes
///
/// All attributes live under `#[graph(...)]`; several can share one list.
///
/// **On the struct or enum**
///
/// - `rename = "name"`: the type name carried on the wire (records and
///   variants; tuple and unit structs have none).
/// - `rename_all = "rule"`: renames every field of a struct, or every case
///   of an enum, unless it has its own `rename`. Rules, as in serde:
///   `"lowercase"`, `"UPPERCASE"`, `"PascalCase"`, `"camelCase"`,
///   `"snake_case"`, `"SCREAMING_SNAKE_CASE"`, `"kebab-case"`,
///   `"SCREAMING-KEBAB-CASE"`. The type name is not affected.
/// - `crate = "path"`: where the generated code finds the `abi` module;
///   `"::packr"` by default. Use it when packr is re-exported under another
///   name, e.g. `#[graph(crate = "packr_runtime")]`.
///
/// **On an enum variant**
///
/// - `rename = "name"`: the case name on the wire (also the type name of a
///   struct variant's payload record).
/// - `tag = N`: the wire tag (a `u32`) instead of the variant's position.
///   Tags must be unique, counting the implicit ones.
/// - `rename_all = "rule"`: renames the fields of a struct variant.
///
/// **On a named field** (of a struct or a struct variant)
///
/// - `rename = "name"`: the field name on the wire.
/// - `default`: a missing field decodes as `Default::default()`.
///
/// ```text
/// #[derive(GraphValue)]
/// #[graph(rename = "user-profile", rename_all = "kebab-case")]
/// struct Profile {
///     display_name: String,          // "display-name"
///     #[graph(rename = "mail")]
///     email_address: String,         // "mail"
///     #[graph(default)]
///     follower_count: u64,           // may be missing
/// }
///
/// #[derive(GraphValue)]
/// #[graph(rename = "sexpr", rename_all = "lowercase")]
/// enum Sexpr {
///     Sym(String),                   // "sym", tag 0
///     Num(i64),                      // "num", tag 1
///     Lst(Vec<Sexpr>),               // "lst", tag 2
///     #[graph(tag = 10, rename = "nil")]
///     Nothing,                       // "nil", tag 10
/// }
/// ```
///
/// # Errors at compile time
///
/// Each misuse is one error on the token at fault: deriving for a union,
/// an unknown or misplaced key (`tag` on a struct, `default` on a variant
/// or tuple field, `rename` on a tuple field or tuple struct), a key given
/// twice, two tags or two wire names that collide, an unknown `rename_all`
/// rule, and a field whose type does not implement `GraphValue` (reported
/// on the field's type). When a generic type is used with a type argument
/// that is not a `GraphValue`, the compiler's note points at the field
/// that needs the bound.
#[proc_macro_derive(GraphValue, attributes(graph))]
pub fn derive_graph_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}
