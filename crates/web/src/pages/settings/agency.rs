//! The agency's own settings on the settings page (admins): its time zone. `POST
//! /settings/agency` sets it through `app::tenants::set_time_zone` — the rules let only an admin
//! (anyone else: 403), an unknown zone goes back with an error and changes nothing.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::{Extension, Form};
use chrono::Utc;
use serde::Deserialize;

use domain::TimeZone;
use ui::pages::Opt;
use ui::pages::settings::{AgencyForm, OptGroup};
use ui::{Tr, format};

use super::forms::record_error;
use super::saved;
use crate::AppState;
use crate::pages::csrf_refused;
use crate::pages::session::{Viewer, check_form_csrf};

/// Offered first: the Gulf, the rest of the Middle East and North Africa, then a few zones
/// agencies there often deal with.
pub const COMMON_ZONES: [&str; 24] = [
    "Asia/Dubai",
    "Asia/Muscat",
    "Asia/Riyadh",
    "Asia/Qatar",
    "Asia/Bahrain",
    "Asia/Kuwait",
    "Asia/Baghdad",
    "Asia/Amman",
    "Asia/Beirut",
    "Asia/Damascus",
    "Asia/Jerusalem",
    "Africa/Cairo",
    "Africa/Khartoum",
    "Africa/Tripoli",
    "Africa/Tunis",
    "Africa/Algiers",
    "Africa/Casablanca",
    "Europe/Istanbul",
    "Asia/Tehran",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Europe/London",
    "Europe/Paris",
    "UTC",
];

/// The agency section of the settings page: the agency's clock now and the zones to choose from.
pub(super) fn form(tr: Tr) -> AgencyForm {
    let now = Utc::now();
    let current = tr.zone;
    let option = |zone: TimeZone, selected: bool| {
        Opt::new(zone.name(), format!("{} (UTC{})", zone.name(), zone.offset_at(now)), selected)
    };
    let common: Vec<TimeZone> = COMMON_ZONES.iter().filter_map(|z| TimeZone::parse(z).ok()).collect();
    let in_common = common.contains(&current);
    let mut all: Vec<Opt> = TimeZone::all().map(|z| option(z, !in_common && z == current)).collect();
    // A zone stored under an old alias (`US/Eastern`) is still shown, selected.
    if !in_common && !all.iter().any(|o| o.selected) {
        all.insert(0, option(current, true));
    }
    AgencyForm {
        now: format!("{} · {}", format::date_time(&now.to_rfc3339(), tr.locale, current), current),
        zones: vec![
            OptGroup {
                label: tr.t("settings-time-zones-common"),
                options: common.into_iter().map(|z| option(z, z == current)).collect(),
            },
            OptGroup { label: tr.t("settings-time-zones-all"), options: all },
        ],
    }
}

#[derive(Debug, Deserialize)]
pub struct TimeZoneForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    time_zone: String,
}

/// `POST /settings/agency`: the agency's time zone.
pub async fn time_zone(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<TimeZoneForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    match app::tenants::set_time_zone(&state.app.db, &viewer.actor, &form.time_zone).await {
        Ok(_) => {
            // This process shows the new zone at once; others within the directory's few seconds.
            state.app.tenants.forget(&viewer.tenant.slug);
            saved("agency")
        }
        Err(e) => record_error(&viewer, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Locale;

    #[test]
    fn common_zones_are_real_and_listed_once() {
        for z in COMMON_ZONES {
            assert!(TimeZone::parse(z).is_ok(), "{z}");
        }
        let mut sorted = COMMON_ZONES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), COMMON_ZONES.len());
    }

    #[test]
    fn the_agencys_zone_is_selected_once() {
        let selected = |f: &AgencyForm| -> Vec<String> {
            f.zones.iter().flat_map(|g| g.options.iter()).filter(|o| o.selected).map(|o| o.value.clone()).collect()
        };
        let dubai = form(Tr::new(Locale::En).in_zone(TimeZone::DUBAI));
        assert_eq!(selected(&dubai), ["Asia/Dubai"]);
        assert!(dubai.zones[0].options[0].label.starts_with("Asia/Dubai (UTC+04:00)"));
        assert!(dubai.now.ends_with("· Asia/Dubai"), "{}", dubai.now);
        let lisbon = form(Tr::new(Locale::Ar).in_zone(TimeZone::parse("Europe/Lisbon").unwrap()));
        assert_eq!(selected(&lisbon), ["Europe/Lisbon"]);
        let alias = form(Tr::new(Locale::En).in_zone(TimeZone::parse("US/Eastern").unwrap()));
        assert_eq!(selected(&alias), ["US/Eastern"]);
    }
}
