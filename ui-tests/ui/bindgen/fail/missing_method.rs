packr::bindgen!("../../wit/kv.wit+");

struct Kv;

impl store::Host for Kv {
    fn get(&mut self, _key: String) -> Option<Vec<u8>> {
        None
    }
    fn put(&mut self, _e: store::Entry) -> Result<(), String> {
        Ok(())
    }
}

fn main() {}
