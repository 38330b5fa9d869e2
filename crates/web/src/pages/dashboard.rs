//! `GET /`: the dashboard. The numbers come from `app::dashboard::overview`, counted under the
//! reader's rules (an agent's dashboard counts their own leads); this module only labels them
//! and lays them out as charts.

use axum::Extension;
use axum::extract::State;
use axum::response::Response;

use app::dashboard::Dashboard;
use ui::chart::{BarChart, Datum};
use ui::pages::dashboard::{DashboardPage, Stat};
use ui::{Section, Tr};

use super::html;
use super::session::Viewer;
use crate::AppState;

/// `GET /`.
pub async fn dashboard(State(state): State<AppState>, Extension(viewer): Extension<Viewer>) -> Response {
    let tr = viewer.tr();
    let data = match app::dashboard::overview(&state.app.db, &viewer.actor, viewer.tenant.time_zone).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "dashboard");
            return super::server_error(tr);
        }
    };
    let page = DashboardPage {
        shell: viewer.shell(Section::Dashboard, tr.t("dashboard-title"), "/"),
        scope: tr.label("dashboard-scope", viewer.actor.role.as_str()),
        stats: vec![
            Stat { id: "stat-new-today", label: tr.t("stat-new-today"), value: data.new_today },
            Stat { id: "stat-new-week", label: tr.t("stat-new-week"), value: data.new_week },
        ],
        charts: charts(&data, tr),
    };
    html(page)
}

/// The four charts, in reading order.
fn charts(data: &Dashboard, tr: Tr) -> Vec<BarChart> {
    let rtl = tr.dir() == "rtl";
    let count = |key: &str, label: String, n: u64| Datum { key: key.to_owned(), label, value: n, text: n.to_string() };
    let chart = |id: &'static str, data: Vec<Datum>| BarChart::new(id, tr.t(id), data, rtl, tr.t("chart-no-data"));
    vec![
        chart(
            "chart-sources",
            data.leads_by_source.iter().map(|(s, n)| count(s.as_str(), tr.label("source", s.as_str()), *n)).collect(),
        ),
        chart(
            "chart-funnel",
            data.deals_by_stage.iter().map(|(s, n)| count(s.as_str(), tr.label("stage", s.as_str()), *n)).collect(),
        ),
        chart(
            "chart-response",
            data.response
                .iter()
                .map(|r| Datum {
                    key: r.user_id.clone(),
                    label: r.name.clone(),
                    value: u64::try_from(r.median_secs).unwrap_or(0),
                    text: duration(tr, r.median_secs),
                })
                .collect(),
        ),
        chart(
            "chart-listings",
            data.listings_by_status
                .iter()
                .map(|(s, n)| count(s.as_str(), tr.label("listing-status", s.as_str()), *n))
                .collect(),
        ),
    ]
}

/// A response time as the reader's language says it, in its largest whole unit under two of
/// the next (`45 minutes`, `5 hours`, `3 days`).
fn duration(tr: Tr, secs: i64) -> String {
    let minutes = secs / 60;
    match minutes {
        0 => tr.t("duration-under-minute"),
        1..120 => tr.n("duration-minutes", minutes),
        120..2880 => tr.n("duration-hours", (minutes + 30) / 60),
        _ => tr.n("duration-days", (minutes + 720) / 1440),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Locale;

    fn plain(s: String) -> String {
        s.chars().filter(|c| !matches!(c, '\u{2068}' | '\u{2069}')).collect()
    }

    #[test]
    fn durations_in_both_languages() {
        let en = Tr::new(Locale::En);
        assert_eq!(plain(duration(en, 30)), "under a minute");
        assert_eq!(plain(duration(en, 20 * 60)), "20 minutes");
        assert_eq!(plain(duration(en, 5 * 3600 + 10)), "5 hours");
        assert_eq!(plain(duration(en, 3 * 86_400)), "3 days");
        let ar = Tr::new(Locale::Ar);
        assert_eq!(plain(duration(ar, 120)), "دقيقتان");
        assert_eq!(plain(duration(ar, 3 * 3600)), "3 ساعات");
    }
}
