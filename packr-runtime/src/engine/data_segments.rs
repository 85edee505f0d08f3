//! Finding the blob `__pack_types` returns, without instantiating the
//! module: the export's body is evaluated statically, and the bytes it
//! points at are read from the active data segments.
//!
//! Why statically rather than by calling it after instantiation: a host
//! validates a guest before it links or runs it ([`validate`](super::validate)
//! and [`Module::pack_types`](super::Module::pack_types) need no store,
//! no host functions and no fuel), and the export of every conforming
//! guest is the same two stores of constants followed by `i32.const 0`:
//!
//! ```text
//! (i32.store (local.get 0) (i32.const PTR))  (i32.store (local.get 1) (i32.const LEN))
//! ```
//!
//! The evaluator understands exactly that (constants, `local.get`,
//! `i32.add` of constants, `i32.store` with offset 0, `drop`, `return`,
//! `end`). A body it does not understand (a guest computing the pointer at
//! run time) falls back to the layout the reference toolchain emits: the
//! first data segment that starts with a CGRF buffer.
//!
//! A small reader of the binary format: it gives up (no blob) on anything
//! it does not understand rather than guessing, and never panics.

use crate::wit::cgrf_len;
use std::sync::Arc;

/// What the module says about its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PackTypesBlob {
    /// The module does not export `__pack_types`.
    Absent,
    /// The blob `__pack_types` returns.
    Found(Arc<[u8]>),
    /// `__pack_types` exists but its blob cannot be found or read.
    Invalid(String),
}

/// The blob the module's `__pack_types` export returns.
pub(crate) fn find_pack_types(wasm: &[u8]) -> PackTypesBlob {
    let Some(module) = sections(wasm) else {
        return PackTypesBlob::Absent;
    };
    let Some(func) = module.pack_types_func else {
        return PackTypesBlob::Absent;
    };
    let body = func
        .checked_sub(module.imported_funcs)
        .and_then(|i| module.bodies.get(i as usize).copied());
    let Some((ptr, len)) = body.and_then(evaluate) else {
        // Not statically evaluable: the reference layout.
        return first_cgrf_segment(&module.segments)
            .map_or(PackTypesBlob::Absent, PackTypesBlob::Found);
    };
    let end = u64::from(ptr) + u64::from(len);
    if module.memory_pages.is_some_and(|pages| end > pages * 65536) {
        return PackTypesBlob::Invalid(format!(
            "`__pack_types` points at bytes {ptr}..{end}, outside the guest's memory"
        ));
    }
    for (offset, data) in &module.segments {
        let Some(start) = u64::from(ptr).checked_sub(u64::from(*offset)) else {
            continue;
        };
        let Some(bytes) = data
            .get(start as usize..)
            .filter(|_| start <= data.len() as u64)
        else {
            continue;
        };
        if bytes.len() as u64 >= u64::from(len) {
            let blob = &bytes[..len as usize];
            // The blob is exactly one CGRF buffer.
            return match cgrf_len(blob) {
                Some(n) if n == blob.len() => PackTypesBlob::Found(blob.into()),
                _ => PackTypesBlob::Invalid(format!(
                    "the {len} bytes `__pack_types` points at (offset {ptr}) are not one CGRF buffer"
                )),
            };
        }
    }
    PackTypesBlob::Invalid(format!(
        "`__pack_types` points at bytes {ptr}..{end}, which no data segment initialises"
    ))
}

fn first_cgrf_segment(segments: &[(u32, &[u8])]) -> Option<Arc<[u8]>> {
    segments
        .iter()
        .find(|(_, d)| d.starts_with(b"CGRF"))
        .and_then(|(_, d)| Some(d[..cgrf_len(d)?].into()))
}

/// What the locator needs of a module.
#[derive(Default)]
struct Sections<'a> {
    imported_funcs: u32,
    pack_types_func: Option<u32>,
    bodies: Vec<&'a [u8]>,
    /// Active segments of memory 0 with a constant offset.
    segments: Vec<(u32, &'a [u8])>,
    /// The minimum size of memory 0, if declared here.
    memory_pages: Option<u64>,
}

