struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    async fn tick(&mut self) -> u32 {
        let shared = std::rc::Rc::new(1u32);
        std::future::ready(()).await;
        *shared
    }
}

fn main() {}
