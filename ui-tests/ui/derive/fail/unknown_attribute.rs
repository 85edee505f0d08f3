use packr::GraphValue;

#[derive(GraphValue)]
struct Point {
    #[graph(renam = "x-coord")]
    x: i32,
    y: i32,
}

fn main() {}
