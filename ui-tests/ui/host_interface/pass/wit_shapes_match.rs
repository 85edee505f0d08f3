// Named types whose structure matches their WIT+ declaration compile: field
// order is free (records travel by field name), case names may differ in
// case (cases travel by tag), and payload types match.
use packr::GraphValue;

#[derive(GraphValue)]
#[graph(rename = "config")]
struct Config {
    name: String,
    level: u8,
}

#[derive(GraphValue)]
#[graph(rename = "choice")]
enum Choice {
    None,
    One(i64),
    Two(String),
    Three(Vec<u8>),
}

struct ConfigApi;

#[packr::host_interface("test:shapes/config-api", wit = "../../wit/shapes.wit+")]
impl ConfigApi {
    fn set(&mut self, c: Config) -> u32 {
        u32::from(c.level) + c.name.len() as u32
    }
}

struct ChoiceApi;

#[packr::host_interface("test:shapes/choice-api", wit = "../../wit/shapes.wit+")]
impl ChoiceApi {
    fn get(&mut self) -> Choice {
        Choice::Three(vec![1])
    }
}

fn main() {
    use packr::HostInterface;
    let mut host = packr::host::HostBuilder::<ConfigApi>::new();
    ConfigApi::add_to_linker(&mut host, |s| s).unwrap();
    assert_eq!(host.functions().len(), 1);
    let _ = (Choice::None, Choice::One(1), Choice::Two(String::new()));
    let mut choices = packr::host::HostBuilder::<ChoiceApi>::new();
    ChoiceApi::add_to_linker(&mut choices, |s| s).unwrap();
    assert_eq!(choices.functions().len(), 1);
}
