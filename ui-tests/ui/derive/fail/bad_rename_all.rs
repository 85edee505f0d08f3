use packr::GraphValue;

#[derive(GraphValue)]
#[graph(rename_all = "kebab_case")]
struct Point {
    x_coord: i32,
}

fn main() {}
