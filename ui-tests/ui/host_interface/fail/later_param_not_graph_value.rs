// The type that is not a `GraphValue` is the second parameter: the error
// is on it, not on the first.
struct Opaque;

struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    fn two(&mut self, label: String, payload: Opaque) -> u32 {
        let _ = (label, payload);
        0
    }
}

fn main() {}
