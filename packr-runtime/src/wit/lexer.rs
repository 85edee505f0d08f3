//! Splits WIT+ text into tokens, keeping `///` doc comments.

use super::error::{Source, Span, WitError};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// An identifier or keyword (WIT keywords are contextual here); a
    /// leading `%` escape is removed.
    Ident(String),
    /// One `///` line, without the slashes.
    Doc(String),
    /// A punctuation character.
    Punct(char),
    /// `->`
    Arrow,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

pub(crate) fn lex(source: &Arc<Source>) -> Result<Vec<Token>, WitError> {
    let text = source.text.as_bytes();
    let span = |start: usize, end: usize| Span {
        source: source.clone(),
        start,
        end,
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if text[i..].starts_with(b"///") && !text[i..].starts_with(b"////") {
            let end = line_end(text, i);
            let doc = source.text[i + 3..end].trim().to_string();
            out.push(Token {
                tok: Tok::Doc(doc),
                span: span(i, end),
            });
            i = end;
        } else if text[i..].starts_with(b"//") {
            i = line_end(text, i);
        } else if text[i..].starts_with(b"/*") {
            let Some(close) = source.text[i + 2..].find("*/") else {
                return Err(WitError::new(
                    span(i, i + 2),
                    "this block comment is never closed (`*/` expected)",
                ));
            };
            i += close + 4;
        } else if text[i..].starts_with(b"->") {
            out.push(Token {
                tok: Tok::Arrow,
                span: span(i, i + 2),
            });
            i += 2;
        } else if c == b'%' || c.is_ascii_alphabetic() || c == b'_' || c.is_ascii_digit() {
            let start = i;
            let escaped = c == b'%';
            if escaped {
                i += 1;
            }
            while i < text.len()
                && (text[i].is_ascii_alphanumeric() || text[i] == b'-' || text[i] == b'_')
            {
                i += 1;
            }
            let word = &source.text[start + usize::from(escaped)..i];
            if word.is_empty() {
                return Err(WitError::new(
                    span(start, start + 1),
                    "`%` must be followed by an identifier",
                ));
            }
            out.push(Token {
                tok: Tok::Ident(word.to_string()),
                span: span(start, i),
            });
        } else if b"{}()<>,;:=./*@".contains(&c) {
            out.push(Token {
                tok: Tok::Punct(c as char),
                span: span(i, i + 1),
            });
            i += 1;
        } else {
            let ch = source.text[i..].chars().next().unwrap_or('?');
            return Err(WitError::new(
                span(i, i + ch.len_utf8()),
                format!("unexpected character `{ch}`"),
            ));
        }
    }
    Ok(out)
}

fn line_end(text: &[u8], from: usize) -> usize {
    text[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |p| from + p)
}
