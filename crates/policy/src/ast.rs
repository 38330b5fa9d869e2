//! Syntax tree of a `schema.zmodel` file, as parsed and before any name is resolved.

use crate::diag::Span;

/// A name and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A whole file.
#[derive(Debug, Clone, Default)]
pub struct SchemaAst {
    pub decls: Vec<Decl>,
}

/// A top-level declaration. `generator` and `plugin` blocks are parsed and dropped.
#[derive(Debug, Clone)]
pub enum Decl {
    Datasource(Datasource),
    Enum(EnumDecl),
    Model(ModelDecl),
}

/// `datasource NAME { provider = "…" … }`.
#[derive(Debug, Clone)]
pub struct Datasource {
    pub name: Ident,
    /// The `provider` value and its span, when given as a string.
    pub provider: Option<(String, Span)>,
}

/// `enum E { A B C }`.
#[derive(Debug, Clone)]
pub struct EnumDecl {
    pub name: Ident,
    pub values: Vec<Ident>,
    pub span: Span,
}

/// What kind of block a [`ModelDecl`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    /// `model M { … }`: a table.
    Model,
    /// `abstract model M { … }` (v2): only inherited through `extends`.
    Abstract,
    /// `type T { … }` (v3): a mixin (`with`) or a typed JSON shape.
    Type,
}

/// A `model`, `abstract model` or `type` block.
#[derive(Debug, Clone)]
pub struct ModelDecl {
    pub kind: ModelKind,
    pub name: Ident,
    /// `extends Base` (v2; several bases separated by commas are accepted).
    pub extends: Vec<Ident>,
    /// `with A, B` (v3 mixins).
    pub mixins: Vec<Ident>,
    pub fields: Vec<FieldDecl>,
    /// Model-level attributes (`@@…`), in order.
    pub attrs: Vec<AttrApp>,
    pub span: Span,
}

/// A field declaration: `name Type? @attr(…)…`.
#[derive(Debug, Clone)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeRef,
    pub attrs: Vec<AttrApp>,
    pub span: Span,
}

/// A field's type as written.
#[derive(Debug, Clone)]
pub struct TypeRef {
    pub name: Ident,
    pub list: bool,
    pub optional: bool,
}

/// An attribute application: `@name(args)` or `@@name(args)`.
#[derive(Debug, Clone)]
pub struct AttrApp {
    /// The name without `@`s, e.g. `allow`, `db.Text`.
    pub name: String,
    pub model_level: bool,
    pub name_span: Span,
    pub args: Vec<Arg>,
    /// The whole attribute, from `@` to the closing parenthesis.
    pub span: Span,
}

impl AttrApp {
    /// The first positional argument, or the argument named `name`.
    pub fn arg(&self, pos: usize, name: &str) -> Option<&AExpr> {
        if let Some(a) = self.args.iter().find(|a| a.name.as_ref().is_some_and(|n| n.name == name)) {
            return Some(&a.value);
        }
        self.args.iter().filter(|a| a.name.is_none()).nth(pos).map(|a| &a.value)
    }

    /// The argument named `name`.
    pub fn named(&self, name: &str) -> Option<&AExpr> {
        self.args.iter().find(|a| a.name.as_ref().is_some_and(|n| n.name == name)).map(|a| &a.value)
    }
}

/// An argument, positional or `name: value`.
#[derive(Debug, Clone)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: AExpr,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
}

/// Collection predicate quantifier as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quant {
    /// `?[…]`
    Some,
    /// `![…]`
    Every,
    /// `^[…]`
    None,
}

/// An unresolved expression.
#[derive(Debug, Clone)]
pub struct AExpr {
    pub kind: AExprKind,
    pub span: Span,
}

/// The kinds of [`AExpr`].
#[derive(Debug, Clone)]
pub enum AExprKind {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    This,
    /// A bare name: a field, binding or enum value.
    Ref(String),
    /// `f(args)`; also `name(arg: v)` reference arguments (e.g. `@@index([a(sort: Desc)])`).
    Call {
        name: Ident,
        args: Vec<Arg>,
    },
    /// `base.member`
    Member {
        base: Box<AExpr>,
        member: Ident,
    },
    /// `!operand`
    Not(Box<AExpr>),
    Binary {
        op: BinOp,
        op_span: Span,
        lhs: Box<AExpr>,
        rhs: Box<AExpr>,
    },
    /// `base?[binding, body]`
    Collection {
        base: Box<AExpr>,
        quant: Quant,
        binding: Option<Ident>,
        body: Box<AExpr>,
    },
    Array(Vec<AExpr>),
    /// `( inner )`, kept so that checks can tell written parentheses apart.
    Paren(Box<AExpr>),
}

impl AExpr {
    /// The expression without surrounding parentheses.
    pub fn unparen(&self) -> &AExpr {
        let mut e = self;
        while let AExprKind::Paren(inner) = &e.kind {
            e = inner;
        }
        e
    }

    /// The string value, if this is a string literal.
    pub fn as_str(&self) -> Option<&str> {
        match &self.unparen().kind {
            AExprKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The name, if this is a bare reference.
    pub fn as_ref_name(&self) -> Option<&str> {
        match &self.unparen().kind {
            AExprKind::Ref(s) => Some(s),
            _ => None,
        }
    }
}
