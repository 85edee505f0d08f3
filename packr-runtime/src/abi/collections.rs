//! Maps as `list<tuple<K, V>>` and sets as `list<T>`.

use super::graph_value::{bounded_capacity, decode_vec, encode_iter};
use super::{AbiError, Decoder, Encoder, GraphValue, Kind};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

fn encode_pairs<'x, K, V>(
    pairs: impl ExactSizeIterator<Item = (&'x K, &'x V)>,
    enc: &mut Encoder,
) -> Result<u32, AbiError>
where
    K: GraphValue + 'x,
    V: GraphValue + 'x,
{
    let mark = enc.stack_mark();
    let mut first = None;
    for (k, v) in pairs {
        first.get_or_insert((k, v));
        let kc = k.encode_node(enc)?;
        let vc = v.encode_node(enc)?;
        let pair = enc.tuple(&[kc, vc])?;
        enc.push_child(pair);
    }
    let m = enc.begin(Kind::List);
    write_pair_type::<K, V>(first, enc.buffer_mut());
    enc.put_len(enc.stacked_len(mark))?;
    enc.put_stacked(mark);
    enc.end(m)
}

fn write_pair_type<K: GraphValue, V: GraphValue>(sample: Option<(&K, &V)>, out: &mut Vec<u8>) {
    out.push(Kind::Tuple as u8);
    out.extend_from_slice(&2u32.to_le_bytes());
    K::write_type(sample.map(|s| s.0), out);
    V::write_type(sample.map(|s| s.1), out);
}

fn decode_pairs<K: GraphValue, V: GraphValue>(
    dec: &mut Decoder<'_>,
    index: u32,
    mut insert: impl FnMut(K, V),
) -> Result<(), AbiError> {
    let children = dec.enter_list(index)?;
    for child in children {
        let mut kv = dec.enter_tuple(child, 2)?;
        let k = K::decode_node(dec, kv.next().unwrap_or(u32::MAX))?;
        let v = V::decode_node(dec, kv.next().unwrap_or(u32::MAX))?;
        dec.leave(child);
        insert(k, v);
    }
    dec.leave(index);
    Ok(())
}

impl<K: GraphValue + Ord, V: GraphValue> GraphValue for BTreeMap<K, V> {
    fn wit_type(out: &mut String) {
        out.push_str(&format!(
            "list<tuple<{}, {}>>",
            super::wit_type_of::<K>(),
            super::wit_type_of::<V>()
        ));
    }

    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        out.push(Kind::List as u8);
        write_pair_type::<K, V>(sample.and_then(|m| m.iter().next()), out);
    }
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        encode_pairs(self.iter(), enc)
    }
    /// A key that occurs twice keeps its last value, as serde's maps do.
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        let mut map = BTreeMap::new();
        decode_pairs(dec, index, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

impl<K, V, S> GraphValue for HashMap<K, V, S>
where
    K: GraphValue + Eq + Hash,
    V: GraphValue,
    S: BuildHasher + Default,
{
    fn wit_type(out: &mut String) {
        out.push_str(&Self::wit());
    }

    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        out.push(Kind::List as u8);
        write_pair_type::<K, V>(sample.and_then(|m| m.iter().next()), out);
    }
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        encode_pairs(self.iter(), enc)
    }
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        let mut map = HashMap::with_hasher(S::default());
        decode_pairs(dec, index, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

impl<T: GraphValue + Ord> GraphValue for BTreeSet<T> {
    fn wit_type(out: &mut String) {
        out.push_str(&format!("list<{}>", super::wit_type_of::<T>()));
    }

    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        out.push(Kind::List as u8);
        T::write_type(sample.and_then(|s| s.iter().next()), out);
    }
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        encode_iter(self.iter(), enc)
    }
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        Ok(decode_vec::<T>(dec, index)?.into_iter().collect())
    }
}

impl<T, S> GraphValue for HashSet<T, S>
where
    T: GraphValue + Eq + Hash,
    S: BuildHasher + Default,
{
    fn wit_type(out: &mut String) {
        out.push_str(&Self::wit());
    }

    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        out.push(Kind::List as u8);
        T::write_type(sample.and_then(|s| s.iter().next()), out);
    }
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        encode_iter(self.iter(), enc)
    }
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        let items = decode_vec::<T>(dec, index)?;
        let mut set =
            HashSet::with_capacity_and_hasher(bounded_capacity::<T>(items.len()), S::default());
        set.extend(items);
        Ok(set)
    }
}

/// WIT text of the hashed collections (maps as `list<tuple<K, V>>`).
trait HashedWit {
    fn wit() -> String;
}

impl<K: GraphValue + Eq + Hash, V: GraphValue, S: BuildHasher + Default> HashedWit
    for HashMap<K, V, S>
{
    fn wit() -> String {
        format!(
            "list<tuple<{}, {}>>",
            super::wit_type_of::<K>(),
            super::wit_type_of::<V>()
        )
    }
}

impl<T: GraphValue + Eq + Hash, S: BuildHasher + Default> HashedWit for HashSet<T, S> {
    fn wit() -> String {
        format!("list<{}>", super::wit_type_of::<T>())
    }
}
