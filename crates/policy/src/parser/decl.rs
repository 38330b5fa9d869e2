//! Declarations: `datasource`, `generator`/`plugin` (skipped), `enum`, `model`, `abstract model`,
//! `type`, fields and attributes.

use super::{PResult, Parser, join};
use crate::ast::{Arg, AttrApp, Datasource, Decl, EnumDecl, FieldDecl, Ident, ModelDecl, ModelKind, TypeRef};
use crate::diag::Diagnostic;
use crate::lexer::Tok;

impl Parser {
    pub(super) fn decl(&mut self) -> PResult<Option<Decl>> {
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
                    return Err(
                        Diagnostic::error(self.span(), "unexpected end of file").with_hint("close the block with `}`")
                    );
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
                _ => {
                    return Err(self.unexpected("an enum value or `}`").with_hint("close the enum with `}`"));
                }
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

    pub(super) fn attribute(&mut self) -> PResult<AttrApp> {
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
    pub(super) fn arg(&mut self) -> PResult<Arg> {
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
