// A type the package does not declare.
packr::bindgen!("../../wit/unknown-type.wit+");

fn main() {}
