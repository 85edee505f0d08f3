// One mistake in the attributes is one error: the type still gets a
// (failing) impl, so its uses below do not add "not implemented" errors.
use packr::GraphValue;

#[derive(GraphValue)]
#[graph(rename_al = "kebab-case")]
struct Config {
    max_size: u32,
}

fn main() {
    let bytes = packr::abi::encode(&Config { max_size: 1 }).unwrap();
    let _: Config = packr::abi::decode_as(&bytes).unwrap();
    let _: Vec<Config> = packr::abi::decode_as(&bytes).unwrap();
}
