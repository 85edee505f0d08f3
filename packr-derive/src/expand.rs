//! Code generation.
//!
//! Everything is reached through the configured crate path and `::core` /
//! `::std`, so the generated impl works whatever the user has in scope.
//! The calls that involve a field's type are spanned at that type, so a
//! field whose type is not a `GraphValue` gets one error, on the field.

use crate::ast::{Body, Field, Input, Shape, Variant};
use crate::attr::Errors;
use crate::bound;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, Path};

/// The derive's whole output for `input`.
pub fn derive(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let model = Input::from_syn(input, &mut errors);
    match errors.finish() {
        None => expand(&model),
        Some(error) => {
            let errors = error.to_compile_error();
            let fallback = fallback(&model);
            quote!(#errors #fallback)
        }
    }
}

/// An impl with the right signature whose methods just fail, emitted next
/// to the compile errors so that the mistake does not cascade into "does not
/// implement `GraphValue`" errors wherever the type is used.
fn fallback(input: &Input<'_>) -> TokenStream {
    let krate = &input.krate;
    let ident = input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::abi::GraphValue for #ident #ty_generics #where_clause {
            fn write_type(
                _: ::core::option::Option<&Self>,
                _: &mut ::std::vec::Vec<::core::primitive::u8>,
            ) {
            }
            fn encode_node(
                &self,
                _: &mut #krate::abi::Encoder,
            ) -> ::core::result::Result<::core::primitive::u32, #krate::abi::AbiError> {
                ::core::result::Result::Err(#krate::abi::AbiError::unencodable(
                    "#[derive(GraphValue)] failed to compile",
                ))
            }
            fn decode_node(
                _: &mut #krate::abi::Decoder<'_>,
                index: ::core::primitive::u32,
            ) -> ::core::result::Result<Self, #krate::abi::AbiError> {
                ::core::result::Result::Err(#krate::abi::AbiError::invalid(
                    index,
                    "#[derive(GraphValue)] failed to compile",
                ))
            }
        }
    }
}

fn expand(input: &Input<'_>) -> TokenStream {
    let krate = &input.krate;
    let ident = input.ident;
    let generics = bound::with_bounds(input);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    // The trait path in the header carries the type name's span: rustc then
    // treats the impl as the user's, and its "required for `Wrapper<X>` to
    // implement `GraphValue`" note points at the inferred bound, which is
    // spanned at the field type that needs it, instead of at the derive.
    let trait_path = respan(quote!(#krate::abi::GraphValue), ident.span());
    let shape = shape(krate, &input.body);
    let (write_type, encode, decode) = match &input.body {
        Body::Record { type_name, fields } => record(krate, type_name, fields),
        Body::Tuple(fields) => tuple(krate, fields),
        Body::Enum {
            type_name,
            variants,
        } => enumeration(krate, type_name, variants),
        Body::Union => unreachable!("unions are rejected before expansion"),
    };
    quote! {
        #[automatically_derived]
        #[allow(deprecated)]
        impl #impl_generics #trait_path for #ident #ty_generics #where_clause {
            #shape
            #write_type

            fn encode_node(
                &self,
                __enc: &mut #krate::abi::Encoder,
            ) -> ::core::result::Result<::core::primitive::u32, #krate::abi::AbiError> {
                #encode
            }

            fn decode_node(
                __dec: &mut #krate::abi::Decoder<'_>,
                __index: ::core::primitive::u32,
            ) -> ::core::result::Result<Self, #krate::abi::AbiError> {
                #decode
            }
        }
    }
}

