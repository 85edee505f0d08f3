use packr::GraphValue;

// A tuple struct is a tuple: no type name, no field names.
#[derive(GraphValue)]
#[graph(rename = "meters")]
struct Meters(f64);

#[derive(GraphValue)]
struct Pair(#[graph(rename = "first")] u8, u8);

fn main() {}
