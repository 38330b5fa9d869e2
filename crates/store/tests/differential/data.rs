//! Random databases and auth values.

use policy::Auth;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

pub(crate) fn opt<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Option<T>> {
    prop_oneof![1 => Just(None), 3 => s.prop_map(Some)].boxed()
}

pub(crate) fn name() -> BoxedStrategy<Option<String>> {
    opt(prop::sample::select(vec!["a", "ab", "B", "x1", "Xa", "bA", "x"]).prop_map(str::to_owned))
}

pub(crate) fn time() -> BoxedStrategy<Option<String>> {
    opt(prop::sample::select(vec![
        "2001-02-03T04:05:06.000Z",
        "2030-01-01T00:00:00.000Z",
        "2029-12-31T23:00:00.000Z",
        "2060-06-06T06:06:06.600Z",
    ])
    .prop_map(str::to_owned))
}

pub(crate) fn labels() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop::sample::select(vec!["a", "b", "c"]).prop_map(str::to_owned), 0..3)
}

#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub(crate) name: Option<String>,
    pub(crate) tier: Option<i64>,
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) org: Option<i64>,
    pub(crate) name: Option<String>,
    pub(crate) age: Option<i64>,
    pub(crate) admin: Option<bool>,
    pub(crate) score: Option<f64>,
    pub(crate) tags: Vec<String>,
    pub(crate) born: Option<String>,
    pub(crate) level: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Post {
    pub(crate) author: Option<i64>,
    pub(crate) title: Option<String>,
    pub(crate) stars: Option<i64>,
    pub(crate) published: Option<bool>,
    pub(crate) at: Option<String>,
    pub(crate) labels: Vec<String>,
    pub(crate) rank: i64,
    pub(crate) secret: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Db {
    pub(crate) orgs: Vec<Org>,
    pub(crate) users: Vec<User>,
    pub(crate) posts: Vec<Post>,
    pub(crate) tags: Vec<Option<String>>,
    /// (post id, tag id) links of the implicit many-to-many relation.
    pub(crate) links: Vec<(i64, i64)>,
}

pub(crate) fn db() -> impl Strategy<Value = Db> {
    let org = (name(), opt(0i64..4)).prop_map(|(name, tier)| Org { name, tier });
    let user = (
        opt(1i64..4),
        name(),
        opt(25i64..40),
        opt(any::<bool>()),
        opt(prop::sample::select(vec![0.5f64, 1.5, 2.5])),
        labels(),
        time(),
        0i64..5,
    )
        .prop_map(|(org, name, age, admin, score, tags, born, level)| User {
            org,
            name,
            age,
            admin,
            score,
            tags,
            born,
            level,
        });
    let post = (opt(1i64..5), name(), opt(0i64..6), opt(any::<bool>()), time(), labels(), 0i64..7, name()).prop_map(
        |(author, title, stars, published, at, labels, rank, secret)| Post {
            author,
            title,
            stars,
            published,
            at,
            labels,
            rank,
            secret,
        },
    );
    (
        prop::collection::vec(org, 3),
        prop::collection::vec(user, 4),
        prop::collection::vec(post, 1..7),
        prop::collection::vec(name(), 3),
        prop::collection::btree_set((1i64..7, 1i64..4), 0..6),
    )
        .prop_map(|(orgs, users, posts, tags, links)| {
            let links = links.into_iter().filter(|(p, _)| *p <= posts.len() as i64).collect();
            Db { orgs, users, posts, tags, links }
        })
}

/// A member value: absent (`None`), or JSON (possibly null or of the wrong type).
pub(crate) fn member(good: BoxedStrategy<Value>, wrong: Value) -> BoxedStrategy<Option<Value>> {
    prop_oneof![2 => Just(None), 1 => Just(Some(Value::Null)), 1 => Just(Some(wrong)), 6 => good.prop_map(Some)].boxed()
}

pub(crate) fn auth() -> impl Strategy<Value = Auth> {
    let grant = (1i64..4, opt(0i64..4)).prop_map(|(org, level)| match level {
        Some(l) => json!({"orgId": org, "level": l}),
        None => json!({"orgId": org}),
    });
    let fields = (
        member((1i64..5).prop_map(Value::from).boxed(), json!("1")),
        member((25i64..40).prop_map(Value::from).boxed(), json!("30")),
        member(name().prop_map(|n| n.map_or(Value::Null, Value::from)).boxed(), json!(1)),
        member(any::<bool>().prop_map(Value::from).boxed(), json!("true")),
        member(labels().prop_map(|l| json!(l)).boxed(), json!("a")),
        member(
            prop::sample::select(vec!["2030-01-01T00:00:00Z", "2030-01-01T01:30:00+02:00", "2001-01-01"])
                .prop_map(Value::from)
                .boxed(),
            json!("soon"),
        ),
        member(prop::collection::vec(grant, 0..3).prop_map(|g| json!(g)).boxed(), json!({"orgId": 1})),
    );
    let object = fields.prop_map(|(id, age, name, admin, tags, since, grants)| {
        let mut m = Map::new();
        for (k, v) in [
            ("id", id),
            ("age", age),
            ("name", name),
            ("admin", admin),
            ("tags", tags),
            ("since", since),
            ("grants", grants),
        ] {
            if let Some(v) = v {
                m.insert(k.to_owned(), v);
            }
        }
        Auth(Some(Value::Object(m)))
    });
    prop_oneof![1 => Just(Auth::anonymous()), 1 => Just(Auth(Some(json!({})))), 8 => object]
}

pub(crate) fn before() -> impl Strategy<Value = Map<String, Value>> {
    (opt(25i64..40), name()).prop_map(|(age, name)| crate::rows::obj(json!({"age": age, "name": name})))
}