/// `SHAPE` (and `REF` for named types): the structure the wire sees, for
/// `#[host_interface(wit = ..)]`'s compile-time check against WIT+.
fn shape(krate: &Path, body: &Body<'_>) -> TokenStream {
    let s = quote!(#krate::abi::shape);
    let field_ref = |f: &Field<'_>| {
        let ty = f.ty;
        quote!(&<#ty as #krate::abi::GraphValue>::REF)
    };
    match body {
        Body::Record { type_name, fields } => {
            let fields = fields.iter().map(|f| {
                let (wire, r) = (&f.wire, field_ref(f));
                quote!((#wire, #r))
            });
            quote! {
                const SHAPE: #s::Shape = #s::Shape::Record(&[#(#fields),*]);
                const REF: #s::Shape = #s::Shape::Named(#type_name);
            }
        }
        Body::Tuple(fields) => {
            let items = fields.iter().map(field_ref);
            // A tuple has no name to be referred to by, and its structure
            // may contain itself (`struct W(Option<Box<W>>)`), which a
            // constant cannot: other types see it as `Unknown`.
            quote! {
                const SHAPE: #s::Shape = #s::Shape::Tuple(&[#(#items),*]);
                const REF: #s::Shape = #s::Shape::Unknown;
            }
        }
        Body::Enum {
            type_name,
            variants,
        } => {
            let cases = variants.iter().map(|v| {
                let (name, tag) = (&v.wire, Literal::u32_suffixed(v.tag));
                let payload = match &v.shape {
                    Shape::Unit => quote!(::core::option::Option::None),
                    Shape::Tuple(fields) if fields.len() == 1 => {
                        let r = field_ref(&fields[0]);
                        quote!(::core::option::Option::Some(#r))
                    }
                    Shape::Tuple(fields) => {
                        let items = fields.iter().map(field_ref);
                        quote!(::core::option::Option::Some(&#s::Shape::Tuple(&[#(#items),*])))
                    }
                    // A struct case carries one record named like the case.
                    Shape::Record(_) => {
                        quote!(::core::option::Option::Some(&#s::Shape::Named(#name)))
                    }
                };
                quote!(#s::Case { name: #name, tag: #tag, payload: #payload })
            });
            quote! {
                const SHAPE: #s::Shape = #s::Shape::Variant(&[#(#cases),*]);
                const REF: #s::Shape = #s::Shape::Named(#type_name);
            }
        }
        Body::Union => quote!(),
    }
}

/// `fn write_type` writing a constant descriptor: `kind`, then the name.
fn named_descriptor(kind: u8, name: &str) -> TokenStream {
    let mut bytes = vec![kind];
    bytes.extend_from_slice(&(name.len() as u32).to_le_bytes());
    bytes.extend_from_slice(name.as_bytes());
    let bytes = Literal::byte_string(&bytes);
    quote! {
        #[inline]
        fn write_type(
            _: ::core::option::Option<&Self>,
            __out: &mut ::std::vec::Vec<::core::primitive::u8>,
        ) {
            __out.extend_from_slice(#bytes);
        }
    }
}

const KIND_VARIANT: u8 = 0x08;
const KIND_RECORD: u8 = 0x09;
const KIND_TUPLE: u8 = 0x0B;

/// `Ok(...)` in the generated code.
fn ok(value: TokenStream) -> TokenStream {
    quote!(::core::result::Result::Ok(#value))
}

/// Encodes one field reached by `access` (an expression of type `&T`).
fn encode_field(krate: &Path, field: &Field<'_>, access: &TokenStream) -> TokenStream {
    let ty = field.ty;
    quote_spanned! {ty.span()=>
        <#ty as #krate::abi::GraphValue>::encode_node(#access, __enc)?
    }
}

/// Decodes one field from node `child`.
fn decode_field(krate: &Path, field: &Field<'_>, child: &TokenStream) -> TokenStream {
    let ty = field.ty;
    quote_spanned! {ty.span()=>
        <#ty as #krate::abi::GraphValue>::decode_node(__dec, #child)?
    }
}

fn field_names(fields: &[Field<'_>]) -> TokenStream {
    let len = fields.len();
    let names = fields.iter().map(|f| &f.wire);
    quote!(const __FIELDS: [&::core::primitive::str; #len] = [#(#names),*];)
}

/// Writes the children given by `accesses`, then a record node; evaluates
/// to the `Result` of writing the record.
fn encode_record(
    krate: &Path,
    type_name: &str,
    fields: &[Field<'_>],
    accesses: &[TokenStream],
) -> TokenStream {
    let len = fields.len();
    let names = field_names(fields);
    let children = fields
        .iter()
        .zip(accesses)
        .map(|(f, access)| encode_field(krate, f, access));
    quote! {{
        #names
        let __children: [::core::primitive::u32; #len] = [#(#children),*];
        __enc.record(#type_name, &__FIELDS, &__children)
    }}
}

/// Reads record node `node` into `constructor { fields }`, by field name.
fn decode_record(
    krate: &Path,
    type_name: &str,
    constructor: &TokenStream,
    fields: &[Field<'_>],
    node: &TokenStream,
) -> TokenStream {
    if fields.is_empty() {
        return quote! {{
            __dec.enter_record(#node)?;
            __dec.leave(#node);
            #constructor {}
        }};
    }
    let vars: Vec<Ident> = (0..fields.len())
        .map(|i| format_ident!("__v{}", i))
        .collect();
    let reads = fields.iter().zip(&vars).map(|(f, var)| {
        let wire = &f.wire;
        let value = decode_field(krate, f, &quote!(__child));
        let missing = if f.default {
            quote!(::core::default::Default::default())
        } else {
            quote! {
                return ::core::result::Result::Err(#krate::abi::AbiError::at(
                    #node,
                    #krate::abi::AbiErrorKind::MissingField { record: #type_name, field: #wire },
                ))
            }
        };
        quote! {
            let #var = match __record.field(#wire) {
                ::core::option::Option::Some(__child) => #value,
                ::core::option::Option::None => #missing,
            };
        }
    });
    let members = fields.iter().map(|f| &f.member);
    quote! {{
        let mut __record = __dec.enter_record(#node)?;
        #(#reads)*
        __dec.leave(#node);
        #constructor { #(#members: #vars),* }
    }}
}

fn record(
    krate: &Path,
    type_name: &str,
    fields: &[Field<'_>],
) -> (TokenStream, TokenStream, TokenStream) {
    let write_type = named_descriptor(KIND_RECORD, type_name);
    let accesses: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let member = &f.member;
            quote!(&self.#member)
        })
        .collect();
    let encode = encode_record(krate, type_name, fields, &accesses);
    let decode = ok(decode_record(
        krate,
        type_name,
        &quote!(Self),
        fields,
        &quote!(__index),
    ));
    (write_type, encode, decode)
}

fn tuple(krate: &Path, fields: &[Field<'_>]) -> (TokenStream, TokenStream, TokenStream) {
    let len = fields.len();
    let len_u32 = Literal::u32_suffixed(len as u32);
    let sample = if fields.is_empty() {
        quote!(_)
    } else {
        quote!(__sample)
    };
    let field_types = fields.iter().map(|f| {
        let ty = f.ty;
        let member = &f.member;
        quote_spanned! {ty.span()=>
            <#ty as #krate::abi::GraphValue>::write_type(
                ::core::option::Option::map(__sample, |__s| &__s.#member),
                __out,
            );
        }
    });
    let write_type = quote! {
        #[inline]
        fn write_type(
            #sample: ::core::option::Option<&Self>,
            __out: &mut ::std::vec::Vec<::core::primitive::u8>,
        ) {
            __out.push(#KIND_TUPLE);
            __out.extend_from_slice(&#len_u32.to_le_bytes());
            #(#field_types)*
        }
    };
    let children = fields.iter().map(|f| {
        let member = &f.member;
        encode_field(krate, f, &quote!(&self.#member))
    });
    let encode = quote! {
        let __children: [::core::primitive::u32; #len] = [#(#children),*];
        __enc.tuple(&__children)
    };
    let decode = if fields.is_empty() {
        quote! {
            __dec.enter_tuple(__index, 0)?;
            __dec.leave(__index);
            ::core::result::Result::Ok(Self {})
        }
    } else {
        let values = fields.iter().enumerate().map(|(i, f)| {
            let value = decode_field(krate, f, &nth_child(quote!(__children), i));
            let member = &f.member;
            quote!(#member: #value)
        });
        quote! {
            let __children = __dec.enter_tuple(__index, #len)?;
            let __out = Self { #(#values),* };
            __dec.leave(__index);
            ::core::result::Result::Ok(__out)
        }
    };
    (write_type, encode, decode)
}

/// The `i`-th child index of a checked-length `Children`; a missing one
/// (impossible after the length check) reads as an out-of-range index.
fn nth_child(children: TokenStream, i: usize) -> TokenStream {
    quote! {
        ::core::option::Option::unwrap_or(#children.get(#i), ::core::primitive::u32::MAX)
    }
}

fn enumeration(
    krate: &Path,
    type_name: &str,
    variants: &[Variant<'_>],
) -> (TokenStream, TokenStream, TokenStream) {
    let write_type = named_descriptor(KIND_VARIANT, type_name);

    let encode_arms = variants.iter().map(|v| {
        let ident = v.ident;
        let case = &v.wire;
        let tag = Literal::u32_suffixed(v.tag);
        match &v.shape {
            Shape::Unit => quote! {
                Self::#ident => __enc.variant(#type_name, #case, #tag, &[]),
            },
            Shape::Tuple(fields) => {
                let len = fields.len();
                let vars: Vec<Ident> = (0..len).map(|i| format_ident!("__f{}", i)).collect();
                let children = fields
                    .iter()
                    .zip(&vars)
                    .map(|(f, var)| encode_field(krate, f, &quote!(#var)));
                quote! {
                    Self::#ident(#(#vars),*) => {
                        let __children: [::core::primitive::u32; #len] = [#(#children),*];
                        __enc.variant(#type_name, #case, #tag, &__children)
                    }
                }
            }
            Shape::Record(fields) => {
                let vars: Vec<Ident> = (0..fields.len())
                    .map(|i| format_ident!("__f{}", i))
                    .collect();
                let members = fields.iter().map(|f| &f.member);
                let accesses: Vec<TokenStream> = vars.iter().map(|v| quote!(#v)).collect();
                let record = encode_record(krate, case, fields, &accesses);
                quote! {
                    Self::#ident { #(#members: #vars),* } => {
                        let __record = #record?;
                        __enc.variant(#type_name, #case, #tag, &[__record])
                    }
                }
            }
        }
    });
    let encode = if variants.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #(#encode_arms)* })
    };

    let unknown = quote! {
        ::core::result::Result::Err(#krate::abi::AbiError::at(
            __index,
            #krate::abi::AbiErrorKind::UnknownCase { variant: #type_name, tag: __node.tag },
        ))
    };
    let decode = if variants.is_empty() {
        quote! {
            let __node = __dec.enter_variant(__index)?;
            #unknown
        }
    } else {
        let arms = variants.iter().map(|v| decode_arm(krate, type_name, v));
        quote! {
            let __node = __dec.enter_variant(__index)?;
            let __payload = __node.payload;
            let __out = match __node.tag {
                #(#arms)*
                _ => return #unknown,
            };
            __dec.leave(__index);
            ::core::result::Result::Ok(__out)
        }
    };
    (write_type, encode, decode)
}

fn decode_arm(krate: &Path, type_name: &str, v: &Variant<'_>) -> TokenStream {
    let ident = v.ident;
    let case = &v.wire;
    let tag = Literal::u32_suffixed(v.tag);
    let count = match &v.shape {
        Shape::Unit => 0,
        Shape::Tuple(fields) => fields.len(),
        Shape::Record(_) => 1,
    };
    let expected = format!(
        "case `{case}` of variant `{type_name}` with {count} payload value{}",
        if count == 1 { "" } else { "s" }
    );
    let check = quote! {
        if __payload.len() != #count {
            return ::core::result::Result::Err(#krate::abi::AbiError::mismatch(
                __index,
                #expected,
                ::core::format_args!("{} payload values", __payload.len()),
            ));
        }
    };
    let value = match &v.shape {
        Shape::Unit => quote!(Self::#ident),
        Shape::Tuple(fields) => {
            let values = fields
                .iter()
                .enumerate()
                .map(|(i, f)| decode_field(krate, f, &nth_child(quote!(__payload), i)));
            quote!(Self::#ident(#(#values),*))
        }
        Shape::Record(fields) => {
            let node = quote!(__record_index);
            let record = decode_record(krate, case, &quote!(Self::#ident), fields, &node);
            let first = nth_child(quote!(__payload), 0);
            quote! {{
                let #node = #first;
                #record
            }}
        }
    };
    quote! {
        #tag => {
            #check
            #value
        }
    }
}

/// `tokens` with every span replaced by `span`.
pub fn respan(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tt = proc_macro2::TokenTree::Group(group);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}
