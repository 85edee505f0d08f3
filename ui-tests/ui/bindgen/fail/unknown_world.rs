packr::bindgen!({ path: "../../wit/kv.wit+", world: "kvs" });

fn main() {}
