//! The bench fixture of `benches/bundle.rs`: the same `add` that
//! `benches/hostcall.rs` registers directly, served through the bundle ABI.

/// No state: `add` is pure.
#[derive(Default)]
pub struct Math;

#[packr::host_interface("bench:host/math", wit = "wit/math.wit+")]
impl Math {
    fn add(&self, a: i32, b: i32) -> i32 {
        a.wrapping_add(b)
    }
}

packr::bundle::export!(Math, wit = "wit/math.wit+");
