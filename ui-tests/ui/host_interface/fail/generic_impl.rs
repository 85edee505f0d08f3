struct Handler<T>(T);

#[packr::host_interface("example:host/api")]
impl<T: 'static> Handler<T> {
    fn ping(&self) {}
}

fn main() {}
