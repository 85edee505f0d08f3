struct Handler;

#[packr::host_interface("example:host/api")]
impl Handler {
    fn size(&self, data: &Vec<u8>) -> u32 {
        data.len() as u32
    }
}

fn main() {}
