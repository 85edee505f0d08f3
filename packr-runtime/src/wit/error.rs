//! WIT+ errors: where (file, line, column, with the source line and a
//! caret under the offending token) and what was expected.

use std::fmt;
use std::sync::Arc;

/// A source file as the parser saw it, shared by every span into it.
#[derive(Debug)]
pub(crate) struct Source {
    pub(crate) name: String,
    pub(crate) text: String,
}

/// A byte range in one source file.
#[derive(Debug, Clone)]
pub struct Span {
    pub(crate) source: Arc<Source>,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    /// The file name the span points into.
    pub fn file(&self) -> &str {
        &self.source.name
    }

    /// 1-based line and column (in characters) of the span's start.
    pub fn line_col(&self) -> (usize, usize) {
        let before = &self.source.text[..self.start.min(self.source.text.len())];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// The byte range the span covers in its file's text.
    ///
    /// ```
    /// use packr_runtime::wit::Package;
    /// let text = "package a:b;\ninterface i {\n  f: func(x: strin);\n}\n";
    /// let err = Package::parse("actor.wit+", text).unwrap_err();
    /// assert_eq!(&text[err.span().range()], "strin");
    /// ```
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// The text the span covers.
    pub fn text(&self) -> &str {
        let end = self.end.min(self.source.text.len());
        &self.source.text[self.start.min(end)..end]
    }
}

impl PartialEq for Span {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.source, &other.source)
            && self.start == other.start
            && self.end == other.end
    }
}

/// A WIT+ file that does not parse or resolve.
///
/// Its `Display` reads like a compiler diagnostic:
///
/// ```
/// use packr_runtime::wit::Package;
/// let err = Package::parse("actor.wit+", "package a:b;\ninterface i {\n  f: func(x: strin);\n}\n").unwrap_err();
/// assert_eq!(err.line_col(), (3, 14));
/// assert!(err.to_string().contains("actor.wit+:3:14"));
/// assert!(err.to_string().contains("unknown type `strin`"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct WitError {
    span: Span,
    message: String,
}

impl WitError {
    pub(crate) fn new(span: Span, message: impl Into<String>) -> Self {
        WitError {
            span,
            message: message.into(),
        }
    }

    /// Where it went wrong.
    pub fn span(&self) -> &Span {
        &self.span
    }

    /// What went wrong, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The file the error is in.
    pub fn file(&self) -> &str {
        self.span.file()
    }

    /// 1-based line and column of the offending token.
    pub fn line_col(&self) -> (usize, usize) {
        self.span.line_col()
    }
}

impl fmt::Display for WitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.line_col();
        writeln!(f, "{}:{line}:{col}: {}", self.file(), self.message)?;
        let text = self.span.source.text.lines().nth(line - 1).unwrap_or("");
        let width = self.span.text().chars().count().max(1);
        writeln!(f, "{line:>5} | {text}")?;
        write!(f, "      | {}{}", " ".repeat(col - 1), "^".repeat(width))
    }
}

impl std::error::Error for WitError {}
