//! The matching score, pure: a lead's requirements against a listing's offer.
//!
//! Hard criteria (a listing that fails one is no match at all, and the queries already leave it
//! out): the purpose (the lead's intent), the budget widened by [`TOLERANCE_PERCENT`] on each
//! side and in the budget's currency, the minimum bedrooms. Soft criteria only add points: the
//! type, the city, the community. Every criterion has a weight; the weights add up to 100:
//!
//! | criterion | weight | earned when |
//! |---|---|---|
//! | purpose | 20 | the listing's purpose is the lead's intent |
//! | budget | 25 | the price is inside the stated range (10 only, `budgetNear`, inside the tolerance) |
//! | bedrooms | 10 | bedrooms ≥ the lead's minimum |
//! | type | 20 | the listing's type is one of the lead's types |
//! | city | 15 | the listing's city is one of the lead's cities |
//! | community | 10 | the listing's community is one of the lead's communities |
//!
//! A criterion the lead does not state cannot fail: it earns its weight, but is not named among
//! the reasons. So a lead without requirements scores 100 everywhere, and a lead who names a
//! city loses 15 points on listings elsewhere. Names compare folded (case, Arabic spelling).

use serde::Serialize;
use utoipa::ToSchema;

use crate::properties::{same_name, type_key};

/// How far, in percent, a price may fall outside the budget and still match.
pub const TOLERANCE_PERCENT: i128 = 10;

/// A criterion a listing met (or, in `missed`, a soft one it did not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Criterion {
    Purpose,
    /// The price is inside the lead's stated budget.
    Budget,
    /// The price is outside the stated budget, but within the tolerance.
    BudgetNear,
    Bedrooms,
    Type,
    City,
    Community,
}

/// What a lead asks for (empty lists and `None` state nothing).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Requirements {
    /// `SALE` or `RENT`.
    pub intent: Option<String>,
    pub property_types: Vec<String>,
    pub cities: Vec<String>,
    pub communities: Vec<String>,
    pub min_bedrooms: Option<i64>,
    /// Scaled amounts (see [`scaled`]).
    pub budget_min: Option<i128>,
    pub budget_max: Option<i128>,
    /// The budget's currency: the lead's, else the agency's.
    pub currency: String,
}

/// What a listing offers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Offer {
    pub purpose: String,
    pub kind: String,
    pub city: String,
    pub community: Option<String>,
    pub bedrooms: Option<i64>,
    /// A scaled amount (see [`scaled`]).
    pub price: i128,
    pub currency: String,
}

/// The outcome for one pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    /// 0–100.
    pub score: u8,
    /// The stated criteria the listing meets.
    pub reasons: Vec<Criterion>,
    /// The stated soft criteria it does not meet.
    pub missed: Vec<Criterion>,
}

impl Requirements {
    /// Whether the lead states a budget (then the currency and the range are hard criteria).
    pub fn has_budget(&self) -> bool {
        self.budget_min.is_some() || self.budget_max.is_some()
    }
}

/// Scores `offer` against `req`; `None` when a hard criterion fails.
pub fn score(req: &Requirements, offer: &Offer) -> Option<Score> {
    let mut out = Score { score: 0, reasons: Vec::new(), missed: Vec::new() };
    let mut points: u8 = 0;

    match &req.intent {
        Some(intent) if !intent.eq_ignore_ascii_case(&offer.purpose) => return None,
        Some(_) => out.reasons.push(Criterion::Purpose),
        None => {}
    }
    points += 20;

    if req.has_budget() {
        if !req.currency.eq_ignore_ascii_case(&offer.currency) {
            return None;
        }
        let price = offer.price;
        let low_ok = req.budget_min.is_none_or(|min| price * 100 >= min * (100 - TOLERANCE_PERCENT));
        let high_ok = req.budget_max.is_none_or(|max| price * 100 <= max * (100 + TOLERANCE_PERCENT));
        if !(low_ok && high_ok) {
            return None;
        }
        let inside = req.budget_min.is_none_or(|min| price >= min) && req.budget_max.is_none_or(|max| price <= max);
        if inside {
            out.reasons.push(Criterion::Budget);
            points += 25;
        } else {
            out.reasons.push(Criterion::BudgetNear);
            points += 10;
        }
    } else {
        points += 25;
    }

    if let Some(min) = req.min_bedrooms {
        if offer.bedrooms.is_none_or(|b| b < min) {
            return None;
        }
        out.reasons.push(Criterion::Bedrooms);
    }
    points += 10;

    let soft: [(Criterion, u8, bool, bool); 3] = [
        (
            Criterion::Type,
            20,
            req.property_types.is_empty(),
            req.property_types.iter().any(|t| type_key(t) == offer.kind),
        ),
        (Criterion::City, 15, req.cities.is_empty(), req.cities.iter().any(|c| same_name(c, &offer.city))),
        (
            Criterion::Community,
            10,
            req.communities.is_empty(),
            offer.community.as_deref().is_some_and(|oc| req.communities.iter().any(|c| same_name(c, oc))),
        ),
    ];
    for (criterion, weight, unstated, met) in soft {
        if unstated {
            points += weight;
        } else if met {
            points += weight;
            out.reasons.push(criterion);
        } else {
            out.missed.push(criterion);
        }
    }
    out.score = points;
    Some(out)
}

/// Decimal places of a scaled amount.
const SCALE: u32 = 6;

