// A one-case enum where WIT `choice` is a four-case variant: one error, on
// `Choice`, naming the first case it lacks.
use packr::GraphValue;

#[derive(GraphValue)]
#[graph(rename = "choice")]
enum Choice {
    None,
}

struct Api;

#[packr::host_interface("test:shapes/choice-api", wit = "../../wit/shapes.wit+")]
impl Api {
    fn get(&mut self) -> Choice {
        Choice::None
    }
}

fn main() {}
