struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    #[host(rename = "pong")]
    fn ping(&self) {}
}

fn main() {}
