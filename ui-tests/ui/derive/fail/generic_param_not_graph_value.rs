use packr::GraphValue;

#[derive(GraphValue)]
struct Wrapper<T> {
    inner: T,
}

struct Opaque;

fn main() {
    let _ = packr::abi::encode(&Wrapper { inner: Opaque });
}
