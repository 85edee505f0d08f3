struct Store;

struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    fn count(&self, cx: &mut packr::Ctx<'_, Store>) -> u32 {
        let _ = cx;
        0
    }
}

fn main() {}
