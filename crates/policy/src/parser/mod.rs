//! Recursive-descent parser for `schema.zmodel`: declarations here, expressions in [`expr`].
//!
//! Errors recover at the next field or declaration, so one run reports several problems. The
//! parser never panics on any input; nesting deeper than [`MAX_DEPTH`] is an error.

mod decl;
mod expr;

use crate::ast::{Ident, SchemaAst};
use crate::diag::{Diagnostic, Span};
use crate::lexer::{Tok, Token, lex};

/// Maximum expression nesting depth.
pub const MAX_DEPTH: u32 = 64;

/// Parses a source file into a syntax tree plus lexical and syntax diagnostics (errors and warnings).
pub fn parse(src: &str) -> (SchemaAst, Vec<Diagnostic>) {
    let (tokens, diags) = lex(src);
    let mut p = Parser { tokens, pos: 0, diags, depth: 0 };
    let ast = p.file();
    (ast, p.diags)
}

/// Parser state: the tokens, the position, diagnostics so far and the expression depth.
pub(crate) struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    pub(crate) diags: Vec<Diagnostic>,
    depth: u32,
}

type PResult<T> = Result<T, Diagnostic>;

/// The span from the start of `a` to the end of `b`.
pub(crate) fn join(a: Span, b: Span) -> Span {
    Span { end: b.end.max(a.start), ..a }
}

const DECL_KEYWORDS: [&str; 11] = [
    "model",
    "abstract",
    "type",
    "enum",
    "datasource",
    "generator",
    "plugin",
    "view",
    "function",
    "attribute",
    "procedure",
];

impl Parser {
    fn tok(&self) -> &Tok {
        self.tokens.get(self.pos).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn tok_at(&self, n: usize) -> &Tok {
        self.tokens.get(self.pos + n).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn span(&self) -> Span {
        self.tokens.get(self.pos).or(self.tokens.last()).map_or(Span::default(), |t| t.span)
    }

    /// The span of the last consumed token.
    fn prev_span(&self) -> Span {
        self.pos.checked_sub(1).and_then(|i| self.tokens.get(i)).map_or_else(|| self.span(), |t| t.span)
    }

    fn bump(&mut self) -> Token {
        let t = self.tokens.get(self.pos).cloned().unwrap_or(Token { tok: Tok::Eof, span: self.span() });
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn at(&self, t: &Tok) -> bool {
        self.tok() == t
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.at(t) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn at_kw(&self, kw: &str) -> bool {
        matches!(self.tok(), Tok::Ident(s) if s == kw)
    }

    fn describe(&self) -> String {
        match self.tok() {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Str(_) => "a string".into(),
            Tok::Int(_) | Tok::Float(_) => "a number".into(),
            Tok::Attr { name, model_level } => {
                format!("`{}{name}`", if *model_level { "@@" } else { "@" })
            }
            Tok::Eof => "end of file".into(),
            t => format!("`{}`", tok_text(t)),
        }
    }

    fn unexpected(&self, expected: &str) -> Diagnostic {
        Diagnostic::error(self.span(), format!("expected {expected}, found {}", self.describe()))
    }

    fn expect(&mut self, t: &Tok, hint: &str) -> PResult<Span> {
        if self.at(t) {
            Ok(self.bump().span)
        } else {
            Err(self.unexpected(&format!("`{}`", tok_text(t))).with_hint(hint))
        }
    }

    fn ident(&mut self, what: &str) -> PResult<Ident> {
        match self.tok().clone() {
            Tok::Ident(name) => {
                let span = self.bump().span;
                Ok(Ident { name, span })
            }
            _ => Err(self.unexpected(what).with_hint(format!("write {what} here"))),
        }
    }

    fn file(&mut self) -> SchemaAst {
        let mut ast = SchemaAst::default();
        while !self.at(&Tok::Eof) {
            let start = self.pos;
            match self.decl() {
                Ok(Some(d)) => ast.decls.push(d),
                Ok(None) => {}
                Err(d) => {
                    self.diags.push(d);
                    self.recover_decl(start);
                }
            }
        }
        ast
    }

    /// Skips to the end of the declaration that started at token `start`.
    fn recover_decl(&mut self, start: usize) {
        let mut depth = 0i64;
        let mut seen_brace = false;
        let mut i = start;
        while let Some(t) = self.tokens.get(i) {
            match &t.tok {
                Tok::Eof => break,
                Tok::LBrace => {
                    depth += 1;
                    seen_brace = true;
                }
                Tok::RBrace => {
                    depth -= 1;
                    if depth <= 0 && seen_brace {
                        i += 1;
                        break;
                    }
                }
                Tok::Ident(s)
                    if i > start
                        && t.span.col == 1
                        && DECL_KEYWORDS.contains(&s.as_str())
                        && (i >= self.pos || depth <= 0) =>
                {
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        self.pos = i.max(self.pos.min(self.tokens.len()));
        if self.pos == start {
            self.bump();
        }
    }

    /// Skips the rest of a field or model attribute after an error: to the next line at the same
    /// nesting level (or the closing `}` of the model).
    fn recover_item(&mut self, start: usize) {
        let start_line = self.tokens.get(start).map_or(0, |t| t.span.line);
        let mut depth = 0i64;
        if self.pos == start {
            self.bump();
        }
        // Re-scan from the item start to know the nesting at the error point.
        for t in self.tokens.get(start..self.pos).unwrap_or_default() {
            match t.tok {
                Tok::LParen | Tok::LBracket | Tok::LBrace => depth += 1,
                Tok::RParen | Tok::RBracket | Tok::RBrace => depth -= 1,
                _ => {}
            }
        }
        loop {
            let t = self.tokens.get(self.pos).cloned();
            let Some(t) = t else { return };
            match t.tok {
                Tok::Eof => return,
                Tok::RBrace if depth <= 0 => return,
                _ if depth <= 0 && t.span.line > start_line && self.prev_span().line < t.span.line => {
                    if matches!(t.tok, Tok::Ident(_) | Tok::Attr { model_level: true, .. }) {
                        return;
                    }
                }
                _ => {}
            }
            match t.tok {
                Tok::LParen | Tok::LBracket | Tok::LBrace => depth += 1,
                Tok::RParen | Tok::RBracket | Tok::RBrace => depth -= 1,
                _ => {}
            }
            self.bump();
        }
    }
}

/// How a punctuation token is written.
fn tok_text(t: &Tok) -> &'static str {
    match t {
        Tok::LBrace => "{",
        Tok::RBrace => "}",
        Tok::LParen => "(",
        Tok::RParen => ")",
        Tok::LBracket => "[",
        Tok::RBracket => "]",
        Tok::Comma => ",",
        Tok::Colon => ":",
        Tok::Dot => ".",
        Tok::Assign => "=",
        Tok::Question => "?",
        Tok::Bang => "!",
        Tok::Caret => "^",
        Tok::EqEq => "==",
        Tok::NotEq => "!=",
        Tok::Lt => "<",
        Tok::Le => "<=",
        Tok::Gt => ">",
        Tok::Ge => ">=",
        Tok::AndAnd => "&&",
        Tok::OrOr => "||",
        Tok::Eof => "end of file",
        Tok::Ident(_) | Tok::Str(_) | Tok::Int(_) | Tok::Float(_) | Tok::Attr { .. } => "token",
    }
}