fn sections(wasm: &[u8]) -> Option<Sections<'_>> {
    if wasm.get(..4)? != b"\0asm" {
        return None;
    }
    let mut out = Sections::default();
    let mut r = Reader { bytes: wasm, at: 8 };
    while r.at < wasm.len() {
        let id = r.byte()?;
        let size = r.uleb()? as usize;
        let end = r.at.checked_add(size)?;
        let section = wasm.get(r.at..end)?;
        let mut s = Reader {
            bytes: section,
            at: 0,
        };
        match id {
            2 => {
                for _ in 0..s.uleb()? {
                    s.name()?;
                    s.name()?;
                    match s.byte()? {
                        0x00 => {
                            s.uleb()?;
                            out.imported_funcs += 1;
                        }
                        0x01 => {
                            s.byte()?;
                            s.limits()?;
                        }
                        0x02 => {
                            let pages = s.limits()?;
                            out.memory_pages.get_or_insert(pages);
                        }
                        0x03 => {
                            s.byte()?;
                            s.byte()?;
                        }
                        _ => return None,
                    }
                }
            }
            5 if s.uleb()? > 0 => {
                let pages = s.limits()?;
                out.memory_pages.get_or_insert(pages);
            }
            7 => {
                for _ in 0..s.uleb()? {
                    let name = s.name()?;
                    let kind = s.byte()?;
                    let index = s.uleb()? as u32;
                    if kind == 0 && name == b"__pack_types" {
                        out.pack_types_func = Some(index);
                    }
                }
            }
            10 => {
                for _ in 0..s.uleb()? {
                    let len = s.uleb()? as usize;
                    let body_end = s.at.checked_add(len)?;
                    out.bodies.push(section.get(s.at..body_end)?);
                    s.at = body_end;
                }
            }
            11 => {
                for _ in 0..s.uleb()? {
                    let offset = match s.uleb()? {
                        0 => s.offset_expr()?,
                        1 => None,
                        2 => {
                            let memory = s.uleb()?;
                            s.offset_expr()?.filter(|_| memory == 0)
                        }
                        _ => return None,
                    };
                    let len = s.uleb()? as usize;
                    let data_end = s.at.checked_add(len)?;
                    let data = section.get(s.at..data_end)?;
                    if let Some(offset) = offset {
                        out.segments.push((offset, data));
                    }
                    s.at = data_end;
                }
            }
            _ => {}
        }
        r.at = end;
    }
    Some(out)
}

/// A value on the evaluator's stack.
#[derive(Clone, Copy)]
enum Slot {
    Const(u32),
    Param(u32),
}

