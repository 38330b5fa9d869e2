//! A grid's column choice, remembered per browser in a cookie: the leads grid and the listings
//! grid both use it. The choice form sends `cols` once per ticked column plus a hidden
//! `cols=<pinned>` so that unticking everything still says "a choice was made"; the pinned
//! columns (name or title, actions) are not choices and are always shown.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

use ui::pages::Opt;

use crate::cookies;

/// One grid's choosable columns and where its choice is kept.
pub struct ColumnChoice {
    /// The cookie (`manzil_lead_columns`), scoped to `path`.
    pub cookie: &'static str,
    /// The grid's path (`/leads`).
    pub path: &'static str,
    /// Every column a reader may show or hide, in table order (by key).
    pub all: &'static [&'static str],
    /// Shown until the reader chooses.
    pub default: &'static [&'static str],
}

/// The columns to show, and the cookie to set when the choice was just made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// Keys of [`ColumnChoice::all`], in table order.
    pub keys: Vec<&'static str>,
    remember: Option<String>,
}

impl Chosen {
    /// Whether column `key` is shown.
    pub fn shows(&self, key: &str) -> bool {
        self.keys.contains(&key)
    }

    /// Adds the cookie that remembers a choice just sent (nothing when it came from the cookie
    /// or the default).
    pub fn remember(&self, choice: &ColumnChoice, res: &mut Response) {
        let Some(value) = &self.remember else { return };
        let cookie = format!("{}={value}; Path={}; Max-Age=31536000; SameSite=Lax", choice.cookie, choice.path);
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
}

impl ColumnChoice {
    /// The known keys of a comma-separated list, in table order (unknown ones are ignored).
    pub fn parse(&self, list: &str) -> Vec<&'static str> {
        let chosen: Vec<&str> = list.split(',').map(str::trim).collect();
        self.all.iter().copied().filter(|k| chosen.contains(k)).collect()
    }

    /// `sent`: the `cols` values of the request, if the choice form was sent; otherwise the
    /// cookie's choice, else the default.
    pub fn choose(&self, headers: &HeaderMap, sent: Option<&[String]>) -> Chosen {
        match sent {
            Some(sent) => {
                let keys = self.parse(&sent.join(","));
                let remember = if keys.is_empty() { "none".to_owned() } else { keys.join(",") };
                Chosen { keys, remember: Some(remember) }
            }
            None => match cookies::get(headers, self.cookie) {
                Some(saved) => Chosen { keys: self.parse(&saved), remember: None },
                None => Chosen { keys: self.default.to_vec(), remember: None },
            },
        }
    }

    /// The choice form's checkboxes, each labelled by `label(key)`.
    pub fn options(&self, chosen: &Chosen, label: impl Fn(&str) -> String) -> Vec<Opt> {
        self.all.iter().map(|k| Opt::new(*k, label(k), chosen.shows(k))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRID: ColumnChoice =
        ColumnChoice { cookie: "grid_cols", path: "/grid", all: &["a", "b", "c"], default: &["a", "c"] };

    fn cookie(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(&format!("grid_cols={value}")).unwrap());
        h
    }

    #[test]
    fn a_sent_choice_wins_and_is_remembered_in_table_order() {
        let sent = ["c".to_owned(), "bogus".to_owned(), "name".to_owned(), "a".to_owned()];
        let chosen = GRID.choose(&cookie("b"), Some(&sent));
        assert_eq!(chosen.keys, ["a", "c"]);
        assert_eq!(chosen.remember.as_deref(), Some("a,c"));
        // Nothing ticked: remembered as "none", not as "no choice".
        let none = GRID.choose(&HeaderMap::new(), Some(&["name".to_owned()]));
        assert!(none.keys.is_empty());
        assert_eq!(none.remember.as_deref(), Some("none"));
    }

    #[test]
    fn the_cookie_then_the_default() {
        assert_eq!(GRID.choose(&cookie("b,zzz"), None), Chosen { keys: vec!["b"], remember: None });
        assert!(GRID.choose(&cookie("none"), None).keys.is_empty());
        assert_eq!(GRID.choose(&HeaderMap::new(), None).keys, ["a", "c"]);
    }
}