/// A decimal string as an integer of millionths (`"12.5"` → `12_500_000`): exact comparisons
/// without floating point. Digits past the sixth decimal are dropped; an exponent form (which a
/// database may render) goes through `f64`.
pub fn scaled(text: &str) -> Option<i128> {
    let s = text.trim();
    if s.contains(['e', 'E']) {
        let f: f64 = s.parse().ok()?;
        // Finite, rounded and far below `i128::MAX`: the cast keeps the value.
        return (f.is_finite() && f.abs() < 1e24).then(|| (f * 1e6).round() as i128);
    }
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || int.len() > 24 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac: String = frac.chars().chain(std::iter::repeat('0')).take(SCALE as usize).collect();
    let value: i128 = format!("{int}{frac}").parse().ok()?;
    Some(if negative { -value } else { value })
}

/// `value` in units of `10^-decimals`, as a plain decimal string.
fn decimal(value: i128, decimals: u32) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let digits = format!("{:0>width$}", value.unsigned_abs(), width = decimals as usize + 1);
    let (int, frac) = digits.split_at(digits.len() - decimals as usize);
    format!("{sign}{int}.{frac}")
}

/// The lowest price a budget minimum accepts (`min × 0.9`), exactly, for a query.
pub fn lowest_price(min: i128) -> String {
    decimal(min * (100 - TOLERANCE_PERCENT), SCALE + 2)
}

/// The highest price a budget maximum accepts (`max × 1.1`), exactly, for a query.
pub fn highest_price(max: i128) -> String {
    decimal(max * (100 + TOLERANCE_PERCENT), SCALE + 2)
}

/// The largest budget minimum that still accepts `price` (`price / 0.9`, rounded up), for a query.
pub fn largest_min_for(price: i128) -> String {
    let d = 100 - TOLERANCE_PERCENT;
    decimal((price * 100 + d - 1) / d, SCALE)
}

/// The smallest budget maximum that still accepts `price` (`price / 1.1`, rounded down).
pub fn smallest_max_for(price: i128) -> String {
    decimal(price * 100 / (100 + TOLERANCE_PERCENT), SCALE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> Requirements {
        Requirements { currency: "AED".into(), ..Requirements::default() }
    }

    fn offer(price: &str) -> Offer {
        Offer {
            purpose: "SALE".into(),
            kind: "APARTMENT".into(),
            city: "Dubai".into(),
            community: Some("Dubai Marina".into()),
            bedrooms: Some(2),
            price: scaled(price).unwrap(),
            currency: "AED".into(),
        }
    }

    #[test]
    fn amounts_scale_exactly() {
        assert_eq!(scaled("12.5"), Some(12_500_000));
        assert_eq!(scaled("1250000"), Some(1_250_000_000_000));
        assert_eq!(scaled("1.25e6"), Some(1_250_000_000_000));
        assert_eq!(scaled("abc"), None);
        assert_eq!(lowest_price(scaled("1000000").unwrap()), "900000.00000000");
        assert_eq!(highest_price(scaled("1000000").unwrap()), "1100000.00000000");
        assert_eq!(largest_min_for(scaled("900000").unwrap()), "1000000.000000");
        assert_eq!(smallest_max_for(scaled("1100000").unwrap()), "1000000.000000");
        assert_eq!(largest_min_for(scaled("100").unwrap()), "111.111112");
    }

    #[test]
    fn no_requirements_fit_everything() {
        let s = score(&req(), &offer("1")).unwrap();
        assert_eq!((s.score, s.reasons.len(), s.missed.len()), (100, 0, 0));
    }

    #[test]
    fn hard_criteria_exclude() {
        let sale = Requirements { intent: Some("RENT".into()), ..req() };
        assert_eq!(score(&sale, &offer("1")), None);
        let beds = Requirements { min_bedrooms: Some(3), ..req() };
        assert_eq!(score(&beds, &offer("1")), None);
        let budget = Requirements { budget_max: scaled("1000000"), ..req() };
        assert!(score(&budget, &offer("1100000")).is_some());
        assert_eq!(score(&budget, &offer("1100000.01")), None);
        let floor = Requirements { budget_min: scaled("1000000"), ..req() };
        assert!(score(&floor, &offer("900000")).is_some());
        assert_eq!(score(&floor, &offer("899999.99")), None);
        let dollars = Requirements { currency: "USD".into(), ..budget };
        assert_eq!(score(&dollars, &offer("900000")), None);
    }

    #[test]
    fn points_add_up() {
        let full = Requirements {
            intent: Some("SALE".into()),
            property_types: vec!["apartment".into()],
            cities: vec!["dubai".into()],
            communities: vec!["Dubai marina".into()],
            min_bedrooms: Some(2),
            budget_min: scaled("1000000"),
            budget_max: scaled("1500000"),
            ..req()
        };
        let s = score(&full, &offer("1200000")).unwrap();
        assert_eq!(s.score, 100);
        assert_eq!(s.reasons.len(), 6);
        let near = score(&full, &offer("1600000")).unwrap();
        assert_eq!(near.score, 85);
        assert!(near.reasons.contains(&Criterion::BudgetNear));
        let elsewhere = Offer { city: "Sharjah".into(), community: None, kind: "VILLA".into(), ..offer("1200000") };
        let s = score(&full, &elsewhere).unwrap();
        assert_eq!(s.score, 55);
        assert_eq!(s.missed, vec![Criterion::Type, Criterion::City, Criterion::Community]);
    }
}
