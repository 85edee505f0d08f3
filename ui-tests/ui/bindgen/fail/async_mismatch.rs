// `count` is sync unless the macro's `async` option says otherwise.
packr::bindgen!("../../wit/kv.wit+");

struct Kv;

impl store::Host for Kv {
    fn get(&mut self, _key: String) -> Option<Vec<u8>> {
        None
    }
    fn put(&mut self, _e: store::Entry) -> Result<(), String> {
        Ok(())
    }
    async fn count(&mut self) -> u32 {
        0
    }
}

fn main() {}
