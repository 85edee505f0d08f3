struct Kv;

#[packr::host_interface("test:kv/store", wit = "../../wit/kv.wit+")]
impl Kv {
    fn get(&mut self, _key: &str) -> Option<Vec<u8>> {
        None
    }
    fn put(&mut self, _e: Entry) -> Result<(), String> {
        Ok(())
    }
    fn count(&mut self) -> i64 {
        0
    }
}

#[derive(packr::GraphValue)]
struct Entry {
    key: String,
    value: Vec<u8>,
}

fn main() {}
