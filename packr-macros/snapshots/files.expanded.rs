const _: &str = include_str!("$WORKSPACE/packr-macros/../wit/files.wit+");
#[allow(dead_code, clippy::all)]
pub mod types {
    #[doc = "Permission bits."]
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Mode {
        bits: u64,
    }
    impl Mode {
        #[doc = "The `read` flag."]
        pub const READ: Self = Self { bits: 1u64 };
        #[doc = "The `write` flag."]
        pub const WRITE: Self = Self { bits: 2u64 };
        #[doc = "The `exec` flag."]
        pub const EXEC: Self = Self { bits: 4u64 };
        #[doc = r" No flag set."]
        pub const fn empty() -> Self {
            Self { bits: 0 }
        }
        #[doc = r" Every declared flag set."]
        pub const fn all() -> Self {
            Self { bits: 7u64 }
        }
        #[doc = r" The mask (flag `i` of the declaration is bit `i`)."]
        pub const fn bits(self) -> u64 {
            self.bits
        }
        #[doc = r" The set for `bits`, or `None` when a bit is not a declared flag."]
        pub const fn from_bits(bits: u64) -> ::core::option::Option<Self> {
            if bits & !7u64 == 0 {
                ::core::option::Option::Some(Self { bits })
            } else {
                ::core::option::Option::None
            }
        }
        #[doc = r" True when no flag is set."]
        pub const fn is_empty(self) -> bool {
            self.bits == 0
        }
        #[doc = r" True when every flag of `other` is set."]
        pub const fn contains(self, other: Self) -> bool {
            self.bits & other.bits == other.bits
        }
        #[doc = r" Sets the flags of `other`."]
        pub fn insert(&mut self, other: Self) {
            self.bits |= other.bits;
        }
        #[doc = r" Clears the flags of `other`."]
        pub fn remove(&mut self, other: Self) {
            self.bits &= !other.bits;
        }
    }
    impl ::core::ops::BitOr for Mode {
        type Output = Self;
        fn bitor(self, other: Self) -> Self {
            Self {
                bits: self.bits | other.bits,
            }
        }
    }
    impl ::core::ops::BitAnd for Mode {
        type Output = Self;
        fn bitand(self, other: Self) -> Self {
            Self {
                bits: self.bits & other.bits,
            }
        }
    }
    impl ::core::ops::BitOrAssign for Mode {
        fn bitor_assign(&mut self, other: Self) {
            self.bits |= other.bits;
        }
    }
    impl ::core::fmt::Debug for Mode {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let names: &[&str] = &["read", "write", "exec"];
            let set: ::std::vec::Vec<&str> = names
                .iter()
                .enumerate()
                .filter(|(i, _)| self.bits & (1u64 << i) != 0)
                .map(|(_, n)| *n)
                .collect();
            write!(f, "{}{{{}}}", "mode", set.join(", "))
        }
    }
    impl ::packr::GraphValue for Mode {
        fn write_type(_: ::core::option::Option<&Self>, out: &mut ::std::vec::Vec<u8>) {
            out.push(::packr::abi::Kind::Flags as u8);
        }
        fn encode_node(
            &self,
            enc: &mut ::packr::abi::Encoder,
        ) -> ::core::result::Result<u32, ::packr::abi::AbiError> {
            ::core::result::Result::Ok(::packr::abi::flags::encode(self.bits, enc))
        }
        fn decode_node(
            dec: &mut ::packr::abi::Decoder<'_>,
            index: u32,
        ) -> ::core::result::Result<Self, ::packr::abi::AbiError> {
            ::packr::abi::flags::decode(dec, index, 7u64).map(|bits| Self { bits })
        }
        const ARRAY_ELEMENT: ::core::option::Option<::packr::abi::Kind> =
            ::core::option::Option::Some(::packr::abi::Kind::Flags);
        const SCALAR: ::core::option::Option<::packr::abi::Kind> =
            ::core::option::Option::Some(::packr::abi::Kind::Flags);
        fn flat_bits(&self) -> u64 {
            self.bits
        }
        fn from_flat_bits(bits: u64) -> ::core::option::Option<Self> {
            (bits & !7u64 == 0).then_some(Self { bits })
        }
        fn encode_array<'x>(
            items: impl ::core::iter::Iterator<Item = &'x Self>,
            out: &mut ::std::vec::Vec<u8>,
        ) {
            for item in items {
                out.extend_from_slice(&item.bits.to_le_bytes());
            }
        }
        fn decode_array(
            index: u32,
            data: &[u8],
            _count: usize,
        ) -> ::core::result::Result<::std::vec::Vec<Self>, ::packr::abi::AbiError> {
            ::core::result::Result::Ok(
                ::packr::abi::flags::decode_array(index, data, 7u64)?
                    .into_iter()
                    .map(|bits| Self { bits })
                    .collect(),
            )
        }
    }
    #[doc = "Where a file sits on a desk (embedders map it to their own type)."]
    pub type Point = crate::files::Point;
}
#[allow(dead_code, clippy::all)]
pub mod fs {
    #[doc = "A directory tree."]
    #[derive(:: packr :: GraphValue, Debug, Clone, PartialEq, Eq, Hash)]
    #[graph(rename = "entry")]
    pub struct Entry {
        #[graph(rename = "name")]
        pub name: ::std::string::String,
        #[graph(rename = "mode")]
        pub mode: super::fs::Mode,
        #[graph(rename = "children")]
        pub children: ::std::vec::Vec<super::fs::Entry>,
    }
    pub type Mode = super::types::Mode;
    pub type Point = super::types::Point;
    #[doc = r" What the host implements for this interface."]
    pub trait Host: Send {
        #[doc = "Describes the file at `path`."]
        fn stat(
            &mut self,
            path: ::std::string::String,
        ) -> ::core::result::Result<super::fs::Entry, ::std::string::String>;
        #[doc = "Adds `mode` to the file's permissions; returns the new ones."]
        fn chmod(
            &mut self,
            path: ::std::string::String,
            mode: super::fs::Mode,
        ) -> ::core::result::Result<super::fs::Mode, ::packr::host::Trap>;
        #[doc = "Moves the file on the desk."]
        fn place(&mut self, path: ::std::string::String, at: super::fs::Point) -> super::fs::Point;
        #[doc = "Every entry under `root`."]
        fn walk(
            &mut self,
            root: ::std::string::String,
        ) -> impl ::core::future::Future<Output = ::std::vec::Vec<super::fs::Entry>> + Send;
    }
    #[doc = r" Registers `U`'s implementation, reached through `get` from"]
    #[doc = r" the store state, as interface"]
    #[doc = "test:files/fs"]
    pub fn add_to_linker<T: Send + 'static, U: Host + 'static>(
        host: &mut ::packr::host::HostBuilder<T>,
        get: fn(&mut T) -> &mut U,
    ) -> ::core::result::Result<(), ::packr::host::RegistrationError> {
        let mut iface = host.interface("test:files/fs");
        iface.func("stat", move |cx, path: ::std::string::String| {
            U::stat(get(cx.data_mut()), path)
        })?;
        iface.func_trappable(
            "chmod",
            move |cx, (path, mode): (::std::string::String, super::fs::Mode)| {
                U::chmod(get(cx.data_mut()), path, mode)
            },
        )?;
        iface.func(
            "place",
            move |cx, (path, at): (::std::string::String, super::fs::Point)| {
                U::place(get(cx.data_mut()), path, at)
            },
        )?;
        iface.func_async(
            "walk",
            move |mut cx: ::packr::host::Ctx<'_, T>, root: ::std::string::String| {
                ::std::boxed::Box::pin(async move { U::walk(get(cx.data_mut()), root).await })
            },
        )?;
        ::core::result::Result::Ok(())
    }
}
#[doc = r" Typed calls into the guest's exports."]
pub struct FilesExports<'i, T: 'static> {
    instance: &'i mut ::packr::engine::Instance<T>,
}
impl<'i, T: Send + 'static> FilesExports<'i, T> {
    #[doc = r" The exports of `instance`."]
    pub fn new(instance: &'i mut ::packr::engine::Instance<T>) -> Self {
        FilesExports { instance }
    }
    #[doc = "Calls the guest's `stat`."]
    pub fn call_stat(
        &mut self,
        path: ::std::string::String,
    ) -> ::core::result::Result<
        ::core::result::Result<self::fs::Entry, ::std::string::String>,
        ::packr::engine::Error,
    > {
        self.instance.call("stat", &path)
    }
    #[doc = "Calls the guest's `stat`."]
    pub async fn call_stat_async(
        &mut self,
        path: ::std::string::String,
    ) -> ::core::result::Result<
        ::core::result::Result<self::fs::Entry, ::std::string::String>,
        ::packr::engine::Error,
    > {
        self.instance.call_async("stat", &path).await
    }
    #[doc = "Calls the guest's `chmod`."]
    pub fn call_chmod(
        &mut self,
        path: ::std::string::String,
        mode: self::fs::Mode,
    ) -> ::core::result::Result<self::fs::Mode, ::packr::engine::Error> {
        self.instance.call("chmod", &(path, mode))
    }
    #[doc = "Calls the guest's `chmod`."]
    pub async fn call_chmod_async(
        &mut self,
        path: ::std::string::String,
        mode: self::fs::Mode,
    ) -> ::core::result::Result<self::fs::Mode, ::packr::engine::Error> {
        self.instance.call_async("chmod", &(path, mode)).await
    }
    #[doc = "Calls the guest's `place`."]
    pub fn call_place(
        &mut self,
        path: ::std::string::String,
        at: self::types::Point,
    ) -> ::core::result::Result<self::types::Point, ::packr::engine::Error> {
        self.instance.call("place", &(path, at))
    }
    #[doc = "Calls the guest's `place`."]
    pub async fn call_place_async(
        &mut self,
        path: ::std::string::String,
        at: self::types::Point,
    ) -> ::core::result::Result<self::types::Point, ::packr::engine::Error> {
        self.instance.call_async("place", &(path, at)).await
    }
    #[doc = "Calls the guest's `walk`."]
    pub fn call_walk(
        &mut self,
        root: ::std::string::String,
    ) -> ::core::result::Result<::std::vec::Vec<self::fs::Entry>, ::packr::engine::Error> {
        self.instance.call("walk", &root)
    }
    #[doc = "Calls the guest's `walk`."]
    pub async fn call_walk_async(
        &mut self,
        root: ::std::string::String,
    ) -> ::core::result::Result<::std::vec::Vec<self::fs::Entry>, ::packr::engine::Error> {
        self.instance.call_async("walk", &root).await
    }
}
