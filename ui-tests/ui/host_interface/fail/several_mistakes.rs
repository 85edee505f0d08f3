// Every mistake is reported at once, each on its own token, and the impl
// still compiles for the rest of the crate (no cascade).
struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    fn a(self) {}

    #[host(nmae = "b")]
    fn b(&self) {}

    fn c(&self, x: impl Clone) {
        let _ = x;
    }
}

fn main() {
    // The impl is intact: its methods are callable.
    let _ = Handler.c(1u8);
}
