//! Generic and recursive types: bounds are inferred per type parameter, and
//! recursion through `Box`, `Vec` and `Option<Box<_>>` needs no bounds.
#![deny(warnings, unused, rust_2018_idioms)]

use packr::GraphValue;
use std::marker::PhantomData;

#[derive(GraphValue)]
struct Wrapper<T> {
    inner: T,
}

#[derive(GraphValue)]
struct Many<'a, A, B: Clone, const N: usize>
where
    A: Copy,
{
    a: [A; N],
    b: Vec<B>,
    #[graph(default)]
    c: Option<Box<Many<'a, A, B, N>>>,
    #[graph(default)]
    d: NoLifetimeUse<'a>,
}

/// Uses its lifetime without holding a borrowed field on the wire.
#[derive(GraphValue, Default)]
struct NoLifetimeUse<'a> {
    #[graph(default)]
    tuple: (),
    #[graph(rename = "marker")]
    marker: Marker<'a>,
}

/// A hand-written impl for a type that is not derived.
#[derive(Default)]
struct Marker<'a>(PhantomData<&'a ()>);

impl GraphValue for Marker<'_> {
    fn write_type(_: Option<&Self>, out: &mut Vec<u8>) {
        <() as GraphValue>::write_type(None, out)
    }
    fn encode_node(&self, enc: &mut packr::abi::Encoder) -> Result<u32, packr::abi::AbiError> {
        ().encode_node(enc)
    }
    fn decode_node(
        dec: &mut packr::abi::Decoder<'_>,
        index: u32,
    ) -> Result<Self, packr::abi::AbiError> {
        <()>::decode_node(dec, index).map(|()| Marker(PhantomData))
    }
}

#[derive(GraphValue)]
enum Tree<T> {
    Leaf(T),
    Node(Box<Tree<T>>, Box<Self>),
    Forest { trees: Vec<Tree<T>> },
}

#[derive(GraphValue)]
struct Expr {
    op: String,
    args: Vec<Arg>,
}

#[derive(GraphValue)]
enum Arg {
    Lit(i64),
    Nested(Box<Expr>),
    Maybe(Option<Box<Arg>>),
}

fn main() {
    let bytes = packr::abi::encode(&Wrapper { inner: 1u8 }).unwrap();
    let _: Wrapper<u8> = packr::abi::decode_as(&bytes).unwrap();
    let many = Many::<'static, u8, String, 2> {
        a: [1, 2],
        b: vec!["b".into()],
        c: None,
        d: NoLifetimeUse::default(),
    };
    let bytes = packr::abi::encode(&many).unwrap();
    let back: Many<'static, u8, String, 2> = packr::abi::decode_as(&bytes).unwrap();
    assert_eq!(back.a, [1, 2]);
    let tree = Tree::Forest {
        trees: vec![Tree::Node(
            Box::new(Tree::Leaf(1u8)),
            Box::new(Tree::Leaf(2)),
        )],
    };
    let bytes = packr::abi::encode(&tree).unwrap();
    let _: Tree<u8> = packr::abi::decode_as(&bytes).unwrap();
    let expr = Expr {
        op: "+".into(),
        args: vec![
            Arg::Lit(1),
            Arg::Maybe(Some(Box::new(Arg::Nested(Box::new(Expr {
                op: "-".into(),
                args: vec![],
            }))))),
        ],
    };
    let bytes = packr::abi::encode(&expr).unwrap();
    let back: Expr = packr::abi::decode_as(&bytes).unwrap();
    assert_eq!(back.args.len(), 2);
}
