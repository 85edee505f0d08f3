//! Recursive-descent parser from tokens to the (not yet resolved) model.

use super::error::{Span, WitError};
use super::lexer::{Tok, Token};
use super::model::{Case, Field, Function, PackageName, Type, TypeDef, TypeDefKind, TypeRef};

/// An interface as parsed: its `use`s are resolved later.
#[derive(Debug)]
pub(crate) struct ParsedInterface {
    pub(crate) name: String,
    pub(crate) docs: String,
    pub(crate) span: Span,
    pub(crate) uses: Vec<Use>,
    pub(crate) types: Vec<TypeDef>,
    pub(crate) functions: Vec<(Function, Span)>,
}

/// `use iface.{a, b as c};`
#[derive(Debug)]
pub(crate) struct Use {
    /// The interface named, bare or qualified.
    pub(crate) from: String,
    pub(crate) from_span: Span,
    /// (original name, local name, span of the original name)
    pub(crate) names: Vec<(String, String, Span)>,
}

#[derive(Debug)]
pub(crate) struct ParsedWorld {
    pub(crate) name: String,
    pub(crate) docs: String,
    pub(crate) span: Span,
    /// (is export, item, span of the item's name or path)
    pub(crate) items: Vec<(bool, ParsedWorldItem, Span)>,
    /// `use iface.{..};` for the world's own functions.
    pub(crate) uses: Vec<Use>,
}

#[derive(Debug)]
pub(crate) enum ParsedWorldItem {
    /// A path: bare or qualified interface name.
    Interface(String),
    Inline(ParsedInterface),
    Function(Function),
}

#[derive(Debug)]
pub(crate) struct ParsedFile {
    pub(crate) package: Option<(PackageName, Span)>,
    pub(crate) interfaces: Vec<ParsedInterface>,
    pub(crate) worlds: Vec<ParsedWorld>,
}

pub(crate) struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Span of the end of input, for "expected X" at the end of a file.
    eof: Span,
}

impl Parser {
    pub(crate) fn new(tokens: Vec<Token>, eof: Span) -> Self {
        Parser {
            tokens,
            pos: 0,
            eof,
        }
    }

    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn span(&self) -> Span {
        self.tokens
            .get(self.pos)
            .map_or_else(|| self.eof.clone(), |t| t.span.clone())
    }

    fn found(&self) -> String {
        match self.peek() {
            None => "the end of the file".into(),
            Some(Tok::Ident(w)) => format!("`{w}`"),
            Some(Tok::Doc(_)) => "a doc comment".into(),
            Some(Tok::Punct(c)) => format!("`{c}`"),
            Some(Tok::Arrow) => "`->`".into(),
        }
    }

    fn expected(&self, what: &str) -> WitError {
        WitError::new(
            self.span(),
            format!("expected {what}, found {}", self.found()),
        )
    }

