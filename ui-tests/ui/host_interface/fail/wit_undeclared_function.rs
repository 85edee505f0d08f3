struct Kv;

#[packr::host_interface("test:kv/store", wit = "../../wit/kv.wit+")]
impl Kv {
    fn get(&mut self, _key: String) -> Option<Vec<u8>> {
        None
    }
    fn put(&mut self, _e: Entry) -> Result<(), String> {
        Ok(())
    }
    fn count(&mut self) -> u32 {
        0
    }
    fn clear(&mut self) {}
}

#[derive(packr::GraphValue)]
struct Entry {
    key: String,
    value: Vec<u8>,
}

fn main() {}
