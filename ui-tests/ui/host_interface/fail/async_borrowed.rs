struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    async fn log(&mut self, line: &str) {
        let _ = line;
    }
}

fn main() {}
