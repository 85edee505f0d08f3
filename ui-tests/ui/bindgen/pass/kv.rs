// A world's generated trait, implemented with async and trappable
// functions, registers on a builder.
packr::bindgen!({
    path: "../../wit/kv.wit+",
    async: ["store.put"],
    trappable: ["store.count"],
    derives: [Eq],
});

use std::collections::BTreeMap;

#[derive(Default)]
struct Kv {
    map: BTreeMap<String, Vec<u8>>,
}

impl store::Host for Kv {
    fn get(&mut self, key: String) -> Option<Vec<u8>> {
        self.map.get(&key).cloned()
    }
    async fn put(&mut self, e: store::Entry) -> Result<(), String> {
        self.map.insert(e.key, e.value);
        Ok(())
    }
    fn count(&mut self) -> Result<u32, packr::host::Trap> {
        u32::try_from(self.map.len()).map_err(|_| packr::host::Trap::new("too many keys"))
    }
}

fn main() {
    let mut host = packr::host::HostBuilder::<Kv>::new();
    store::add_to_linker(&mut host, |kv| kv).unwrap();
    assert_eq!(host.functions().len(), 3);
    let entry = store::Entry { key: "k".into(), value: vec![1] };
    assert_eq!(entry.clone(), entry);
}
