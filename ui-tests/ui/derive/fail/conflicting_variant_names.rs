use packr::GraphValue;

#[derive(GraphValue)]
#[graph(rename_all = "lowercase")]
enum Key {
    Shift,
    SHIFT,
}

fn main() {}
