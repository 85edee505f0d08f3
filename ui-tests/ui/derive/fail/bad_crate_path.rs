use packr::GraphValue;

#[derive(GraphValue)]
#[graph(crate = "not a path")]
struct Point {
    x: i32,
}

fn main() {}
