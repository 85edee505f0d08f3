use packr::GraphValue;

#[derive(GraphValue)]
struct Point {
    #[graph(rename = "a")]
    #[graph(rename = "b")]
    x: i32,
}

fn main() {}
