struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    fn get_value(&self) -> u32 {
        1
    }

    #[host(name = "get-value")]
    fn value(&self) -> u32 {
        2
    }
}

fn main() {}
