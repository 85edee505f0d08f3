struct Store;

struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    fn count(x: u32, cx: &mut packr::Ctx<'_, Store>) -> u32 {
        let _ = cx;
        x
    }
}

fn main() {}
