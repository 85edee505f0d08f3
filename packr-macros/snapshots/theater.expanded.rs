const _: &str = include_str!("$WORKSPACE/packr-macros/../wit/theater.wit+");
#[doc = "Types shared by the interfaces below."]
#[allow(dead_code, clippy::all)]
pub mod types {
    #[doc = "A message: text, bytes, numbers, or a list of messages."]
    #[derive(:: packr :: GraphValue, Debug, Clone, PartialEq)]
    #[graph(rename = "message")]
    pub enum Message {
        #[graph(rename = "text")]
        Text(::std::string::String),
        #[graph(rename = "bytes")]
        Bytes(::std::vec::Vec<u8>),
        #[graph(rename = "number")]
        Number(i64),
        #[graph(rename = "batch")]
        Batch(::std::vec::Vec<super::types::Message>),
    }
    #[doc = "How an actor answers a message."]
    #[derive(:: packr :: GraphValue, Debug, Clone, PartialEq)]
    #[graph(rename = "reply")]
    pub struct Reply {
        #[doc = "What the actor says back."]
        #[graph(rename = "body")]
        pub body: ::core::option::Option<super::types::Message>,
        #[doc = "Whether the actor wants to stop."]
        #[graph(rename = "stop")]
        pub stop: bool,
    }
}
#[doc = "What the host offers every actor."]
#[allow(dead_code, clippy::all)]
pub mod runtime {
    #[doc = r" What the host implements for this interface."]
    pub trait Host: Send {
        #[doc = "Writes a line to the host's log."]
        fn log(&mut self, msg: ::std::string::String) -> ();
        #[doc = "The actor's id (`self` is a Rust keyword: the host renames it)."]
        fn self_(&mut self) -> ::std::string::String;
        #[doc = "Asks the host to stop this actor, handing over its final state."]
        fn shutdown(
            &mut self,
            data: ::core::option::Option<::std::vec::Vec<u8>>,
        ) -> impl ::core::future::Future<Output = ::core::result::Result<(), ::std::string::String>> + Send;
    }
    #[doc = r" Registers `U`'s implementation, reached through `get` from"]
    #[doc = r" the store state, as interface"]
    #[doc = "theater:simple/runtime"]
    pub fn add_to_linker<T: Send + 'static, U: Host + 'static>(
        host: &mut ::packr::host::HostBuilder<T>,
        get: fn(&mut T) -> &mut U,
    ) -> ::core::result::Result<(), ::packr::host::RegistrationError> {
        let mut iface = host.interface("theater:simple/runtime");
        iface.func("log", move |cx, msg: ::std::string::String| {
            U::log(get(cx.data_mut()), msg)
        })?;
        iface.func("self", move |cx, (): ()| U::self_(get(cx.data_mut())))?;
        iface.func_async(
            "shutdown",
            move |mut cx: ::packr::host::Ctx<'_, T>,
                  data: ::core::option::Option<::std::vec::Vec<u8>>| {
                ::std::boxed::Box::pin(async move { U::shutdown(get(cx.data_mut()), data).await })
            },
        )?;
        ::core::result::Result::Ok(())
    }
}
#[doc = "A content-addressed store."]
#[allow(dead_code, clippy::all)]
pub mod store {
    #[doc = r" What the host implements for this interface."]
    pub trait Host: Send {
        #[doc = "Stores `content`; returns its key."]
        fn store(
            &mut self,
            store_id: ::std::string::String,
            content: ::std::vec::Vec<u8>,
        ) -> impl ::core::future::Future<
            Output = ::core::result::Result<::std::string::String, ::std::string::String>,
        > + Send;
        #[doc = "Loads what `store` stored under `key`."]
        fn load(
            &mut self,
            store_id: ::std::string::String,
            key: ::std::string::String,
        ) -> ::core::result::Result<::std::vec::Vec<u8>, ::std::string::String>;
    }
    #[doc = r" Registers `U`'s implementation, reached through `get` from"]
    #[doc = r" the store state, as interface"]
    #[doc = "theater:simple/store"]
    pub fn add_to_linker<T: Send + 'static, U: Host + 'static>(
        host: &mut ::packr::host::HostBuilder<T>,
        get: fn(&mut T) -> &mut U,
    ) -> ::core::result::Result<(), ::packr::host::RegistrationError> {
        let mut iface = host.interface("theater:simple/store");
        iface.func_async(
            "store",
            move |mut cx: ::packr::host::Ctx<'_, T>,
                  (store_id, content): (::std::string::String, ::std::vec::Vec<u8>)| {
                ::std::boxed::Box::pin(async move {
                    U::store(get(cx.data_mut()), store_id, content).await
                })
            },
        )?;
        iface.func(
            "load",
            move |cx, (store_id, key): (::std::string::String, ::std::string::String)| {
                U::load(get(cx.data_mut()), store_id, key)
            },
        )?;
        ::core::result::Result::Ok(())
    }
}
#[doc = "Time, for actors that need it."]
#[allow(dead_code, clippy::all)]
pub mod timer {
    #[doc = r" What the host implements for this interface."]
    pub trait Host: Send {
        #[doc = "Milliseconds since the Unix epoch."]
        fn now(&mut self) -> u64;
    }
    #[doc = r" Registers `U`'s implementation, reached through `get` from"]
    #[doc = r" the store state, as interface"]
    #[doc = "theater:simple/timer"]
    pub fn add_to_linker<T: Send + 'static, U: Host + 'static>(
        host: &mut ::packr::host::HostBuilder<T>,
        get: fn(&mut T) -> &mut U,
    ) -> ::core::result::Result<(), ::packr::host::RegistrationError> {
        let mut iface = host.interface("theater:simple/timer");
        iface.func("now", move |cx, (): ()| U::now(get(cx.data_mut())))?;
        ::core::result::Result::Ok(())
    }
}
#[allow(dead_code, clippy::all)]
pub mod actor {
    pub type Message = super::types::Message;
    pub type Reply = super::types::Reply;
    #[doc = r" Typed calls into the guest's exports."]
    pub struct Exports<'i, T: 'static> {
        instance: &'i mut ::packr::engine::Instance<T>,
    }
    impl<'i, T: Send + 'static> Exports<'i, T> {
        #[doc = r" The exports of `instance`."]
        pub fn new(instance: &'i mut ::packr::engine::Instance<T>) -> Self {
            Exports { instance }
        }
        #[doc = "Calls the guest's `theater:simple/actor.init`."]
        pub fn call_init(
            &mut self,
            state: ::core::option::Option<::std::vec::Vec<u8>>,
        ) -> ::core::result::Result<
            ::core::result::Result<::std::vec::Vec<u8>, ::std::string::String>,
            ::packr::engine::Error,
        > {
            self.instance.call("theater:simple/actor.init", &state)
        }
        #[doc = "Calls the guest's `theater:simple/actor.init`."]
        pub async fn call_init_async(
            &mut self,
            state: ::core::option::Option<::std::vec::Vec<u8>>,
        ) -> ::core::result::Result<
            ::core::result::Result<::std::vec::Vec<u8>, ::std::string::String>,
            ::packr::engine::Error,
        > {
            self.instance
                .call_async("theater:simple/actor.init", &state)
                .await
        }
        #[doc = "Calls the guest's `theater:simple/actor.handle`."]
        pub fn call_handle(
            &mut self,
            state: ::std::vec::Vec<u8>,
            msg: super::actor::Message,
        ) -> ::core::result::Result<
            ::core::result::Result<
                (::std::vec::Vec<u8>, super::actor::Reply),
                ::std::string::String,
            >,
            ::packr::engine::Error,
        > {
            self.instance
                .call("theater:simple/actor.handle", &(state, msg))
        }
        #[doc = "Calls the guest's `theater:simple/actor.handle`."]
        pub async fn call_handle_async(
            &mut self,
            state: ::std::vec::Vec<u8>,
            msg: super::actor::Message,
        ) -> ::core::result::Result<
            ::core::result::Result<
                (::std::vec::Vec<u8>, super::actor::Reply),
                ::std::string::String,
            >,
            ::packr::engine::Error,
        > {
            self.instance
                .call_async("theater:simple/actor.handle", &(state, msg))
                .await
        }
    }
}
