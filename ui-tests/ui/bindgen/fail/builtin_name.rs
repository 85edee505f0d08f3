// A WIT+ type named `value` would be shadowed by the built-in dynamic
// value everywhere it is used: refused at its definition.
packr::bindgen!("../../wit/builtin-name.wit+");

fn main() {}
