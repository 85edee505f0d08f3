use packr::GraphValue;

struct Opaque;

#[derive(GraphValue)]
struct Holder {
    name: String,
    inner: Opaque,
}

#[derive(GraphValue)]
struct TupleHolder(u8, Opaque);

#[derive(GraphValue)]
enum EnumHolder {
    A(Opaque),
}

fn main() {}
