struct Handler;

#[packr::host_interface]
impl Handler {
    fn ping(&self) {}
}

fn main() {}
