//! Finding the `__pack_types` blob in a module's data segments without
//! instantiating it: the first segment whose bytes start with a CGRF
//! buffer, as the reference toolchain lays it out.
//!
//! A small reader of the binary format's data section: it only needs
//! section boundaries and segment headers, and gives up (returns `None`)
//! on anything it does not understand rather than guessing.

use crate::wit::cgrf_len;
use std::sync::Arc;

/// The CGRF buffer at the start of the first data segment that holds one.
pub(crate) fn find_pack_types(wasm: &[u8]) -> Option<Arc<[u8]>> {
    let mut r = Reader { bytes: wasm, at: 8 };
    if wasm.get(..4)? != b"\0asm" {
        return None;
    }
    while r.at < wasm.len() {
        let id = r.byte()?;
        let size = r.uleb()? as usize;
        let end = r.at.checked_add(size)?;
        let section = wasm.get(r.at..end)?;
        if id == 11 {
            return data_section(section);
        }
        r.at = end;
    }
    None
}

fn data_section(section: &[u8]) -> Option<Arc<[u8]>> {
    let mut r = Reader {
        bytes: section,
        at: 0,
    };
    for _ in 0..r.uleb()? {
        match r.uleb()? {
            0 => r.const_expr()?,
            1 => {}
            2 => {
                r.uleb()?;
                r.const_expr()?;
            }
            _ => return None,
        }
        let len = r.uleb()? as usize;
        let end = r.at.checked_add(len)?;
        let data = section.get(r.at..end)?;
        if data.starts_with(b"CGRF") {
            let blob = &data[..cgrf_len(data)?];
            return Some(blob.into());
        }
        r.at = end;
    }
    None
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
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

    /// Skips a constant expression: constants, `global.get` and the
    /// extended-const arithmetic, up to `end`.
    fn const_expr(&mut self) -> Option<()> {
        loop {
            match self.byte()? {
                0x0b => return Some(()),
                0x41 | 0x42 | 0x23 => {
                    self.uleb()?;
                }
                0x6a..=0x6c | 0x7c..=0x7e => {}
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blob_is_found_after_other_segments_and_bounded_by_its_nodes() {
        let blob = crate::abi::encode(&7u32).unwrap();
        let text = format!(
            r#"(module (memory 1)
                (data (i32.const 0) "not metadata")
                (data (i32.const 64) "{}trailing static data"))"#,
            blob.iter()
                .map(|b| format!("\\{b:02x}"))
                .collect::<String>()
        );
        let wasm = wat::parse_str(&text).unwrap();
        assert_eq!(find_pack_types(&wasm).as_deref(), Some(&blob[..]));
        assert_eq!(find_pack_types(&wat::parse_str("(module)").unwrap()), None);
        // Garbage never panics.
        for cut in 0..wasm.len() {
            let _ = find_pack_types(&wasm[..cut]);
        }
    }
}
