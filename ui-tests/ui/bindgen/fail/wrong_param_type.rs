packr::bindgen!("../../wit/kv.wit+");

struct Kv;

impl store::Host for Kv {
    fn get(&mut self, key: u32) -> Option<Vec<u8>> {
        let _ = key;
        None
    }
    fn put(&mut self, _e: store::Entry) -> Result<(), String> {
        Ok(())
    }
    fn count(&mut self) -> u32 {
        0
    }
}

fn main() {}
