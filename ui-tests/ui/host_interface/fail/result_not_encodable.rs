struct Opaque;

struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    fn give(&self) -> Opaque {
        Opaque
    }
}

fn main() {}
