//! The checked schema: the intermediate representation every other part of Manzil uses.
//!
//! The checker (`check`) builds a [`Schema`] from the parsed syntax tree; the runtime never re-parses.
//! Abstract models, `type` blocks and `extends`/`with` are already merged in: `models` holds only
//! concrete tables, each with every inherited field and rule. Models, fields and enums are referred to
//! by index (`ModelIdx`, field index within its model), which keeps the IR cheap to walk.

use crate::diag::Span;
use crate::expr::Expr;

/// Index of a model in [`Schema::models`].
pub type ModelIdx = usize;
/// Index of a field in [`Model::fields`].
pub type FieldIdx = usize;
/// Index of an enum in [`Schema::enums`].
pub type EnumIdx = usize;

/// The database the `datasource` block names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Provider {
    Sqlite,
    Postgresql,
}

/// A checked schema.
#[derive(Debug, Clone)]
pub struct Schema {
    /// From `datasource db { provider = "…" }`; `Sqlite` when absent.
    pub provider: Provider,
    pub enums: Vec<Enum>,
    /// Concrete models (tables), in declaration order.
    pub models: Vec<Model>,
    /// Implicit many-to-many join tables (`_AToB`), one per such relation.
    pub join_tables: Vec<JoinTable>,
    /// The type `auth()` returns: the `@@auth` model or type, else the model named `User`.
    pub auth: AuthType,
}

/// What `auth()` is: its fields (scalar, enum or relation to other auth-side shapes) and id fields.
#[derive(Debug, Clone)]
pub struct AuthType {
    /// Name of the model or type carrying `@@auth` (or `User`).
    pub name: String,
    /// If the auth type is a model of this schema, its index (enables `auth() == this`, `auth() == rel`).
    pub model: Option<ModelIdx>,
    /// The auth type's fields (for a model: all its fields; for a `type`: its declared fields).
    pub fields: Vec<AuthField>,
    /// Names of the id fields (from `@id`/`@@id`; for a `type` without `@id`, `["id"]` if such a field exists).
    pub id_fields: Vec<String>,
}

/// A field of the auth type, used to type-check `auth().x.y`.
#[derive(Debug, Clone)]
pub struct AuthField {
    pub name: String,
    pub ty: FieldType,
    pub list: bool,
    pub optional: bool,
}

/// A field's type as written, before relation analysis.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    Scalar(ScalarType),
    Enum(EnumIdx),
    /// A model or type by name (a relation when it names a model, a nested object when a `type`).
    Named(String),
}

#[derive(Debug, Clone)]
pub struct Enum {
    pub name: String,
    pub values: Vec<String>,
    pub span: Span,
}

/// Scalar column types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ScalarType {
    String,
    Int,
    BigInt,
    Float,
    Decimal,
    Boolean,
    DateTime,
    Json,
    Bytes,
}

/// A concrete model: one table.
#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    /// Table name (`@@map`, else the model name).
    pub table: String,
    pub fields: Vec<Field>,
    /// Primary key fields (`@id` or `@@id`), in order. Never empty: the checker requires an id.
    pub id: Vec<FieldIdx>,
    /// Unique constraints other than the primary key (`@unique`, `@@unique`), each a field list.
    pub uniques: Vec<Vec<FieldIdx>>,
    /// `@@index` field lists.
    pub indexes: Vec<Vec<FieldIdx>>,
    /// Model-level `@@allow` / `@@deny` rules, own and inherited, in source order.
    pub rules: Vec<Rule>,
    pub span: Span,
}

/// A field of a model: a scalar/enum column or a relation.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    /// Column name (`@map`, else the field name). Meaningless for relation fields.
    pub column: String,
    pub kind: FieldKind,
    /// `?`
    pub optional: bool,
    /// `[]` (scalar lists are PostgreSQL arrays, JSON text on SQLite; relation lists are to-many).
    pub list: bool,
    pub default: Option<DefaultValue>,
    /// `@updatedAt`
    pub updated_at: bool,
    /// `@omit`: never returned unless selected explicitly.
    pub omit: bool,
    /// Field-level `@allow` / `@deny` rules (operations `read` and `update` only).
    pub rules: Vec<Rule>,
    pub span: Span,
}

impl Field {
    /// True for scalar and enum columns (fields stored in this model's table).
    pub fn is_column(&self) -> bool {
        !matches!(self.kind, FieldKind::Relation(_))
    }