    fn eat_punct(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn punct(&mut self, c: char) -> Result<(), WitError> {
        if self.eat_punct(c) {
            Ok(())
        } else {
            Err(self.expected(&format!("`{c}`")))
        }
    }

    fn eat_keyword(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(w)) if w == word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn keyword(&mut self, word: &str) -> Result<(), WitError> {
        if self.eat_keyword(word) {
            Ok(())
        } else {
            Err(self.expected(&format!("`{word}`")))
        }
    }

    /// A kebab-case identifier.
    fn ident(&mut self, what: &str) -> Result<(String, Span), WitError> {
        let span = self.span();
        let Some(Tok::Ident(word)) = self.peek().cloned() else {
            return Err(self.expected(what));
        };
        if !valid_identifier(&word) {
            return Err(WitError::new(
                span,
                format!(
                    "`{word}` is not a valid WIT identifier: use kebab-case words that start with a letter (`my-name`)"
                ),
            ));
        }
        self.pos += 1;
        Ok((word, span))
    }

    fn docs(&mut self) -> String {
        let mut lines = Vec::new();
        while let Some(Tok::Doc(line)) = self.peek() {
            lines.push(line.clone());
            self.pos += 1;
        }
        lines.join("\n")
    }

    pub(crate) fn file(mut self) -> Result<ParsedFile, WitError> {
        let mut file = ParsedFile {
            package: None,
            interfaces: Vec::new(),
            worlds: Vec::new(),
        };
        let docs = self.docs();
        if self.eat_keyword("package") {
            let span = self.span();
            let (namespace, _) = self.ident("a package namespace")?;
            self.punct(':')?;
            let (name, _) = self.ident("a package name")?;
            if self.eat_punct('@') {
                return Err(WitError::new(
                    self.span(),
                    "package versions are not supported yet: remove `@...`",
                ));
            }
            self.punct(';')?;
            file.package = Some((PackageName { namespace, name }, span));
        }
        let mut pending = Some(docs).filter(|_| file.package.is_none());
        while self.peek().is_some() {
            let docs = pending.take().unwrap_or_default() + &self.docs();
            if self.peek().is_none() {
                break;
            }
            if self.eat_keyword("interface") {
                let (name, span) = self.ident("an interface name")?;
                file.interfaces.push(self.interface_body(name, docs, span)?);
            } else if self.eat_keyword("world") {
                let (name, span) = self.ident("a world name")?;
                file.worlds.push(self.world_body(name, docs, span)?);
            } else {
                return Err(self.expected("`interface` or `world`"));
            }
        }
        Ok(file)
    }

    fn interface_body(
        &mut self,
        name: String,
        docs: String,
        span: Span,
    ) -> Result<ParsedInterface, WitError> {
        self.punct('{')?;
        let mut iface = ParsedInterface {
            name,
            docs,
            span,
            uses: Vec::new(),
            types: Vec::new(),
            functions: Vec::new(),
        };
        loop {
            let docs = self.docs();
            if self.eat_punct('}') {
                return Ok(iface);
            }
            let start = self.span();
            let Some(Tok::Ident(word)) = self.peek().cloned() else {
                return Err(self.expected("a type, a function or `}`"));
            };
            let is_item = matches!(
                self.tokens.get(self.pos + 1).map(|t| &t.tok),
                Some(Tok::Punct(':'))
            );
            if is_item {
                let (fname, fspan) = self.ident("a function name")?;
                self.punct(':')?;
                let f = self.func(fname, docs)?;
                self.punct(';')?;
                iface.functions.push((f, fspan));
                continue;
            }
            self.pos += 1;
            match word.as_str() {
                "use" => iface.uses.push(self.use_()?),
                "type" => {
                    let (name, span) = self.ident("a type name")?;
                    self.punct('=')?;
                    let ty = self.ty()?;
                    self.punct(';')?;
                    iface.types.push(TypeDef {
                        name,
                        docs,
                        kind: TypeDefKind::Alias(ty),
                        span,
                    });
                }
                "record" => {
                    let (name, span) = self.ident("a record name")?;
                    let fields = self.braced(|p| {
                        let docs = p.docs();
                        let (name, _) = p.ident("a field name")?;
                        p.punct(':')?;
                        Ok(Field {
                            name,
                            docs,
                            ty: p.ty()?,
                        })
                    })?;
                    iface.types.push(TypeDef {
                        name,
                        docs,
                        kind: TypeDefKind::Record(fields),
                        span,
                    });
                }
                "variant" => {
                    let (name, span) = self.ident("a variant name")?;
                    let cases = self.braced(|p| {
                        let docs = p.docs();
                        let (name, _) = p.ident("a case name")?;
                        let payload = if p.eat_punct('(') {
                            let ty = p.ty()?;
                            p.punct(')')?;
                            Some(ty)
                        } else {
                            None
                        };
                        Ok(Case {
                            name,
                            docs,
                            payload,
                        })
                    })?;
                    iface.types.push(TypeDef {
                        name,
                        docs,
                        kind: TypeDefKind::Variant(cases),
                        span,
                    });
                }
                "enum" | "flags" => {
                    let (name, span) = self.ident("a type name")?;
                    let names = self.braced(|p| {
                        p.docs();
                        Ok(p.ident("a name")?.0)
                    })?;
                    let kind = if word == "enum" {
                        TypeDefKind::Enum(names)
                    } else {
                        TypeDefKind::Flags(names)
                    };
                    iface.types.push(TypeDef {
                        name,
                        docs,
                        kind,
                        span,
                    });
                }
                "resource" => {
                    return Err(WitError::new(
                        start,
                        "resources are not supported by the Graph ABI: use a record or a handle id",
                    ));
                }
                _ => {
                    self.pos -= 1;
                    return Err(self.expected("`use`, `type`, `record`, `variant`, `enum`, `flags`, a function (`name: func(...)`) or `}`"));
                }
            }
        }
    }

    /// `{ item, item, ... }` with an optional trailing comma.
    fn braced<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, WitError>,
    ) -> Result<Vec<T>, WitError> {
        self.punct('{')?;
        let mut items = Vec::new();
        loop {
            if self.eat_punct('}') {
                return Ok(items);
            }
            items.push(item(self)?);
            if !self.eat_punct(',') {
                self.punct('}')?;
                return Ok(items);
            }
        }
    }

