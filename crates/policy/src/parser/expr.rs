//! Expression parsing, following ZenStack's grammar (`zmodel.langium`).
//!
//! Precedence, lowest first: logical (`&&` and `||` at ONE level, left-associative, as in
//! ZenStack: `a || b && c` is `(a || b) && c`) < equality < comparison < `in` < collection predicate
//! postfix (`?[…]`, `![…]`, `^[…]`) < member access < primary. Mixing `&&` and `||` at one level
//! without parentheses produces a warning.
//!
//! Unary `!` deviates slightly: ZenStack applies it to a member-access expression only, so
//! `!rel?[c]` would be `(!rel)?[c]`, which is never what is meant. Here `!` takes the whole postfix
//! expression (`!(rel?[c])`) and a warning asks for explicit parentheses.

use super::{MAX_DEPTH, PResult, Parser, join};
use crate::ast::{AExpr, AExprKind, Arg, BinOp, Quant};
use crate::diag::Diagnostic;
use crate::lexer::Tok;

impl Parser {
    /// Parses one expression.
    pub(crate) fn expr(&mut self) -> PResult<AExpr> {
        self.depth += 1;
        let r = if self.depth > MAX_DEPTH {
            Err(Diagnostic::error(self.span(), "expression is nested too deeply").with_hint("simplify the expression"))
        } else {
            self.logical()
        };
        self.depth -= 1;
        r
    }

    fn logical(&mut self) -> PResult<AExpr> {
        let mut lhs = self.equality()?;
        let mut first: Option<BinOp> = None;
        let mut warned = false;
        loop {
            let op = match self.tok() {
                Tok::AndAnd => BinOp::And,
                Tok::OrOr => BinOp::Or,
                _ => break,
            };
            let op_span = self.bump().span;
            match first {
                None => first = Some(op),
                Some(f) if f != op && !warned => {
                    warned = true;
                    self.diags.push(
                        Diagnostic::warning(
                            op_span,
                            "`&&` and `||` are mixed without parentheses; ZenStack gives them the same \
                             precedence and groups left to right (`a || b && c` means `(a || b) && c`)",
                        )
                        .with_hint("add parentheses to make the grouping explicit"),
                    );
                }
                Some(_) => {}
            }
            let rhs = self.equality()?;
            lhs = binary(op, op_span, lhs, rhs);
        }
        Ok(lhs)
    }

    fn equality(&mut self) -> PResult<AExpr> {
        let mut lhs = self.comparison()?;
        loop {
            let op = match self.tok() {
                Tok::EqEq => BinOp::Eq,
                Tok::NotEq => BinOp::Ne,
                _ => break,
            };
            let op_span = self.bump().span;
            let rhs = self.comparison()?;
            lhs = binary(op, op_span, lhs, rhs);
        }
        Ok(lhs)
    }

    fn comparison(&mut self) -> PResult<AExpr> {
        let mut lhs = self.in_expr()?;
        loop {
            let op = match self.tok() {
                Tok::Lt => BinOp::Lt,
                Tok::Le => BinOp::Le,
                Tok::Gt => BinOp::Gt,
                Tok::Ge => BinOp::Ge,
                _ => break,
            };
            let op_span = self.bump().span;
            let rhs = self.in_expr()?;
            lhs = binary(op, op_span, lhs, rhs);
        }
        Ok(lhs)
    }

    fn in_expr(&mut self) -> PResult<AExpr> {
        let mut lhs = self.postfix()?;
        while self.at_kw("in") {
            let op_span = self.bump().span;
            let rhs = self.postfix()?;
            lhs = binary(BinOp::In, op_span, lhs, rhs);
        }
        Ok(lhs)
    }

    /// Member access followed by any number of collection predicates.
    fn postfix(&mut self) -> PResult<AExpr> {
        let mut base = self.member()?;
        loop {
            let quant = match (self.tok(), self.tok_at(1)) {
                (Tok::Question, Tok::LBracket) => Quant::Some,
                (Tok::Bang, Tok::LBracket) => Quant::Every,
                (Tok::Caret, Tok::LBracket) => Quant::None,
                _ => break,
            };
            self.bump();
            self.bump();
            let binding = if matches!(self.tok(), Tok::Ident(_)) && self.tok_at(1) == &Tok::Comma {
                let b = self.ident("a binding name")?;
                self.bump();
                Some(b)
            } else {
                None
            };
            let body = self.expr()?;
            let end = self.expect(&Tok::RBracket, "close the collection predicate with `]`")?;
            let span = join(base.span, end);
            base = AExpr {
                kind: AExprKind::Collection { base: Box::new(base), quant, binding, body: Box::new(body) },
                span,
            };
        }
        Ok(base)
    }

