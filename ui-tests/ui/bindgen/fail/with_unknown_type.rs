// `with` keys are `ns:pkg/interface.type`.
packr::bindgen!({ path: "../../wit/kv.wit+", with: { "test:kv/store.entri" => String } });

fn main() {}
