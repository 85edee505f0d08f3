use packr::GraphValue;

#[derive(GraphValue)]
enum Op {
    #[graph(tag = 1)]
    Add,
    #[graph(tag = 1)]
    Sub,
}

fn main() {}
