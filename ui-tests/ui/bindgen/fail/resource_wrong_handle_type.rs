// A method's handle of another type than the resource it belongs to.
use packr::resource::{Resource, ResourceError, ResourceTable};

pub struct Counter(u32);

packr::bindgen!({
    path: "../../wit/counter.wit+",
    with: { "test:ui/counters.counter" => crate::Counter },
});

struct Host;

impl counters::Host for Host {}

pub struct Other;

impl counters::HostCounter for Host {
    fn new(&mut self, table: &mut ResourceTable, start: u32) -> Result<Resource<Counter>, ResourceError> {
        table.push(Counter(start))
    }
    fn get(&mut self, _table: &mut ResourceTable, _self: &Resource<Other>) -> Result<u32, ResourceError> {
        Ok(0)
    }
    fn consume(&mut self, table: &mut ResourceTable, c: Resource<Counter>) -> Result<u32, ResourceError> {
        Ok(table.delete(c)?.0)
    }
}

fn main() {}
