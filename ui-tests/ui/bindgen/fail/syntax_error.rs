// A WIT+ syntax error is reported with its file position.
packr::bindgen!("../../wit/syntax.wit+");

fn main() {}
