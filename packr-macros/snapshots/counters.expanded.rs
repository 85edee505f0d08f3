const _: &str = include_str!("$WORKSPACE/packr-macros/../wit/counters.wit+");
#[allow(dead_code, clippy::all)]
pub mod counters {
    #[doc = "A number the host keeps; the guest sees only its handle."]
    pub type Counter = crate::Counter;
    #[doc = "A number the host keeps; the guest sees only its handle."]
    #[doc = ""]
    #[doc = "What the host implements for resource `counter` of `test:counters/counters`: one method per constructor, method and static function, and `drop`."]
    pub trait HostCounter: Send {
        #[doc = "A counter starting at `start`."]
        fn new(
            &mut self,
            table: &mut ::packr::resource::ResourceTable,
            start: u32,
        ) -> ::core::result::Result<
            ::packr::resource::Resource<super::counters::Counter>,
            ::packr::resource::ResourceError,
        >;
        #[doc = "The current value."]
        fn get(
            &mut self,
            table: &mut ::packr::resource::ResourceTable,
            self_: &::packr::resource::Resource<super::counters::Counter>,
        ) -> ::core::result::Result<u32, ::packr::resource::ResourceError>;
        #[doc = "Adds `n`."]
        fn add(
            &mut self,
            table: &mut ::packr::resource::ResourceTable,
            self_: &::packr::resource::Resource<super::counters::Counter>,
            n: u32,
        ) -> ::core::result::Result<(), ::packr::resource::ResourceError>;
        #[doc = "Takes the counter (an `own` handle, moved to the host) and\nreturns its last value."]
        fn consume(
            &mut self,
            table: &mut ::packr::resource::ResourceTable,
            c: ::packr::resource::Resource<super::counters::Counter>,
        ) -> ::core::result::Result<u32, ::packr::resource::ResourceError>;
        #[doc = r" The guest dropped its handle (`[resource-drop]`); the"]
        #[doc = r" default deletes the object from the table, which"]
        #[doc = r" runs its `Drop`."]
        fn drop(
            &mut self,
            table: &mut ::packr::resource::ResourceTable,
            rep: ::packr::resource::Resource<Counter>,
        ) -> ::core::result::Result<(), ::packr::resource::ResourceError> {
            table.delete(rep).map(|_| ())
        }
    }
    #[doc = r" What the host implements for this interface."]
    pub trait Host: HostCounter + Send {
        #[doc = "The sum of two counters, both borrowed for the call."]
        fn total(
            &mut self,
            table: &mut ::packr::resource::ResourceTable,
            a: &::packr::resource::Resource<super::counters::Counter>,
            b: &::packr::resource::Resource<super::counters::Counter>,
        ) -> ::core::result::Result<u32, ::packr::resource::ResourceError>;
    }
    #[doc = r" Registers `U`'s implementation, reached through `get` from"]
    #[doc = r" the store state, as interface"]
    #[doc = "test:counters/counters"]
    pub fn add_to_linker<T: Send + 'static, U: Host + 'static>(
        host: &mut ::packr::host::HostBuilder<T>,
        get: fn(&mut T) -> &mut U,
    ) -> ::core::result::Result<(), ::packr::host::RegistrationError> {
        let mut iface = host.interface("test:counters/counters");
        {
            let limits = iface.limits();
            iface.func_codec("total", move |cx, input, out| {
                let (a, b): (u32, u32) = ::packr::abi::decode_as_with_limits(input, &limits)
                    .map_err(::packr::host::HostError::BadInput)?;
                let (data, table) = cx.data_and_table();
                let a = table.borrow_from_guest::<super::counters::Counter>(a)?;
                let b = table.borrow_from_guest::<super::counters::Counter>(b)?;
                let result = <U as Host>::total(get(data), table, &a, &b)?;
                ::packr::host::encode_result(&result, ::packr::host::reply_wire(input), out)
            })?;
        }
        {
            let limits = iface.limits();
            iface.func_codec("[constructor]counter", move |cx, input, out| {
                let start: u32 = ::packr::abi::decode_as_with_limits(input, &limits)
                    .map_err(::packr::host::HostError::BadInput)?;
                let (data, table) = cx.data_and_table();
                let result = <U as HostCounter>::new(get(data), table, start)?;
                let result = table.to_guest(result)?;
                ::packr::host::encode_result(&result, ::packr::host::reply_wire(input), out)
            })?;
        }
        {
            let limits = iface.limits();
            iface.func_codec("[method]counter.get", move |cx, input, out| {
                let self_: u32 = ::packr::abi::decode_as_with_limits(input, &limits)
                    .map_err(::packr::host::HostError::BadInput)?;
                let (data, table) = cx.data_and_table();
                let self_ = table.borrow_from_guest::<super::counters::Counter>(self_)?;
                let result = <U as HostCounter>::get(get(data), table, &self_)?;
                ::packr::host::encode_result(&result, ::packr::host::reply_wire(input), out)
            })?;
        }
        {
            let limits = iface.limits();
            iface.func_codec("[method]counter.add", move |cx, input, out| {
                let (self_, n): (u32, u32) = ::packr::abi::decode_as_with_limits(input, &limits)
                    .map_err(::packr::host::HostError::BadInput)?;
                let (data, table) = cx.data_and_table();
                let self_ = table.borrow_from_guest::<super::counters::Counter>(self_)?;
                let result = <U as HostCounter>::add(get(data), table, &self_, n)?;
                ::packr::host::encode_result(&result, ::packr::host::reply_wire(input), out)
            })?;
        }
        {
            let limits = iface.limits();
            iface.func_codec("[static]counter.consume", move |cx, input, out| {
                let c: u32 = ::packr::abi::decode_as_with_limits(input, &limits)
                    .map_err(::packr::host::HostError::BadInput)?;
                let (data, table) = cx.data_and_table();
                let c = table.own_from_guest::<super::counters::Counter>(c)?;
                let result = <U as HostCounter>::consume(get(data), table, c)?;
                ::packr::host::encode_result(&result, ::packr::host::reply_wire(input), out)
            })?;
        }
        {
            let limits = iface.limits();
            iface.func_codec("[resource-drop]counter", move |cx, input, out| {
                let handle: u32 = ::packr::abi::decode_as_with_limits(input, &limits)
                    .map_err(::packr::host::HostError::BadInput)?;
                let (data, table) = cx.data_and_table();
                let rep = table.drop_from_guest::<Counter>(handle)?;
                <U as HostCounter>::drop(get(data), table, rep)?;
                ::packr::host::encode_result(&(), ::packr::host::reply_wire(input), out)
            })?;
        }
        ::core::result::Result::Ok(())
    }
}
#[allow(dead_code, clippy::all)]
pub mod app {
    #[doc = r" Typed calls into the guest's exports."]
    pub struct Exports<'i, T: 'static> {
        instance: &'i mut ::packr::engine::Instance<T>,
    }
    impl<'i, T: Send + 'static> Exports<'i, T> {
        #[doc = r" The exports of `instance`."]
        pub fn new(instance: &'i mut ::packr::engine::Instance<T>) -> Self {
            Exports { instance }
        }
        #[doc = "Calls the guest's `test:counters/app.new`."]
        pub fn call_new(
            &mut self,
            start: u32,
        ) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance.call("test:counters/app.new", &start)
        }
        #[doc = "Calls the guest's `test:counters/app.new`."]
        pub async fn call_new_async(
            &mut self,
            start: u32,
        ) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance
                .call_async("test:counters/app.new", &start)
                .await
        }
        #[doc = "Calls the guest's `test:counters/app.get`."]
        pub fn call_get(&mut self, h: u32) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance.call("test:counters/app.get", &h)
        }
        #[doc = "Calls the guest's `test:counters/app.get`."]
        pub async fn call_get_async(
            &mut self,
            h: u32,
        ) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance.call_async("test:counters/app.get", &h).await
        }
        #[doc = "Calls the guest's `test:counters/app.bump`."]
        pub fn call_bump(&mut self, h: u32) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance.call("test:counters/app.bump", &h)
        }
        #[doc = "Calls the guest's `test:counters/app.bump`."]
        pub async fn call_bump_async(
            &mut self,
            h: u32,
        ) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance.call_async("test:counters/app.bump", &h).await
        }
        #[doc = "Calls the guest's `test:counters/app.consume`."]
        pub fn call_consume(
            &mut self,
            h: u32,
        ) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance.call("test:counters/app.consume", &h)
        }
        #[doc = "Calls the guest's `test:counters/app.consume`."]
        pub async fn call_consume_async(
            &mut self,
            h: u32,
        ) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance
                .call_async("test:counters/app.consume", &h)
                .await
        }
        #[doc = "Calls the guest's `test:counters/app.drop`."]
        pub fn call_drop(&mut self, h: u32) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance.call("test:counters/app.drop", &h)
        }
        #[doc = "Calls the guest's `test:counters/app.drop`."]
        pub async fn call_drop_async(
            &mut self,
            h: u32,
        ) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance.call_async("test:counters/app.drop", &h).await
        }
        #[doc = "Calls the guest's `test:counters/app.twice`."]
        pub fn call_twice(
            &mut self,
            h: u32,
        ) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance.call("test:counters/app.twice", &h)
        }
        #[doc = "Calls the guest's `test:counters/app.twice`."]
        pub async fn call_twice_async(
            &mut self,
            h: u32,
        ) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance
                .call_async("test:counters/app.twice", &h)
                .await
        }
        #[doc = "Calls the guest's `test:counters/app.leak`."]
        pub fn call_leak(&mut self, n: u32) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance.call("test:counters/app.leak", &n)
        }
        #[doc = "Calls the guest's `test:counters/app.leak`."]
        pub async fn call_leak_async(
            &mut self,
            n: u32,
        ) -> ::core::result::Result<u32, ::packr::engine::Error> {
            self.instance.call_async("test:counters/app.leak", &n).await
        }
    }
}
