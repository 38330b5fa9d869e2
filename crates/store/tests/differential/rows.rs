//! The evaluator's view of a random database: each row as JSON with its related rows nested.

use policy::ir::{FieldKind, ModelIdx, Schema};
use serde_json::{Map, Value, json};

use crate::data::Db;

pub(crate) fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

pub(crate) fn org_row(db: &Db, id: i64, depth: u8) -> Value {
    let Some(o) = db.orgs.get((id - 1) as usize) else {
        return Value::Null;
    };
    let mut m = obj(json!({"id": id, "name": o.name, "tier": o.tier}));
    if depth > 0 {
        let users: Vec<Value> = (1..=db.users.len() as i64)
            .filter(|u| db.users[(*u - 1) as usize].org == Some(id))
            .map(|u| user_row(db, u, depth - 1))
            .collect();
        m.insert("users".into(), Value::Array(users));
    }
    Value::Object(m)
}

pub(crate) fn user_row(db: &Db, id: i64, depth: u8) -> Value {
    let Some(u) = db.users.get((id - 1) as usize) else {
        return Value::Null;
    };
    let mut m = obj(json!({
        "id": id, "orgId": u.org, "name": u.name, "age": u.age, "admin": u.admin,
        "score": u.score, "tags": u.tags, "born": u.born, "level": u.level,
    }));
    if depth > 0 {
        m.insert("org".into(), u.org.map_or(Value::Null, |o| org_row(db, o, depth - 1)));
        let posts: Vec<Value> = (1..=db.posts.len() as i64)
            .filter(|p| db.posts[(*p - 1) as usize].author == Some(id))
            .map(|p| post_row(db, p, depth - 1))
            .collect();
        m.insert("posts".into(), Value::Array(posts));
    }
    Value::Object(m)
}

pub(crate) fn post_row(db: &Db, id: i64, depth: u8) -> Value {
    let Some(p) = db.posts.get((id - 1) as usize) else {
        return Value::Null;
    };
    let mut m = obj(json!({
        "id": id, "authorId": p.author, "title": p.title, "stars": p.stars, "published": p.published,
        "at": p.at, "labels": p.labels, "rank": p.rank, "secret": p.secret,
    }));
    if depth > 0 {
        m.insert("author".into(), p.author.map_or(Value::Null, |a| user_row(db, a, depth - 1)));
        let tags: Vec<Value> =
            db.links.iter().filter(|(post, _)| *post == id).map(|(_, t)| tag_row(db, *t, depth - 1)).collect();
        m.insert("tagged".into(), Value::Array(tags));
    }
    Value::Object(m)
}

pub(crate) fn tag_row(db: &Db, id: i64, depth: u8) -> Value {
    let Some(t) = db.tags.get((id - 1) as usize) else {
        return Value::Null;
    };
    let mut m = obj(json!({"id": id, "name": t}));
    if depth > 0 {
        let posts: Vec<Value> =
            db.links.iter().filter(|(_, tag)| *tag == id).map(|(p, _)| post_row(db, *p, depth - 1)).collect();
        m.insert("posts".into(), Value::Array(posts));
    }
    Value::Object(m)
}

pub(crate) fn row(db: &Db, model: &str, id: i64) -> Map<String, Value> {
    let depth = 3;
    obj(match model {
        "Org" => org_row(db, id, depth),
        "User" => user_row(db, id, depth),
        "Tag" => tag_row(db, id, depth),
        _ => post_row(db, id, depth),
    })
}

/// The row's own columns only (what an engine has for a create check).
pub(crate) fn scalars(schema: &Schema, model: ModelIdx, row: &Map<String, Value>) -> Map<String, Value> {
    let m = &schema.models[model];
    row.iter()
        .filter(|(k, _)| m.fields.iter().any(|f| &f.name == *k && !matches!(f.kind, FieldKind::Relation(_))))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

pub(crate) fn now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    // Rows' timestamps are years away from now, so a date is enough precision.
    let days = secs.div_euclid(86_400);
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}T00:00:00.000Z")
}

pub(crate) fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}
