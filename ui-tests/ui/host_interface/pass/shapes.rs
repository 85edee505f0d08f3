//! Every supported form of `#[host_interface]` compiles.

use packr::host::HostBuilder;
use packr::{Ctx, GraphValue, HostInterface, Trap};

#[derive(GraphValue)]
struct Point {
    x: i32,
    y: i32,
}

#[derive(Default)]
struct Canvas {
    points: Vec<(i32, i32)>,
    log: Vec<String>,
}

#[packr::host_interface("example:draw/canvas")]
impl Canvas {
    /// No parameters, no result.
    fn clear(&mut self) {
        self.points.clear();
    }

    /// One parameter, a derived record.
    fn plot(&mut self, p: Point) -> u32 {
        self.points.push((p.x, p.y));
        self.points.len() as u32
    }

    /// Several parameters travel as a tuple; a WIT `result`.
    fn line(&mut self, from: Point, to: Point, width: u8) -> Result<(), String> {
        if width == 0 {
            return Err("zero width".into());
        }
        self.points.push((from.x, from.y));
        self.points.push((to.x, to.y));
        Ok(())
    }

    /// Borrowed straight from guest memory.
    fn note(&mut self, text: &str, tag: &[u8]) -> u32 {
        self.log.push(format!("{text} {tag:?}"));
        self.log.len() as u32
    }

    /// Traps the guest on purpose.
    fn checked(&self, index: u32) -> Result<(i32, i32), Trap> {
        self.points
            .get(index as usize)
            .copied()
            .ok_or_else(|| Trap::new("no such point"))
    }

    /// A WIT name that is a Rust keyword.
    #[host(name = "type")]
    fn kind(&self) -> String {
        "canvas".into()
    }

    /// Left out of the interface.
    #[host(skip)]
    fn helper(&self) -> usize {
        self.points.len()
    }

    /// `&mut self` held across awaits.
    async fn flush(&mut self, label: String) -> Result<u32, String> {
        std::future::ready(()).await;
        self.log.push(label);
        Ok(self.log.len() as u32)
    }
}

trait Clock {
    fn now(&self) -> u64;
}

struct Fixed(u64);

#[packr::host_interface("example:draw/clock")]
impl Clock for Fixed {
    fn now(&self) -> u64 {
        self.0
    }
}

struct Store {
    canvas: Canvas,
    clock: Fixed,
    census: Census,
}

struct Census;

#[packr::host_interface("example:draw/census")]
impl Census {
    /// The whole store through the context.
    fn total(cx: &mut Ctx<'_, Store>) -> u32 {
        cx.data().canvas.points.len() as u32
    }

    async fn stamp(mut cx: Ctx<'_, Store>, note: String) -> u64 {
        cx.data_mut().canvas.log.push(note);
        cx.data().clock.now()
    }
}

fn main() {
    let mut host = HostBuilder::<Store>::new();
    Canvas::add_to_linker(&mut host, |s| &mut s.canvas).unwrap();
    Fixed::add_to_linker(&mut host, |s| &mut s.clock).unwrap();
    Census::add_to_linker(&mut host, |s| &mut s.census).unwrap();
    assert_eq!(host.functions().len(), 10);
    let described: Vec<String> = <Canvas as HostInterface<Store>>::functions()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(described[3], "note: func(text: string, tag: list<u8>) -> u32");
    assert_eq!(described[5], "type: func() -> string");
    let _ = Canvas::default().helper();
}
