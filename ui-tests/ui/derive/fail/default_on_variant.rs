use packr::GraphValue;

#[derive(GraphValue)]
enum Mode {
    #[graph(default)]
    Fast,
    Slow,
}

fn main() {}
