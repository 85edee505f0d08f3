struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    fn echo<T: packr::GraphValue>(&self, value: T) -> T {
        value
    }
}

fn main() {}
