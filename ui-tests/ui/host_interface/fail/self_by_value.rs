struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    fn consume(self) -> u32 {
        0
    }
}

fn main() {}
