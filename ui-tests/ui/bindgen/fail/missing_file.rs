packr::bindgen!("../../wit/nope.wit+");

fn main() {}
