// A user type must be the declared named type (`entry`), by name.
struct Kv;

#[packr::host_interface("test:kv/store", wit = "../../wit/kv.wit+")]
impl Kv {
    fn get(&mut self, _key: String) -> Option<Vec<u8>> {
        None
    }
    fn put(&mut self, _e: Vec<u8>) -> Result<(), String> {
        Ok(())
    }
    fn count(&mut self) -> u32 {
        0
    }
}

fn main() {}
