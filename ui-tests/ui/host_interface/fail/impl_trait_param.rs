struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    fn show(&self, value: impl std::fmt::Display) -> String {
        value.to_string()
    }
}

fn main() {}
