//! Node kinds of the CGRF wire format (docs/abi.md §1.3).

/// The kind byte that starts every node, and the tag byte of type descriptors.
///
/// ```
/// use packr_runtime::abi::Kind;
/// assert_eq!(Kind::from_u8(0x0C), Some(Kind::U8));
/// assert_eq!(Kind::U8.fixed_width(), Some(1));
/// assert_eq!(Kind::List.fixed_width(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum Kind {
    Bool = 0x01,
    S32 = 0x02,
    S64 = 0x03,
    F32 = 0x04,
    F64 = 0x05,
    String = 0x06,
    List = 0x07,
    Variant = 0x08,
    Record = 0x09,
    Option = 0x0A,
    Tuple = 0x0B,
    U8 = 0x0C,
    U16 = 0x0D,
    U32 = 0x0E,
    U64 = 0x0F,
    S8 = 0x10,
    S16 = 0x11,
    Char = 0x12,
    Flags = 0x13,
    Result = 0x14,
    Array = 0x15,
}

impl Kind {
    /// The kind for a byte read off the wire, `None` for an unknown code.
    #[inline]
    pub const fn from_u8(byte: u8) -> Option<Kind> {
        Some(match byte {
            0x01 => Kind::Bool,
            0x02 => Kind::S32,
            0x03 => Kind::S64,
            0x04 => Kind::F32,
            0x05 => Kind::F64,
            0x06 => Kind::String,
            0x07 => Kind::List,
            0x08 => Kind::Variant,
            0x09 => Kind::Record,
            0x0A => Kind::Option,
            0x0B => Kind::Tuple,
            0x0C => Kind::U8,
            0x0D => Kind::U16,
            0x0E => Kind::U32,
            0x0F => Kind::U64,
            0x10 => Kind::S8,
            0x11 => Kind::S16,
            0x12 => Kind::Char,
            0x13 => Kind::Flags,
            0x14 => Kind::Result,
            0x15 => Kind::Array,
            _ => return None,
        })
    }

    /// Width in bytes of a fixed-width primitive (the element types packed
    /// into an array node), `None` for every other kind.
    #[inline]
    pub const fn fixed_width(self) -> Option<usize> {
        match self {
            Kind::Bool | Kind::U8 | Kind::S8 => Some(1),
            Kind::U16 | Kind::S16 => Some(2),
            Kind::U32 | Kind::S32 | Kind::F32 | Kind::Char => Some(4),
            Kind::U64 | Kind::S64 | Kind::F64 | Kind::Flags => Some(8),
            _ => None,
        }
    }

    /// The WIT spelling of the kind, used in error messages.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Bool => "bool",
            Kind::S32 => "s32",
            Kind::S64 => "s64",
            Kind::F32 => "f32",
            Kind::F64 => "f64",
            Kind::String => "string",
            Kind::List => "list",
            Kind::Variant => "variant",
            Kind::Record => "record",
            Kind::Option => "option",
            Kind::Tuple => "tuple",
            Kind::U8 => "u8",
            Kind::U16 => "u16",
            Kind::U32 => "u32",
            Kind::U64 => "u64",
            Kind::S8 => "s8",
            Kind::S16 => "s16",
            Kind::Char => "char",
            Kind::Flags => "flags",
            Kind::Result => "result",
            Kind::Array => "array",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
