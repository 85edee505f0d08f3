//! Maps and sets: map and set nodes in wire version 3, and in version 2
//! the list forms version-2 peers use, `list<tuple<K, V>>` and `list<T>`.
//! Decoding accepts either form in a version-3 buffer, and refuses a key
//! (or element) that occurs twice, naming the node.

use super::graph_value::{decode_vec, encode_iter};
use super::{AbiError, AbiErrorKind, Decoder, Encoder, GraphValue, Kind};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

/// Encodes entries in the order given: a map node under version 3, a list
/// of `(key, value)` tuples under version 2.
fn encode_map<'x, K, V>(
    entries: impl ExactSizeIterator<Item = (&'x K, &'x V)> + Clone,
    enc: &mut Encoder,
) -> Result<u32, AbiError>
where
    K: GraphValue + 'x,
    V: GraphValue + 'x,
{
    let first = entries.clone().next();
    let v3 = enc.wire().has_maps();
    let mark = enc.stack_mark();
    for (k, v) in entries {
        // Post-order, as the reference writes it: the key's subtree, the
        // value's, then the next entry.
        let kc = k.encode_node(enc)?;
        let vc = v.encode_node(enc)?;
        if v3 {
            enc.push_child(kc);
            enc.push_child(vc);
        } else {
            let pair = enc.tuple(&[kc, vc])?;
            enc.push_child(pair);
        }
    }
    let count = if v3 {
        enc.stacked_len(mark) / 2
    } else {
        enc.stacked_len(mark)
    };
    let m = if v3 {
        let m = enc.begin(Kind::Map);
        enc.put_type::<K>(first.map(|e| e.0));
        enc.put_type::<V>(first.map(|e| e.1));
        m
    } else {
        let m = enc.begin(Kind::List);
        enc.put_u8(Kind::Tuple as u8);
        enc.put_u32(2);
        enc.put_type::<K>(first.map(|e| e.0));
        enc.put_type::<V>(first.map(|e| e.1));
        m
    };
    enc.put_len(count)?;
    enc.put_stacked(mark);
    enc.end(m)
}

/// Encodes elements in the order given: a set node under version 3, a
/// list (an array node for primitives) under version 2.
fn encode_set<'x, T: GraphValue + 'x>(
    items: impl ExactSizeIterator<Item = &'x T> + Clone,
    enc: &mut Encoder,
) -> Result<u32, AbiError> {
    if !enc.wire().has_maps() {
        return encode_iter(items, enc);
    }
    let first = items.clone().next();
    let mark = enc.stack_mark();
    for item in items {
        let c = item.encode_node(enc)?;
        enc.push_child(c);
    }
    let m = enc.begin(Kind::Set);
    enc.put_type::<T>(first);
    enc.put_len(enc.stacked_len(mark))?;
    enc.put_stacked(mark);
    enc.end(m)
}

/// The error for a key or element that occurs twice in node `index`.
#[cold]
fn duplicate(index: u32, what: &'static str) -> AbiError {
    AbiError::at(index, AbiErrorKind::Duplicate { what })
}

/// Decodes a map node or a `list<tuple<K, V>>`; `insert` returns false
/// for a key already present.
fn decode_map<K: GraphValue, V: GraphValue>(
    dec: &mut Decoder<'_>,
    index: u32,
    mut insert: impl FnMut(K, V) -> bool,
) -> Result<(), AbiError> {
    if dec.peek(index)?.0 == Kind::Map {
        for (kc, vc) in dec.enter_map(index)? {
            let k = K::decode_node(dec, kc)?;
            let v = V::decode_node(dec, vc)?;
            if !insert(k, v) {
                return Err(duplicate(index, "map key"));
            }
        }
        dec.leave(index);
        return Ok(());
    }
    let children = dec.enter_list(index)?;
    for child in children {
        let mut kv = dec.enter_tuple(child, 2)?;
        let k = K::decode_node(dec, kv.next().unwrap_or(u32::MAX))?;
        let v = V::decode_node(dec, kv.next().unwrap_or(u32::MAX))?;
        dec.leave(child);
        if !insert(k, v) {
            return Err(duplicate(index, "map key"));
        }
    }
    dec.leave(index);
    Ok(())
}