    fn use_(&mut self) -> Result<Use, WitError> {
        let (from, from_span) = self.path()?;
        self.punct('.')?;
        let names = self.braced(|p| {
            let (name, span) = p.ident("a type name")?;
            let local = if p.eat_keyword("as") {
                p.ident("a local name")?.0
            } else {
                name.clone()
            };
            Ok((name, local, span))
        })?;
        self.punct(';')?;
        Ok(Use {
            from,
            from_span,
            names,
        })
    }

    /// `iface` or `ns:pkg/iface`.
    fn path(&mut self) -> Result<(String, Span), WitError> {
        let (first, span) = self.ident("an interface name")?;
        if self.eat_punct(':') {
            let (pkg, _) = self.ident("a package name")?;
            self.punct('/')?;
            let (iface, _) = self.ident("an interface name")?;
            return Ok((format!("{first}:{pkg}/{iface}"), span));
        }
        Ok((first, span))
    }

    fn func(&mut self, name: String, docs: String) -> Result<Function, WitError> {
        if self.eat_keyword("async") {
            return Err(WitError::new(
                self.span(),
                "`async` belongs in bindgen!'s options, not in WIT+",
            ));
        }
        self.keyword("func")?;
        self.punct('(')?;
        let mut params = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        loop {
            if self.eat_punct(')') {
                break;
            }
            let (pname, pspan) = self.ident("a parameter name")?;
            if seen.contains(&pname) {
                return Err(WitError::new(
                    pspan,
                    format!("parameter `{pname}` is declared twice"),
                ));
            }
            seen.push(pname.clone());
            self.punct(':')?;
            params.push((pname, self.ty()?));
            if !self.eat_punct(',') {
                self.punct(')')?;
                break;
            }
        }
        let result = if matches!(self.peek(), Some(Tok::Arrow)) {
            self.pos += 1;
            Some(self.ty()?)
        } else {
            None
        };
        Ok(Function {
            name,
            docs,
            params,
            result,
        })
    }

