// Independent mistakes are all reported at once, each on its own token.
use packr::GraphValue;

#[derive(GraphValue)]
enum Command {
    #[graph(tag = 7)]
    Start,
    #[graph(tag = 7)]
    Stop,
    Move {
        #[graph(rename = "to")]
        from: u32,
        to: u32,
    },
    Wait(#[graph(default)] u32),
}

fn main() {}
