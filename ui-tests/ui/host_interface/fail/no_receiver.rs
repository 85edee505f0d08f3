struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    fn double(x: u32) -> u32 {
        x * 2
    }
}

fn main() {}