    /// A type: a built-in (every word of [`BUILTIN_TYPES`]) or a name.
    fn ty(&mut self) -> Result<Type, WitError> {
        let span = self.span();
        let Some(Tok::Ident(word)) = self.peek().cloned() else {
            return Err(self.expected("a type"));
        };
        self.pos += 1;
        Ok(match word.as_str() {
            "bool" => Type::Bool,
            "u8" => Type::U8,
            "u16" => Type::U16,
            "u32" => Type::U32,
            "u64" => Type::U64,
            "s8" => Type::S8,
            "s16" => Type::S16,
            "s32" => Type::S32,
            "s64" => Type::S64,
            "f32" | "float32" => Type::F32,
            "f64" | "float64" => Type::F64,
            "char" => Type::Char,
            "string" => Type::String,
            "value" => Type::Value,
            "list" => Type::List(Box::new(self.one_param()?)),
            "option" => Type::Option(Box::new(self.one_param()?)),
            "tuple" => {
                self.punct('<')?;
                let mut items = vec![self.ty()?];
                while self.eat_punct(',') {
                    if self.peek() == Some(&Tok::Punct('>')) {
                        break;
                    }
                    items.push(self.ty()?);
                }
                self.punct('>')?;
                Type::Tuple(items)
            }
            "result" => {
                if !self.eat_punct('<') {
                    return Ok(Type::Result {
                        ok: None,
                        err: None,
                    });
                }
                let ok = if self.eat_keyword("_") {
                    None
                } else {
                    Some(Box::new(self.ty()?))
                };
                let err = if self.eat_punct(',') {
                    Some(Box::new(self.ty()?))
                } else {
                    None
                };
                if ok.is_none() && err.is_none() {
                    return Err(self.expected("`,` and an error type after `result<_`"));
                }
                self.punct('>')?;
                Type::Result { ok, err }
            }
            _ => {
                if !valid_identifier(&word) {
                    return Err(WitError::new(
                        span,
                        format!("`{word}` is not a valid type name"),
                    ));
                }
                Type::Named(TypeRef {
                    interface: String::new(),
                    name: word,
                    span: Some(span),
                })
            }
        })
    }

    fn one_param(&mut self) -> Result<Type, WitError> {
        self.punct('<')?;
        let ty = self.ty()?;
        self.punct('>')?;
        Ok(ty)
    }

    fn world_body(
        &mut self,
        name: String,
        docs: String,
        span: Span,
    ) -> Result<ParsedWorld, WitError> {
        self.punct('{')?;
        let mut world = ParsedWorld {
            name,
            docs,
            span,
            items: Vec::new(),
            uses: Vec::new(),
        };
        loop {
            let docs = self.docs();
            if self.eat_punct('}') {
                return Ok(world);
            }
            if self.eat_keyword("use") {
                world.uses.push(self.use_()?);
                continue;
            }
            let export = if self.eat_keyword("export") {
                true
            } else if self.eat_keyword("import") {
                false
            } else {
                return Err(self.expected("`import`, `export`, `use` or `}`"));
            };
            let (first, first_span) = self.ident("an interface or function name")?;
            let item = if self.eat_punct(':') {
                if self.eat_keyword("interface") {
                    ParsedWorldItem::Inline(self.interface_body(first, docs, first_span.clone())?)
                } else if matches!(self.peek(), Some(Tok::Ident(w)) if w == "func" || w == "async")
                {
                    let f = self.func(first, docs)?;
                    self.punct(';')?;
                    ParsedWorldItem::Function(f)
                } else {
                    // `ns:pkg/iface`
                    let (pkg, _) = self.ident("a package name, `func` or `interface`")?;
                    self.punct('/')?;
                    let (iface, _) = self.ident("an interface name")?;
                    self.punct(';')?;
                    ParsedWorldItem::Interface(format!("{first}:{pkg}/{iface}"))
                }
            } else if self.peek() == Some(&Tok::Punct('{')) {
                ParsedWorldItem::Inline(self.interface_body(first, docs, first_span.clone())?)
            } else {
                self.punct(';')?;
                ParsedWorldItem::Interface(first)
            };
            world.items.push((export, item, first_span));
        }
    }
}

/// WIT identifiers: kebab-case words, each starting with a letter, each
/// all lowercase or all uppercase.
/// The words [`Parser::ty`] reads as built-in types (keep the two in step:
/// a test checks each word here parses as a built-in). No user type may
/// take one of these names.
pub(crate) const BUILTIN_TYPES: &[&str] = &[
    "bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "float32", "f64",
    "float64", "char", "string", "value", "list", "option", "tuple", "result",
];

pub(crate) fn valid_identifier(word: &str) -> bool {
    !word.is_empty()
        && word.split('-').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && (part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                    || part
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        })
}
