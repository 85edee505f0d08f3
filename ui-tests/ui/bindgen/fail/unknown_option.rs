packr::bindgen!({ path: "../../wit/kv.wit+", asynchronous: true });

fn main() {}
