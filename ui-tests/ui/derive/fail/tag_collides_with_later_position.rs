use packr::GraphValue;

// `Second` has tag 1 by position, which `First` already claims.
#[derive(GraphValue)]
enum Order {
    #[graph(tag = 1)]
    First,
    Second,
}

fn main() {}
