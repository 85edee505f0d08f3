//! Shared by the decoder tests: a raw CGRF buffer builder.

use packr_runtime::abi::Kind;

/// Builds CGRF buffers node by node, valid or not, for decoder tests.
pub struct Raw {
    nodes: Vec<(u8, Vec<u8>)>,
}

impl Raw {
    pub fn new() -> Self {
        Raw { nodes: Vec::new() }
    }

    pub fn node(&mut self, kind: Kind, payload: Vec<u8>) -> u32 {
        self.nodes.push((kind as u8, payload));
        self.nodes.len() as u32 - 1
    }

    /// The whole version-2 buffer, rooted at `root`.
    pub fn bytes(&self, root: u32) -> Vec<u8> {
        self.bytes_of_version(root, 2)
    }

    /// The whole buffer with `version` in its header, rooted at `root`.
    #[allow(dead_code)]
    pub fn bytes_of_version(&self, root: u32, version: u16) -> Vec<u8> {
        let mut out = b"CGRF".to_vec();
        out.extend_from_slice(&version.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&(self.nodes.len() as u32).to_le_bytes());
        out.extend_from_slice(&root.to_le_bytes());
        for (kind, payload) in &self.nodes {
            out.extend_from_slice(&[*kind, 0, 0, 0]);
            out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            out.extend_from_slice(payload);
        }
        out
    }
}

/// Little-endian u32s, as payloads carry them.
pub fn u32s(items: &[u32]) -> Vec<u8> {
    items.iter().flat_map(|i| i.to_le_bytes()).collect()
}
