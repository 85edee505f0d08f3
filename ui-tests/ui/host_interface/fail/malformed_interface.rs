struct Handler;

#[packr::host_interface("theater/runtime")]
impl Handler {
    fn ping(&self) {}
}

fn main() {}