/// Decodes a set node or a list; `insert` returns false for an element
/// already present.
fn decode_set<T: GraphValue>(
    dec: &mut Decoder<'_>,
    index: u32,
    mut insert: impl FnMut(T) -> bool,
) -> Result<(), AbiError> {
    if dec.peek(index)?.0 == Kind::Set {
        for c in dec.enter_set(index)? {
            if !insert(T::decode_node(dec, c)?) {
                return Err(duplicate(index, "set element"));
            }
        }
        dec.leave(index);
        return Ok(());
    }
    for item in decode_vec::<T>(dec, index)? {
        if !insert(item) {
            return Err(duplicate(index, "set element"));
        }
    }
    Ok(())
}

fn map_wit<K: GraphValue, V: GraphValue>(out: &mut String) {
    out.push_str("map<");
    K::wit_type(out);
    out.push_str(", ");
    V::wit_type(out);
    out.push('>');
}

fn set_wit<T: GraphValue>(out: &mut String) {
    out.push_str("set<");
    T::wit_type(out);
    out.push('>');
}

/// The version-3 descriptor `16 K V`; a version-2 encoder rewrites it into
/// `list<tuple<K, V>>` ([`Encoder::put_type`]).
fn write_map_type<K: GraphValue, V: GraphValue>(sample: Option<(&K, &V)>, out: &mut Vec<u8>) {
    out.push(Kind::Map as u8);
    K::write_type(sample.map(|s| s.0), out);
    V::write_type(sample.map(|s| s.1), out);
}

fn write_set_type<T: GraphValue>(sample: Option<&T>, out: &mut Vec<u8>) {
    out.push(Kind::Set as u8);
    T::write_type(sample, out);
}

/// `map<K, V>`: entries travel in key order.
impl<K: GraphValue + Ord, V: GraphValue> GraphValue for BTreeMap<K, V> {
    fn wit_type(out: &mut String) {
        map_wit::<K, V>(out);
    }
    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        write_map_type::<K, V>(sample.and_then(|m| m.iter().next()), out);
    }
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        encode_map(self.iter(), enc)
    }
    /// A key that occurs twice is an error naming the map's node.
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        let mut map = BTreeMap::new();
        decode_map(dec, index, |k, v| map.insert(k, v).is_none())?;
        Ok(map)
    }
}

/// `map<K, V>`: entries are sorted by key on encode, so the same map always
/// gives the same bytes (record/replay compares them).
impl<K, V, S> GraphValue for HashMap<K, V, S>
where
    K: GraphValue + Eq + Hash + Ord,
    V: GraphValue,
    S: BuildHasher + Default,
{
    fn wit_type(out: &mut String) {
        map_wit::<K, V>(out);
    }
    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        let first = sample.and_then(|m| m.iter().min_by(|a, b| a.0.cmp(b.0)));
        write_map_type::<K, V>(first, out);
    }
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        let mut entries: Vec<(&K, &V)> = self.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        encode_map(entries.into_iter(), enc)
    }
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        let mut map = HashMap::with_hasher(S::default());
        decode_map(dec, index, |k, v| map.insert(k, v).is_none())?;
        Ok(map)
    }
}

/// `set<T>`: elements travel in order.
impl<T: GraphValue + Ord> GraphValue for BTreeSet<T> {
    fn wit_type(out: &mut String) {
        set_wit::<T>(out);
    }
    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        write_set_type::<T>(sample.and_then(|s| s.iter().next()), out);
    }
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        encode_set(self.iter(), enc)
    }
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        let mut set = BTreeSet::new();
        decode_set(dec, index, |item| set.insert(item))?;
        Ok(set)
    }
}

/// `set<T>`: elements are sorted on encode, for deterministic bytes.
impl<T, S> GraphValue for HashSet<T, S>
where
    T: GraphValue + Eq + Hash + Ord,
    S: BuildHasher + Default,
{
    fn wit_type(out: &mut String) {
        set_wit::<T>(out);
    }
    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        write_set_type::<T>(sample.and_then(|s| s.iter().min()), out);
    }
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        let mut items: Vec<&T> = self.iter().collect();
        items.sort_unstable();
        encode_set(items.into_iter(), enc)
    }
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        let mut set = HashSet::with_hasher(S::default());
        decode_set(dec, index, |item| set.insert(item))?;
        Ok(set)
    }
}