    fn member(&mut self) -> PResult<AExpr> {
        let mut e = self.primary()?;
        while self.eat(&Tok::Dot) {
            let member = self.ident("a field name after `.`")?;
            let span = join(e.span, member.span);
            e = AExpr { kind: AExprKind::Member { base: Box::new(e), member }, span };
        }
        Ok(e)
    }

    fn primary(&mut self) -> PResult<AExpr> {
        let start = self.span();
        let kind = match self.tok().clone() {
            Tok::LParen => {
                self.bump();
                let inner = self.expr()?;
                self.expect(&Tok::RParen, "close the parenthesis with `)`")?;
                AExprKind::Paren(Box::new(inner))
            }
            Tok::Bang => {
                self.bump();
                self.depth += 1;
                let operand = if self.depth > MAX_DEPTH {
                    Err(Diagnostic::error(self.span(), "expression is nested too deeply")
                        .with_hint("simplify the expression"))
                } else {
                    self.postfix()
                };
                self.depth -= 1;
                let operand = operand?;
                if matches!(operand.kind, AExprKind::Collection { .. }) {
                    self.diags.push(
                        Diagnostic::warning(
                            start,
                            "`!` before a collection predicate: read here as `!(…?[…])`, but ZenStack \
                             applies `!` to the relation only",
                        )
                        .with_hint("write `!(rel?[…])` with explicit parentheses"),
                    );
                }
                AExprKind::Not(Box::new(operand))
            }
            Tok::Str(s) => {
                self.bump();
                AExprKind::Str(s)
            }
            Tok::Int(i) => {
                self.bump();
                AExprKind::Int(i)
            }
            Tok::Float(f) => {
                self.bump();
                AExprKind::Float(f)
            }
            Tok::LBracket => {
                self.bump();
                let mut items = Vec::new();
                if !self.at(&Tok::RBracket) {
                    items.push(self.expr()?);
                    while self.eat(&Tok::Comma) {
                        if self.at(&Tok::RBracket) {
                            break;
                        }
                        items.push(self.expr()?);
                    }
                }
                self.expect(&Tok::RBracket, "close the array with `]`")?;
                AExprKind::Array(items)
            }
            Tok::Ident(name) => {
                let id = self.ident("a name")?;
                match name.as_str() {
                    "true" => AExprKind::Bool(true),
                    "false" => AExprKind::Bool(false),
                    "null" => AExprKind::Null,
                    "this" => AExprKind::This,
                    _ if self.at(&Tok::LParen) => {
                        self.bump();
                        let mut args = Vec::new();
                        if !self.at(&Tok::RParen) {
                            args.push(self.call_arg()?);
                            while self.eat(&Tok::Comma) {
                                args.push(self.call_arg()?);
                            }
                        }
                        self.expect(&Tok::RParen, "close the argument list with `)`")?;
                        AExprKind::Call { name: id, args }
                    }
                    _ => AExprKind::Ref(name),
                }
            }
            _ => {
                return Err(self
                    .unexpected("an expression")
                    .with_hint("write a field, literal, `auth()`, `this` or a parenthesized expression"));
            }
        };
        Ok(AExpr { kind, span: join(start, self.prev_span()) })
    }

    fn call_arg(&mut self) -> PResult<Arg> {
        self.depth += 1;
        let r = if self.depth > MAX_DEPTH {
            Err(Diagnostic::error(self.span(), "expression is nested too deeply").with_hint("simplify the expression"))
        } else {
            self.arg()
        };
        self.depth -= 1;
        r
    }
}

fn binary(op: BinOp, op_span: crate::diag::Span, lhs: AExpr, rhs: AExpr) -> AExpr {
    let span = join(lhs.span, rhs.span);
    AExpr { kind: AExprKind::Binary { op, op_span, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span }
}
