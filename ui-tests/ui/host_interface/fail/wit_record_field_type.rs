// `Config` has the declared record's name and field names, but `level` is
// a `u16` where WIT `config` says `u8`: one error, on `Config`.
use packr::GraphValue;

#[derive(GraphValue)]
#[graph(rename = "config")]
struct Config {
    level: u16,
    name: String,
}

struct Api;

#[packr::host_interface("test:shapes/config-api", wit = "../../wit/shapes.wit+")]
impl Api {
    fn set(&mut self, c: Config) -> u32 {
        c.level as u32
    }
}

fn main() {}
