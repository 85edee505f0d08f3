// An imported resource needs the Rust type the host keeps behind its handles.
packr::bindgen!("../../wit/counter.wit+");

fn main() {}