    /// The relation, when this is a relation field.
    pub fn relation(&self) -> Option<&Relation> {
        match &self.kind {
            FieldKind::Relation(r) => Some(r),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum FieldKind {
    Scalar(ScalarType),
    Enum(EnumIdx),
    Relation(Relation),
}

/// One side of a relation between two models.
#[derive(Debug, Clone)]
pub struct Relation {
    /// The other model.
    pub target: ModelIdx,
    /// `@relation("name")` or `@relation(name: "…")`.
    pub name: Option<String>,
    /// The field on `target` that is the other side of this relation (ZenStack requires both sides).
    pub opposite: FieldIdx,
    pub kind: RelationKind,
}

#[derive(Debug, Clone)]
pub enum RelationKind {
    /// This model holds the foreign key: `fields` (ours) reference `references` (the target's). Always to-one.
    Owned { fields: Vec<FieldIdx>, references: Vec<FieldIdx>, on_delete: RefAction, on_update: RefAction },
    /// The target holds the foreign key (`fields` on the target reference `references` on us).
    /// To-one when the field is not a list, to-many when it is.
    Inverse { fields: Vec<FieldIdx>, references: Vec<FieldIdx> },
    /// Implicit many-to-many through `Schema::join_tables[join]`; `column` is this model's column there
    /// (`"A"` or `"B"`), `other_column` the target's.
    ManyToMany { join: usize, column: String, other_column: String },
}

/// Referential actions of `@relation(onDelete:, onUpdate:)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefAction {
    Cascade,
    Restrict,
    #[default]
    NoAction,
    SetNull,
    SetDefault,
}

/// Prisma's implicit m2m join table: `_{A}To{B}` with models in name order, columns `A` and `B`
/// referencing the (single-field) ids of model A and model B.
#[derive(Debug, Clone)]
pub struct JoinTable {
    /// `_AToB` (or `_{relationName}` when the relation is named).
    pub name: String,
    pub a: ModelIdx,
    pub b: ModelIdx,
}

/// `@default(…)`.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    AutoIncrement,
    Uuid,
    Cuid,
    Now,
    Literal(Literal),
    /// `auth().a.b`
    Auth(Vec<String>),
}

/// A literal value in a rule or a default.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    /// An enum value (the enum is known from the context that uses it).
    Enum(String),
    Array(Vec<Literal>),
}

/// `@@allow` or `@@deny` (or field-level `@allow` / `@deny`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum RuleKind {
    Allow,
    Deny,
}

/// The operations a rule can name. `all` expands to create, read, update, delete (not post-update).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Operation {
    Create,
    Read,
    Update,
    PostUpdate,
    Delete,
}

impl Operation {
    pub const ALL: [Operation; 5] =
        [Operation::Create, Operation::Read, Operation::Update, Operation::PostUpdate, Operation::Delete];

    /// The name as written in rules (`post-update`).
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Read => "read",
            Operation::Update => "update",
            Operation::PostUpdate => "post-update",
            Operation::Delete => "delete",
        }
    }
}

/// One access rule, resolved.
#[derive(Debug, Clone)]
pub struct Rule {
    pub kind: RuleKind,
    /// The operations it applies to, with `all` already expanded.
    pub ops: Vec<Operation>,
    pub expr: Expr,
    /// Where the rule is written (for "which rule denied" and RLS diagnostics).
    pub span: Span,
    /// The model the rule was written in (differs from the owner for inherited rules), for messages.
    pub declared_in: String,
    /// The rule's source text, e.g. `@@allow('read', owner == auth())`.
    pub source: String,
}

impl Rule {
    pub fn applies_to(&self, op: Operation) -> bool {
        self.ops.contains(&op)
    }
}

impl Schema {
    /// The model with this name.
    pub fn model_index(&self, name: &str) -> Option<ModelIdx> {
        self.models.iter().position(|m| m.name == name)
    }

    pub fn model(&self, idx: ModelIdx) -> &Model {
        &self.models[idx]
    }
}

impl Model {
    /// The field with this name.
    pub fn field_index(&self, name: &str) -> Option<FieldIdx> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub fn field(&self, idx: FieldIdx) -> &Field {
        &self.fields[idx]
    }

    /// Rules of one kind that apply to `op`.
    pub fn rules_for(&self, kind: RuleKind, op: Operation) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(move |r| r.kind == kind && r.applies_to(op))
    }
}
