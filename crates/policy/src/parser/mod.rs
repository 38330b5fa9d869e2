//! Recursive-descent parser for `schema.zmodel`: declarations here, expressions in [`expr`].
//!
//! Errors recover at the next field or declaration, so one run reports several problems. The
//! parser never panics on any input; nesting deeper than [`MAX_DEPTH`] is an error.

mod expr;

use crate::ast::{
    Arg, AttrApp, Datasource, Decl, EnumDecl, FieldDecl, Ident, ModelDecl, ModelKind, SchemaAst,
    TypeRef,
};
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
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or_else(|| self.span(), |t| t.span)
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

    fn decl(&mut self) -> PResult<Option<Decl>> {
        let Tok::Ident(kw) = self.tok().clone() else {
            return Err(self.unexpected("a declaration").with_hint(
                "top-level declarations are `datasource`, `generator`, `plugin`, `enum`, `model`, `abstract model` and `type`",
            ));
        };
        match kw.as_str() {
            "datasource" => self.datasource().map(|d| Some(Decl::Datasource(d))),
            "generator" | "plugin" => {
                self.bump();
                self.ident("a name")?;
                self.skip_block()?;
                Ok(None)
            }
            "enum" => self.enum_decl().map(|e| Some(Decl::Enum(e))),
            "model" | "abstract" | "type" => self.model_decl().map(|m| Some(Decl::Model(m))),
            "view" | "function" | "attribute" | "procedure" | "import" => {
                Err(Diagnostic::error(self.span(), format!("`{kw}` declarations are not supported"))
                    .with_hint("remove this declaration"))
            }
            _ => Err(self.unexpected("a declaration").with_hint(
                "top-level declarations are `datasource`, `generator`, `plugin`, `enum`, `model`, `abstract model` and `type`",
            )),
        }
    }

    /// Skips a `{ … }` block, balancing braces.
    fn skip_block(&mut self) -> PResult<()> {
        self.expect(&Tok::LBrace, "open the block with `{`")?;
        let mut depth = 1u32;
        loop {
            match self.bump().tok {
                Tok::LBrace => depth += 1,
                Tok::RBrace => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Tok::Eof => {
                    return Err(Diagnostic::error(self.span(), "unexpected end of file")
                        .with_hint("close the block with `}`"));
                }
                _ => {}
            }
        }
    }

    fn datasource(&mut self) -> PResult<Datasource> {
        self.bump();
        let name = self.ident("a datasource name")?;
        self.expect(&Tok::LBrace, "open the block with `{`")?;
        let mut provider = None;
        while !self.eat(&Tok::RBrace) {
            let key = self.ident("a setting name (e.g. `provider`)")?;
            self.expect(&Tok::Assign, "settings are written `name = value`")?;
            let value = self.expr()?;
            if key.name == "provider" {
                match value.as_str() {
                    Some(s) => provider = Some((s.to_owned(), value.span)),
                    None => {
                        return Err(Diagnostic::error(value.span, "provider must be a string")
                            .with_hint("write `provider = \"sqlite\"` or `provider = \"postgresql\"`"));
                    }
                }
            }
        }
        Ok(Datasource { name, provider })
    }

    fn enum_decl(&mut self) -> PResult<EnumDecl> {
        let start = self.bump().span;
        let name = self.ident("an enum name")?;
        self.expect(&Tok::LBrace, "open the enum with `{`")?;
        let mut values = Vec::new();
        loop {
            match self.tok() {
                Tok::RBrace => break,
                Tok::Ident(_) => {
                    values.push(self.ident("an enum value")?);
                    while matches!(self.tok(), Tok::Attr { model_level: false, .. }) {
                        self.attribute()?;
                    }
                }
                Tok::Attr { model_level: true, .. } => {
                    self.attribute()?;
                }
                _ => return Err(self.unexpected("an enum value or `}`").with_hint("close the enum with `}`")),
            }
        }
        let end = self.bump().span;
        Ok(EnumDecl { name, values, span: join(start, end) })
    }

    fn model_decl(&mut self) -> PResult<ModelDecl> {
        let start = self.span();
        let kind = if self.at_kw("abstract") {
            self.bump();
            if !self.at_kw("model") {
                return Err(self.unexpected("`model`").with_hint("write `abstract model Name { … }`"));
            }
            self.bump();
            ModelKind::Abstract
        } else if self.at_kw("type") {
            self.bump();
            ModelKind::Type
        } else {
            self.bump();
            ModelKind::Model
        };
        let name = self.ident("a model name")?;
        let mut extends = Vec::new();
        let mut mixins = Vec::new();
        loop {
            if self.at_kw("extends") {
                self.bump();
                self.ident_list(&mut extends)?;
            } else if self.at_kw("with") {
                self.bump();
                self.ident_list(&mut mixins)?;
            } else {
                break;
            }
        }
        self.expect(&Tok::LBrace, "open the model body with `{`")?;
        let mut fields = Vec::new();
        let mut attrs = Vec::new();
        loop {
            let item_start = self.pos;
            let res = match self.tok() {
                Tok::RBrace => break,
                Tok::Eof => {
                    return Err(Diagnostic::error(self.span(), "unexpected end of file")
                        .with_hint(format!("close model `{}` with `}}`", name.name)));
                }
                Tok::Attr { model_level: true, .. } => self.attribute().map(|a| attrs.push(a)),
                _ => self.field().map(|f| fields.push(f)),
            };
            if let Err(d) = res {
                self.diags.push(d);
                self.recover_item(item_start);
            }
        }
        let end = self.bump().span;
        Ok(ModelDecl { kind, name, extends, mixins, fields, attrs, span: join(start, end) })
    }

    fn ident_list(&mut self, out: &mut Vec<Ident>) -> PResult<()> {
        out.push(self.ident("a model or type name")?);
        while self.eat(&Tok::Comma) || matches!(self.tok(), Tok::Ident(s) if s != "with" && s != "extends") {
            out.push(self.ident("a model or type name")?);
        }
        Ok(())
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

    fn field(&mut self) -> PResult<FieldDecl> {
        let name = self.ident("a field name")?;
        let ty_name = self.ident("a field type")?;
        if ty_name.name == "Unsupported" {
            return Err(Diagnostic::error(ty_name.span, "`Unsupported(…)` field types are not supported")
                .with_hint("use a supported type or remove the field"));
        }
        let mut list = false;
        if self.at(&Tok::LBracket) && self.tok_at(1) == &Tok::RBracket {
            self.bump();
            self.bump();
            list = true;
        }
        let optional = self.eat(&Tok::Question);
        let ty = TypeRef { name: ty_name, list, optional };
        let mut attrs = Vec::new();
        while matches!(self.tok(), Tok::Attr { model_level: false, .. }) {
            attrs.push(self.attribute()?);
        }
        if let Tok::Attr { model_level: true, .. } = self.tok() {
            // fine: a model attribute follows
        } else if !matches!(self.tok(), Tok::Ident(_) | Tok::RBrace) {
            return Err(self
                .unexpected("an attribute, the next field or `}`")
                .with_hint("each field is written `name Type @attributes…`"));
        }
        let span = join(name.span, self.prev_span());
        Ok(FieldDecl { name, ty, attrs, span })
    }

    fn attribute(&mut self) -> PResult<AttrApp> {
        let t = self.bump();
        let Tok::Attr { name, model_level } = t.tok else {
            return Err(Diagnostic::error(t.span, "expected an attribute"));
        };
        let mut args = Vec::new();
        if self.eat(&Tok::LParen) {
            if !self.at(&Tok::RParen) {
                args.push(self.arg()?);
                while self.eat(&Tok::Comma) {
                    if self.at(&Tok::RParen) {
                        break;
                    }
                    args.push(self.arg()?);
                }
            }
            self.expect(&Tok::RParen, "close the attribute's arguments with `)`")?;
        }
        let span = join(t.span, self.prev_span());
        Ok(AttrApp { name, model_level, name_span: t.span, args, span })
    }

    /// `name: expr` or `expr`.
    fn arg(&mut self) -> PResult<Arg> {
        let name = if matches!(self.tok(), Tok::Ident(_)) && self.tok_at(1) == &Tok::Colon {
            let n = self.ident("an argument name")?;
            self.bump();
            Some(n)
        } else {
            None
        };
        let value = self.expr()?;
        Ok(Arg { name, value })
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
