use packr::GraphValue;

#[derive(GraphValue)]
#[graph(tag = 3)]
struct Point {
    x: i32,
}

fn main() {}
