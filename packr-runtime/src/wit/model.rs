//! The resolved WIT+ model: what a package declares, with every type
//! reference pointing at its definition.

use super::error::Span;

/// `ns:name` of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageName {
    /// The namespace (`theater`).
    pub namespace: String,
    /// The package name (`simple`).
    pub name: String,
}

impl std::fmt::Display for PackageName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.namespace, self.name)
    }
}

/// An interface: named types and functions.
#[derive(Debug, Clone)]
pub struct Interface {
    /// The bare name (`runtime`); the qualified one is `ns:pkg/runtime`.
    pub name: String,
    /// The qualified name, as used for import module names (docs/abi.md §3.2).
    pub qualified: String,
    /// `///` comments.
    pub docs: String,
    /// Types declared here, in source order, plus those brought in by
    /// `use` (as [`TypeDefKind::Alias`] of the original).
    pub types: Vec<TypeDef>,
    /// Functions, in source order.
    pub functions: Vec<Function>,
    pub(crate) span: Span,
}

impl Interface {
    /// The type named `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    /// The function named `name`.
    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// Where the interface is declared (for diagnostics).
    pub fn span(&self) -> &Span {
        &self.span
    }
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Its WIT name.
    pub name: String,
    /// `///` comments.
    pub docs: String,
    /// What it is.
    pub kind: TypeDefKind,
    pub(crate) span: Span,
}

impl TypeDef {
    /// Where the type is declared (for diagnostics).
    pub fn span(&self) -> &Span {
        &self.span
    }
}

/// The shapes a named type can have.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDefKind {
    /// `record name { field: type, ... }`
    Record(Vec<Field>),
    /// `variant name { case, case(type), ... }`
    Variant(Vec<Case>),
    /// `enum name { case, ... }`
    Enum(Vec<String>),
    /// `flags name { flag, ... }`
    Flags(Vec<String>),
    /// `type name = type;` (and types brought in with `use`).
    Alias(Type),
}

/// A record field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its WIT name.
    pub name: String,
    /// `///` comments.
    pub docs: String,
    /// Its type.
    pub ty: Type,
}

/// A variant case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Its WIT name.
    pub name: String,
    /// `///` comments.
    pub docs: String,
    /// Its payload, if any.
    pub payload: Option<Type>,
}

/// A type expression.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum Type {
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
    /// The dynamic `value` type of WIT+.
    Value,
    List(Box<Type>),
    Option(Box<Type>),
    /// `result`, `result<T>`, `result<_, E>`, `result<T, E>`.
    Result {
        ok: Option<Box<Type>>,
        err: Option<Box<Type>>,
    },
    Tuple(Vec<Type>),
    /// A reference to a named type.
    Named(TypeRef),
}

/// A reference to a named type: the interface that defines it and its name.
#[derive(Debug, Clone)]
pub struct TypeRef {
    /// The qualified interface name (`ns:pkg/iface`).
    pub interface: String,
    /// The type's name in that interface.
    pub name: String,
    pub(crate) span: Option<Span>,
}

impl TypeRef {
    /// A reference to type `name` of interface `interface` (qualified).
    ///
    /// ```
    /// use packr_runtime::wit::TypeRef;
    /// let r = TypeRef::new("theater:simple/types", "message");
    /// assert_eq!(r.name, "message");
    /// ```
    pub fn new(interface: impl Into<String>, name: impl Into<String>) -> Self {
        TypeRef {
            interface: interface.into(),
            name: name.into(),
            span: None,
        }
    }
}

impl PartialEq for TypeRef {
    fn eq(&self, other: &Self) -> bool {
        self.interface == other.interface && self.name == other.name
    }
}

/// A function.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// Its WIT name.
    pub name: String,
    /// `///` comments.
    pub docs: String,
    /// Named parameters, in order.
    pub params: Vec<(String, Type)>,
    /// The result, if any.
    pub result: Option<Type>,
}

/// A world: what a component imports and exports.
#[derive(Debug, Clone)]
pub struct World {
    /// Its name.
    pub name: String,
    /// `///` comments.
    pub docs: String,
    /// What the guest imports (the host provides).
    pub imports: Vec<WorldItem>,
    /// What the guest exports (the host calls).
    pub exports: Vec<WorldItem>,
}

/// One import or export of a world.
#[derive(Debug, Clone, PartialEq)]
pub enum WorldItem {
    /// A whole interface, by qualified name (inline interfaces are added to
    /// the package under their own name).
    Interface(String),
    /// A bare function (exported under its own name, docs/abi.md §3.2).
    Function(Function),
}

impl std::fmt::Display for Type {
    /// WIT syntax; named types by their bare name.
    ///
    /// ```
    /// use packr_runtime::wit::Type;
    /// let t = Type::Result { ok: None, err: Some(Box::new(Type::List(Box::new(Type::U8)))) };
    /// assert_eq!(t.to_string(), "result<_, list<u8>>");
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let simple = match self {
            Type::Bool => "bool",
            Type::U8 => "u8",
            Type::U16 => "u16",
            Type::U32 => "u32",
            Type::U64 => "u64",
            Type::S8 => "s8",
            Type::S16 => "s16",
            Type::S32 => "s32",
            Type::S64 => "s64",
            Type::F32 => "f32",
            Type::F64 => "f64",
            Type::Char => "char",
            Type::String => "string",
            Type::Value => "value",
            Type::List(t) => return write!(f, "list<{t}>"),
            Type::Option(t) => return write!(f, "option<{t}>"),
            Type::Result {
                ok: None,
                err: None,
            } => "result",
            Type::Result {
                ok: Some(o),
                err: None,
            } => return write!(f, "result<{o}>"),
            Type::Result {
                ok: None,
                err: Some(e),
            } => return write!(f, "result<_, {e}>"),
            Type::Result {
                ok: Some(o),
                err: Some(e),
            } => return write!(f, "result<{o}, {e}>"),
            Type::Tuple(items) => {
                f.write_str("tuple<")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                return f.write_str(">");
            }
            Type::Named(r) => &r.name,
        };
        f.write_str(simple)
    }
}

impl std::fmt::Display for Function {
    /// The declaration as written in WIT.
    ///
    /// ```
    /// let pkg = packr_runtime::wit::Package::parse("a.wit+", "package a:b; interface i { f: func(x: u8, y: list<string>) -> bool; }")?;
    /// let f = pkg.interface("i").unwrap().function("f").unwrap();
    /// assert_eq!(f.to_string(), "f: func(x: u8, y: list<string>) -> bool");
    /// # Ok::<(), packr_runtime::wit::WitError>(())
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: func(", self.name)?;
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
