struct Opaque;

struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    fn take(&mut self, value: Opaque) -> u32 {
        let _ = value;
        0
    }
}

fn main() {}