/// Runs a `__pack_types` body symbolically: the constants it stores
/// through its two parameters, `(ptr, len)`; `None` for any other body.
fn evaluate(body: &[u8]) -> Option<(u32, u32)> {
    let mut r = Reader { bytes: body, at: 0 };
    for _ in 0..r.uleb()? {
        r.uleb()?;
        r.byte()?;
    }
    let mut stack: Vec<Slot> = Vec::new();
    let (mut ptr, mut len) = (None, None);
    loop {
        match r.byte()? {
            0x20 => stack.push(Slot::Param(r.uleb()? as u32)),
            0x41 => stack.push(Slot::Const(r.sleb()? as u32)),
            0x6a => match (stack.pop()?, stack.pop()?) {
                (Slot::Const(a), Slot::Const(b)) => stack.push(Slot::Const(a.wrapping_add(b))),
                _ => return None,
            },
            0x36 => {
                r.uleb()?;
                if r.uleb()? != 0 {
                    return None;
                }
                let (Slot::Const(value), Slot::Param(param)) = (stack.pop()?, stack.pop()?) else {
                    return None;
                };
                match param {
                    0 => ptr = Some(value),
                    1 => len = Some(value),
                    _ => return None,
                }
            }
            0x1a => {
                stack.pop()?;
            }
            0x0b | 0x0f => return Some((ptr?, len?)),
            _ => return None,
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn uleb(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn sleb(&mut self) -> Option<i64> {
        let mut value = 0i64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            value |= i64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    value |= -1 << shift;
                }
                return Some(value);
            }
            if shift >= 64 {
                return None;
            }
        }
    }

    fn name(&mut self) -> Option<&'a [u8]> {
        let len = self.uleb()? as usize;
        let end = self.at.checked_add(len)?;
        let name = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(name)
    }

    /// Table or memory limits; returns the minimum.
    fn limits(&mut self) -> Option<u64> {
        let flags = self.byte()?;
        let min = self.uleb()?;
        if flags & 1 != 0 {
            self.uleb()?;
        }
        Some(min)
    }

    /// A segment's offset expression: the offset when it is one
    /// `i32.const`, `None` for anything else (a `global.get`, extended
    /// constants), whose segment then cannot hold a located blob.
    fn offset_expr(&mut self) -> Option<Option<u32>> {
        let mut value = None;
        let mut simple = true;
        loop {
            match self.byte()? {
                0x0b => return Some(value.filter(|_| simple)),
                0x41 => {
                    simple &= value.is_none();
                    value = Some(self.sleb()? as u32);
                }
                0x42 | 0x23 => {
                    self.uleb()?;
                    simple = false;
                }
                0x6a..=0x6c | 0x7c..=0x7e => simple = false,
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("\\{b:02x}")).collect()
    }

    /// A guest whose `__pack_types` returns (ptr, len).
    fn guest(data: &str, ptr: u32, len: usize) -> Vec<u8> {
        wat::parse_str(format!(
            r#"(module (memory 1)
                {data}
                (func (export "__pack_types") (param i32 i32) (result i32)
                  (i32.store (local.get 0) (i32.const {ptr}))
                  (i32.store (local.get 1) (i32.const {len}))
                  (i32.const 0)))"#
        ))
        .unwrap()
    }

    #[test]
    fn the_blob_is_the_one_pack_types_returns_not_the_first_cgrf_segment() {
        let argument = crate::abi::encode(&(20i32, 22i32)).unwrap();
        let blob = crate::abi::encode(&7u32).unwrap();
        let wasm = guest(
            &format!(
                r#"(data (i32.const 0) "{}") (data (i32.const 256) "{}")"#,
                escaped(&argument),
                escaped(&blob)
            ),
            256,
            blob.len(),
        );
        assert_eq!(find_pack_types(&wasm), PackTypesBlob::Found(blob.into()));
    }

    #[test]
    fn a_blob_in_the_interior_of_a_segment_is_found() {
        let blob = crate::abi::encode(&"meta".to_string()).unwrap();
        let wasm = guest(
            &format!(
                r#"(data (i32.const 100) "static data before{}and after")"#,
                escaped(&blob)
            ),
            100 + 18,
            blob.len(),
        );
        assert_eq!(find_pack_types(&wasm), PackTypesBlob::Found(blob.into()));
    }

    #[test]
    fn a_guest_without_pack_types_has_no_blob_even_with_cgrf_data() {
        let blob = crate::abi::encode(&7u32).unwrap();
        let wasm = wat::parse_str(format!(
            r#"(module (memory 1) (data (i32.const 0) "{}"))"#,
            escaped(&blob)
        ))
        .unwrap();
        assert_eq!(find_pack_types(&wasm), PackTypesBlob::Absent);
        assert_eq!(
            find_pack_types(&wat::parse_str("(module)").unwrap()),
            PackTypesBlob::Absent
        );
    }

    #[test]
    fn a_pointer_outside_memory_or_data_is_an_error_naming_it() {
        let wasm = guest("", 70_000, 32);
        let PackTypesBlob::Invalid(why) = find_pack_types(&wasm) else {
            panic!("expected an error");
        };
        assert!(
            why.contains("70000..70032") && why.contains("outside"),
            "{why}"
        );
        let wasm = guest("", 512, 32);
        let PackTypesBlob::Invalid(why) = find_pack_types(&wasm) else {
            panic!("expected an error");
        };
        assert!(why.contains("no data segment"), "{why}");
    }

    #[test]
    fn a_computed_pointer_falls_back_to_the_first_cgrf_segment() {
        let blob = crate::abi::encode(&7u32).unwrap();
        let wasm = wat::parse_str(format!(
            r#"(module (memory 1) (global $p i32 (i32.const 64))
                (data (i32.const 64) "{}")
                (func (export "__pack_types") (param i32 i32) (result i32)
                  (i32.store (local.get 0) (global.get $p))
                  (i32.store (local.get 1) (i32.const {}))
                  (i32.const 0)))"#,
            escaped(&blob),
            blob.len()
        ))
        .unwrap();
        assert_eq!(find_pack_types(&wasm), PackTypesBlob::Found(blob.into()));
        // Garbage never panics.
        for cut in 0..wasm.len() {
            let _ = find_pack_types(&wasm[..cut]);
        }
    }
}
