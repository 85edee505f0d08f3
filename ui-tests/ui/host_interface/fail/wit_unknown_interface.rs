struct Kv;

#[packr::host_interface("test:kv/stores", wit = "../../wit/kv.wit+")]
impl Kv {
    fn count(&mut self) -> u32 {
        0
    }
}

fn main() {}
