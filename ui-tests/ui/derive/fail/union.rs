use packr::GraphValue;

#[derive(GraphValue)]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
