use packr::GraphValue;

// `Load` has tag 0 by position; `Store` claims 0 explicitly.
#[derive(GraphValue)]
enum Op {
    Load,
    #[graph(tag = 0)]
    Store,
}

fn main() {}
