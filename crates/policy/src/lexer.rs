//! Lexer: turns `schema.zmodel` source text into tokens with 1-based `line:col` spans.
//!
//! Comments (`//`, `///`, `/* */`) and whitespace are dropped. Attribute names are lexed as one
//! token (`@id`, `@@allow`, `@db.Text`). Numbers may carry a leading sign, as in ZenStack's grammar.

use crate::diag::{Diagnostic, Span};

/// The kinds of token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An identifier or keyword (`model`, `this`, `true`, … are identifiers here).
    Ident(String),
    /// A string literal (single or double quotes), escapes already processed.
    Str(String),
    Int(i64),
    Float(f64),
    /// `@name` (`model_level == false`) or `@@name`; `name` excludes the `@`s and may contain dots.
    Attr {
        name: String,
        model_level: bool,
    },
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Colon,
    Dot,
    Assign,
    Question,
    Bang,
    Caret,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    AndAnd,
    OrOr,
    Eof,
}

/// A token and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    line: u32,
    col: u32,
    tokens: Vec<Token>,
    errors: Vec<Diagnostic>,
}

/// Splits `src` into tokens (always ending with [`Tok::Eof`]) and lexical errors.
pub fn lex(src: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let mut lx = Lexer { src, pos: 0, line: 1, col: 1, tokens: Vec::new(), errors: Vec::new() };
    lx.run();
    let end = lx.here();
    lx.tokens.push(Token { tok: Tok::Eof, span: end });
    (lx.tokens, lx.errors)
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().nth(n))
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    /// An empty span at the current position.
    fn here(&self) -> Span {
        Span { line: self.line, col: self.col, start: self.pos as u32, end: self.pos as u32 }
    }

    fn push(&mut self, tok: Tok, mut span: Span) {
        span.end = self.pos as u32;
        self.tokens.push(Token { tok, span });
    }

    fn error(&mut self, mut span: Span, msg: impl Into<String>, hint: &str) {
        span.end = (self.pos as u32).max(span.start);
        self.errors.push(Diagnostic::error(span, msg).with_hint(hint));
    }

    fn run(&mut self) {
        while let Some(c) = self.peek() {
            let start = self.here();
            if c.is_whitespace() {
                self.bump();
            } else if c == '/' && self.peek_at(1) == Some('/') {
                while let Some(c) = self.peek() {
                    if c == '\n' {
                        break;
                    }
                    self.bump();
                }
            } else if c == '/' && self.peek_at(1) == Some('*') {
                self.block_comment(start);
            } else if is_ident_start(c) {
                let s = self.take_while(is_ident_char);
                self.push(Tok::Ident(s), start);
            } else if c.is_ascii_digit()
                || ((c == '-' || c == '+') && self.peek_at(1).is_some_and(|d| d.is_ascii_digit()))
            {
                self.number(start);
            } else if c == '"' || c == '\'' {
                self.string(start, c);
            } else if c == '@' {
                self.attribute(start);
            } else {
                self.punct(start, c);
            }
        }
    }

    fn take_while(&mut self, f: impl Fn(char) -> bool) -> String {
        let from = self.pos;
        while self.peek().is_some_and(&f) {
            self.bump();
        }
        self.src.get(from..self.pos).unwrap_or_default().to_owned()
    }

    fn block_comment(&mut self, start: Span) {
        self.bump();
        self.bump();
        loop {
            match self.bump() {
                None => {
                    self.error(start, "unterminated block comment", "close the comment with `*/`");
                    return;
                }
                Some('*') if self.peek() == Some('/') => {
                    self.bump();
                    return;
                }
                Some(_) => {}
            }
        }
    }

    fn number(&mut self, start: Span) {
        let from = self.pos;
        if matches!(self.peek(), Some('-' | '+')) {
            self.bump();
        }
        self.take_while(|c| c.is_ascii_digit());
        let mut float = false;
        if self.peek() == Some('.') && self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) {
            float = true;
            self.bump();
            self.take_while(|c| c.is_ascii_digit());
        }
        let text = self.src.get(from..self.pos).unwrap_or_default();
        if float {
            match text.parse::<f64>() {
                Ok(v) => self.push(Tok::Float(v), start),
                Err(_) => self.error(start, format!("invalid number `{text}`"), "write a decimal number"),
            }
        } else {
            match text.parse::<i64>() {
                Ok(v) => self.push(Tok::Int(v), start),
                Err(_) => {
                    self.error(start, format!("integer `{text}` is out of range"), "integers must fit in 64 bits")
                }
            }
        }
    }

    fn string(&mut self, start: Span, quote: char) {
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                None | Some('\n') => {
                    self.error(
                        start,
                        "unterminated string literal",
                        &format!("close the string with {quote} on the same line"),
                    );
                    return;
                }
                Some('\\') => match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('0') => out.push('\0'),
                    Some(c) => out.push(c),
                    None => {}
                },
                Some(c) if c == quote => break,
                Some(c) => out.push(c),
            }
        }
        self.push(Tok::Str(out), start);
    }

    fn attribute(&mut self, start: Span) {
        let mut ats = 0;
        while self.peek() == Some('@') {
            self.bump();
            ats += 1;
        }
        let mut name = self.take_while(is_ident_char);
        while self.peek() == Some('.') && self.peek_at(1).is_some_and(is_ident_start) {
            self.bump();
            name.push('.');
            name.push_str(&self.take_while(is_ident_char));
        }
        if name.is_empty() || !name.starts_with(is_ident_start) || ats > 2 {
            self.error(start, "invalid attribute name", "attributes are written `@name` (field) or `@@name` (model)");
            return;
        }
        self.push(Tok::Attr { name, model_level: ats == 2 }, start);
    }

    fn punct(&mut self, start: Span, c: char) {
        self.bump();
        let next = self.peek();
        let two = |lx: &mut Self, t: Tok| {
            lx.bump();
            t
        };
        let tok = match (c, next) {
            ('=', Some('=')) => two(self, Tok::EqEq),
            ('!', Some('=')) => two(self, Tok::NotEq),
            ('<', Some('=')) => two(self, Tok::Le),
            ('>', Some('=')) => two(self, Tok::Ge),
            ('&', Some('&')) => two(self, Tok::AndAnd),
            ('|', Some('|')) => two(self, Tok::OrOr),
            ('{', _) => Tok::LBrace,
            ('}', _) => Tok::RBrace,
            ('(', _) => Tok::LParen,
            (')', _) => Tok::RParen,
            ('[', _) => Tok::LBracket,
            (']', _) => Tok::RBracket,
            (',', _) => Tok::Comma,
            (':', _) => Tok::Colon,
            ('.', _) => Tok::Dot,
            ('=', _) => Tok::Assign,
            ('?', _) => Tok::Question,
            ('!', _) => Tok::Bang,
            ('^', _) => Tok::Caret,
            ('<', _) => Tok::Lt,
            ('>', _) => Tok::Gt,
            ('&', _) => {
                return self.error(start, "unexpected `&`", "logical and is written `&&`");
            }
            ('|', _) => {
                return self.error(start, "unexpected `|`", "logical or is written `||`");
            }
            _ => {
                return self.error(
                    start,
                    format!("unexpected character `{}`", c.escape_debug()),
                    "remove this character",
                );
            }
        };
        self.push(tok, start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        let (t, e) = lex(src);
        assert!(e.is_empty(), "{e:?}");
        t.into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn lexes_attributes_numbers_and_comments() {
        let t = toks("/// doc\nx @db.Text @@allow(-1, 2.5) /* c */ 'a\\'b' // end");
        assert_eq!(
            t,
            vec![
                Tok::Ident("x".into()),
                Tok::Attr { name: "db.Text".into(), model_level: false },
                Tok::Attr { name: "allow".into(), model_level: true },
                Tok::LParen,
                Tok::Int(-1),
                Tok::Comma,
                Tok::Float(2.5),
                Tok::RParen,
                Tok::Str("a'b".into()),
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn spans_are_one_based() {
        let (t, _) = lex("a\n  bb == c");
        let bb = &t[1];
        assert_eq!((bb.span.line, bb.span.col, bb.span.start, bb.span.end), (2, 3, 4, 6));
        assert_eq!(t[2].tok, Tok::EqEq);
        assert_eq!(t[2].span.col, 6);
    }

    #[test]
    fn reports_unterminated_string() {
        let (_, e) = lex("x 'abc\n");
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].span.line, e[0].span.col), (1, 3));
    }
}
