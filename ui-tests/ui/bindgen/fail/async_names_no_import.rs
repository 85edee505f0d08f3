// `async` lists `interface.function` names the world imports.
packr::bindgen!({ path: "../../wit/kv.wit+", async: ["store.gett"] });

fn main() {}
