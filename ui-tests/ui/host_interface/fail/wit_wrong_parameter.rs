// `wit = ...` checks the impl against the WIT+ declaration.
struct Kv;

#[packr::host_interface("test:kv/store", wit = "../../wit/kv.wit+")]
impl Kv {
    fn get(&mut self, key: u32) -> Option<Vec<u8>> {
        let _ = key;
        None
    }
    fn put(&mut self, _e: Entry) -> Result<(), String> {
        Ok(())
    }
    fn count(&mut self) -> u32 {
        0
    }
}

#[derive(packr::GraphValue)]
struct Entry {
    key: String,
    value: Vec<u8>,
}

fn main() {}
