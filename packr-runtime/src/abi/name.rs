//! Type, case and field names of dynamic values.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// Longest name stored without a heap allocation.
const INLINE_CAP: usize = 22;

/// A type, case or field name in a [`Value`](super::Value) or
/// [`ValueType`](super::ValueType).
///
/// Names are short and repeat in every node of a buffer, so a name of up to
/// 22 bytes lives inline and longer names share one reference-counted
/// string: decoding a value allocates nothing for its names, and cloning a
/// name never copies a heap string. A `Name` reads as a `&str` (it derefs
/// to one) and compares equal to strings.
///
/// ```
/// use packr_runtime::abi::Name;
/// let name = Name::from("point");
/// assert_eq!(name, "point");
/// assert_eq!(name.len(), 5);
/// assert_eq!(name.to_uppercase(), "POINT");
/// let long = Name::from("a-type-name-longer-than-twenty-two-bytes".to_string());
/// assert_eq!(long.clone(), long);
/// ```
#[derive(Clone)]
pub struct Name(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE_CAP] },
    Shared(Arc<str>),
}

impl Name {
    /// A name holding a copy of `s`.
    ///
    /// ```
    /// use packr_runtime::abi::Name;
    /// assert_eq!(Name::new("leaf").as_str(), "leaf");
    /// ```
    #[inline]
    pub fn new(s: &str) -> Name {
        if s.len() <= INLINE_CAP {
            let mut bytes = [0; INLINE_CAP];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Name(Repr::Inline {
                len: s.len() as u8,
                bytes,
            })
        } else {
            Name(Repr::Shared(Arc::from(s)))
        }
    }

    /// The name as a string slice.
    ///
    /// ```
    /// use packr_runtime::abi::Name;
    /// assert_eq!(Name::new("x").as_str(), "x");
    /// ```
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                let bytes = &bytes[..*len as usize];
                // SAFETY: the bytes were copied from a `&str` in `new`, and
                // `len` ends on the same boundary that string ended on.
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            Repr::Shared(s) => s,
        }
    }
}

impl Default for Name {
    fn default() -> Self {
        Name::new("")
    }
}

impl Deref for Name {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name::new(s)
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name::new(s)
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        if s.len() <= INLINE_CAP {
            Name::new(&s)
        } else {
            Name(Repr::Shared(Arc::from(s)))
        }
    }
}

impl From<Name> for String {
    fn from(name: Name) -> Self {
        name.as_str().to_owned()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Name {
    #[inline]
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Name {}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Name {
    // Hashes as the `str` it borrows as, so maps keyed by `Name` can be
    // queried with a `&str`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

macro_rules! eq_with_strings {
    ($($other:ty),*) => {$(
        impl PartialEq<$other> for Name {
            #[inline]
            fn eq(&self, other: &$other) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }

        impl PartialEq<Name> for $other {
            #[inline]
            fn eq(&self, other: &Name) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}

eq_with_strings!(str, &str, String);

#[cfg(feature = "serde")]
impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a name")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Name, E> {
                Ok(Name::new(s))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn inline_and_shared_names_read_back_and_compare_as_strings() {
        for s in [
            "",
            "x",
            "exactly-twenty-two-byt",
            "twenty-three-bytes-long",
            "ünïcødé-nämé-über-22-bytes",
        ] {
            let name = Name::new(s);
            assert_eq!(name.as_str(), s);
            assert_eq!(name, s);
            assert_eq!(s, name);
            assert_eq!(Name::from(s.to_string()), name);
            assert_eq!(String::from(name.clone()), s);
            assert_eq!(format!("{name}"), s);
            assert_eq!(format!("{name:?}"), format!("{s:?}"));
        }
        assert!(matches!(
            Name::new("exactly-twenty-two-byt").0,
            Repr::Inline { .. }
        ));
        assert!(matches!(
            Name::new("twenty-three-bytes-long").0,
            Repr::Shared(_)
        ));
        assert_eq!(std::mem::size_of::<Name>(), 24);
    }

    #[test]
    fn maps_keyed_by_name_are_queried_with_str() {
        let mut m = HashMap::new();
        m.insert(Name::new("a-long-field-name-beyond-inline"), 1);
        m.insert(Name::new("id"), 2);
        assert_eq!(m.get("a-long-field-name-beyond-inline"), Some(&1));
        assert_eq!(m.get("id"), Some(&2));
        assert!(Name::new("a") < Name::new("b"));
    }
}
