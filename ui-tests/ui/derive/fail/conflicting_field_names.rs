use packr::GraphValue;

#[derive(GraphValue)]
struct Span {
    start: u32,
    #[graph(rename = "start")]
    end: u32,
}

fn main() {}
