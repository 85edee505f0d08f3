const _: &str = include_str!("$WORKSPACE/packr-macros/../wit/tree.wit+");
#[allow(dead_code, clippy::all)]
pub mod types {
    #[doc = "A tree that refers to itself directly and through a list."]
    #[derive(:: packr :: GraphValue, Debug, Clone, PartialEq)]
    #[graph(rename = "tree")]
    pub enum Tree {
        #[graph(rename = "leaf")]
        Leaf(i64),
        #[graph(rename = "pair")]
        Pair(
            (
                ::std::boxed::Box<super::types::Tree>,
                ::std::boxed::Box<super::types::Tree>,
            ),
        ),
        #[graph(rename = "many")]
        Many(::std::vec::Vec<super::types::Tree>),
    }
    #[derive(:: packr :: GraphValue, Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[graph(rename = "color")]
    pub enum Color {
        #[graph(rename = "red")]
        Red,
        #[graph(rename = "green")]
        Green,
    }
    #[doc = "A chain of labelled nodes."]
    #[derive(:: packr :: GraphValue, Debug, Clone, PartialEq)]
    #[graph(rename = "node")]
    pub struct Node {
        #[graph(rename = "label")]
        pub label: ::std::string::String,
        #[graph(rename = "color")]
        pub color: super::types::Color,
        #[graph(rename = "child")]
        pub child: ::core::option::Option<::std::boxed::Box<super::types::Node>>,
    }
}
#[allow(dead_code, clippy::all)]
pub mod host {
    pub type Tree = super::types::Tree;
    pub type Node = super::types::Node;
    #[doc = r" What the host implements for this interface."]
    pub trait Host: Send {
        #[doc = "Mirrors a tree: pairs swap, lists reverse."]
        fn mirror(&mut self, t: super::host::Tree) -> super::host::Tree;
        #[doc = "How many nodes the chain has."]
        fn depth(
            &mut self,
            n: super::host::Node,
            limit: u32,
        ) -> ::core::result::Result<u32, ::std::string::String>;
    }
    #[doc = r" Registers `U`'s implementation, reached through `get` from"]
    #[doc = r" the store state, as interface"]
    #[doc = "test:tree/host"]
    pub fn add_to_linker<T: Send + 'static, U: Host + 'static>(
        host: &mut ::packr::host::HostBuilder<T>,
        get: fn(&mut T) -> &mut U,
    ) -> ::core::result::Result<(), ::packr::host::RegistrationError> {
        let mut iface = host.interface("test:tree/host");
        iface.func("mirror", move |cx, t: super::host::Tree| {
            U::mirror(get(cx.data_mut()), t)
        })?;
        iface.func("depth", move |cx, (n, limit): (super::host::Node, u32)| {
            U::depth(get(cx.data_mut()), n, limit)
        })?;
        ::core::result::Result::Ok(())
    }
}
#[doc = r" Typed calls into the guest's exports."]
pub struct MirrorExports<'i, T: 'static> {
    instance: &'i mut ::packr::engine::Instance<T>,
}
impl<'i, T: Send + 'static> MirrorExports<'i, T> {
    #[doc = r" The exports of `instance`."]
    pub fn new(instance: &'i mut ::packr::engine::Instance<T>) -> Self {
        MirrorExports { instance }
    }
    #[doc = "Calls the guest's `run`."]
    pub fn call_run(
        &mut self,
        t: self::types::Tree,
    ) -> ::core::result::Result<self::types::Tree, ::packr::engine::Error> {
        self.instance.call("run", &t)
    }
    #[doc = "Calls the guest's `run`."]
    pub async fn call_run_async(
        &mut self,
        t: self::types::Tree,
    ) -> ::core::result::Result<self::types::Tree, ::packr::engine::Error> {
        self.instance.call_async("run", &t).await
    }
    #[doc = "Calls the guest's `measure`."]
    pub fn call_measure(
        &mut self,
        n: self::types::Node,
        limit: u32,
    ) -> ::core::result::Result<
        ::core::result::Result<u32, ::std::string::String>,
        ::packr::engine::Error,
    > {
        self.instance.call("measure", &(n, limit))
    }
    #[doc = "Calls the guest's `measure`."]
    pub async fn call_measure_async(
        &mut self,
        n: self::types::Node,
        limit: u32,
    ) -> ::core::result::Result<
        ::core::result::Result<u32, ::std::string::String>,
        ::packr::engine::Error,
    > {
        self.instance.call_async("measure", &(n, limit)).await
    }
}
