// A resource's method left out of its Host trait impl.
use packr::resource::{Resource, ResourceError, ResourceTable};

pub struct Counter(u32);

packr::bindgen!({
    path: "../../wit/counter.wit+",
    with: { "test:ui/counters.counter" => crate::Counter },
});

struct Host;

impl counters::Host for Host {}

impl counters::HostCounter for Host {
    fn new(&mut self, table: &mut ResourceTable, start: u32) -> Result<Resource<Counter>, ResourceError> {
        table.push(Counter(start))
    }
    fn consume(&mut self, table: &mut ResourceTable, c: Resource<Counter>) -> Result<u32, ResourceError> {
        Ok(table.delete(c)?.0)
    }
}

fn main() {}
