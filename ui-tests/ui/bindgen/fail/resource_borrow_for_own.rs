// `consume` declares `own<counter>`; the impl takes a borrow.
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
    fn get(&mut self, table: &mut ResourceTable, self_: &Resource<Counter>) -> Result<u32, ResourceError> {
        Ok(table.get(self_)?.0)
    }
    fn consume(&mut self, table: &mut ResourceTable, c: &Resource<Counter>) -> Result<u32, ResourceError> {
        Ok(table.get(c)?.0)
    }
}

fn main() {}
