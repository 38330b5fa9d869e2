//! Horizontal bar charts drawn on the server as inline SVG. Bars grow from the inline start: in a
//! right-to-left page the whole chart mirrors (labels at the right, bars growing leftwards), the
//! geometry computed here from the direction. Every text is anchored at its `start`, which SVG
//! reads in the chart's `direction`, so an Arabic label ends where an English one begins.
//!
//! The figures are text too: each bar's value is printed beside it, and the chart's description
//! lists every label with its value for screen readers.

/// The drawing's width in SVG units (the page scales it to its column).
pub const WIDTH: u32 = 480;
/// The label column at the inline start.
pub const LABEL_WIDTH: u32 = 150;
/// Room kept after the longest bar for its value.
const VALUE_WIDTH: u32 = 90;
const ROW: u32 = 30;
const BAR: u32 = 18;
const GAP: u32 = 6;
/// Longer labels are cut (with `…`) to fit the label column; the description keeps them whole.
const LABEL_CHARS: usize = 22;

/// One bar as the caller gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Datum {
    /// A stable key (an enum code, a user id): `data-key` for tests and scripts.
    pub key: String,
    pub label: String,
    /// What the bar's length is proportional to.
    pub value: u64,
    /// The value as printed (`3`, `12 min`).
    pub text: String,
}

/// One bar, placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub key: String,
    pub label: String,
    pub value: u64,
    pub text: String,
    pub x: u32,
    pub width: u32,
    pub y: u32,
    /// The baseline of the row's texts.
    pub text_y: u32,
    pub label_x: u32,
    pub value_x: u32,
}

/// A titled chart, ready for the template (`chart.html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    /// `data-testid` of the figure, and the prefix of its element ids.
    pub id: &'static str,
    pub title: String,
    /// The screen-reader text: every label with its value.
    pub description: String,
    /// Shown instead of the drawing when there is nothing to draw.
    pub empty: Option<String>,
    pub rtl: bool,
    pub bars: Vec<Bar>,
    pub width: u32,
    pub height: u32,
    pub bar_height: u32,
}

impl BarChart {
    /// Places `data` as bars, longest = the full track. `empty` is the text shown when `data` is
    /// empty.
    pub fn new(id: &'static str, title: String, data: Vec<Datum>, rtl: bool, empty: String) -> BarChart {
        let max = data.iter().map(|d| d.value).max().unwrap_or(0);
        let track = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
        // Arabic separates list items with its own semicolon.
        let separator = if rtl { "؛ " } else { "; " };
        let description = data.iter().map(|d| format!("{}: {}", d.label, d.text)).collect::<Vec<_>>().join(separator);
        let mut bars = Vec::with_capacity(data.len());
        for (row, d) in (0u32..).zip(data) {
            let width = if max == 0 { 0 } else { scale(d.value, max, track) };
            let y = row * ROW + (ROW - BAR) / 2;
            // Left-to-right: label at 0, bar from LABEL_WIDTH rightwards, value after it.
            // Right-to-left: the mirror image, measured from WIDTH.
            let (label_x, x, value_x) = if rtl {
                (WIDTH, WIDTH - LABEL_WIDTH - width, WIDTH - LABEL_WIDTH - width - GAP)
            } else {
                (0, LABEL_WIDTH, LABEL_WIDTH + width + GAP)
            };
            bars.push(Bar {
                key: d.key,
                label: fit(&d.label),
                value: d.value,
                text: d.text,
                x,
                width,
                y,
                text_y: y + BAR - 4,
                label_x,
                value_x,
            });
        }
        let height = u32::try_from(bars.len()).unwrap_or(0).max(1) * ROW;
        let empty = bars.is_empty().then_some(empty);
        BarChart { id, title, description, empty, rtl, bars, width: WIDTH, height, bar_height: BAR }
    }

    /// The SVG `direction` (and the texts' reading direction).
    pub fn direction(&self) -> &'static str {
        if self.rtl { "rtl" } else { "ltr" }
    }
}

/// The label, cut to [`LABEL_CHARS`] characters.
fn fit(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_owned();
    }
    let mut cut: String = label.chars().take(LABEL_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// `value / max` of `track`, rounded, at least 2 units for a non-zero value (so it shows).
fn scale(value: u64, max: u64, track: u32) -> u32 {
    let len = (u128::from(value) * u128::from(track) + u128::from(max) / 2) / u128::from(max);
    let len = u32::try_from(len).unwrap_or(track).min(track);
    if value > 0 { len.max(2) } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Vec<Datum> {
        [("A", 4), ("B", 2), ("C", 0)]
            .into_iter()
            .map(|(k, v)| Datum { key: k.into(), label: k.into(), value: v, text: v.to_string() })
            .collect()
    }

    #[test]
    fn bars_grow_from_the_inline_start() {
        let ltr = BarChart::new("c", "T".into(), data(), false, "-".into());
        let track = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
        assert_eq!((ltr.bars[0].x, ltr.bars[0].width), (LABEL_WIDTH, track));
        assert_eq!((ltr.bars[1].x, ltr.bars[1].width), (LABEL_WIDTH, track / 2));
        assert_eq!(ltr.bars[2].width, 0);
        assert_eq!(ltr.bars[0].label_x, 0);
        assert_eq!(ltr.direction(), "ltr");

        let rtl = BarChart::new("c", "T".into(), data(), true, "-".into());
        for (l, r) in ltr.bars.iter().zip(&rtl.bars) {
            // The mirror image: same length, the bar's far edge at the label column's edge.
            assert_eq!(r.width, l.width);
            assert_eq!(r.x + r.width, WIDTH - LABEL_WIDTH);
            assert_eq!(r.label_x, WIDTH - l.label_x);
            assert_eq!(r.value_x, WIDTH - l.value_x);
            assert_eq!(r.y, l.y);
        }
        assert_eq!(rtl.direction(), "rtl");
        assert_eq!(rtl.description, "A: 4؛ B: 2؛ C: 0");
        assert_eq!(ltr.description, "A: 4; B: 2; C: 0");
        assert_eq!(rtl.height, 3 * ROW);
    }

    #[test]
    fn small_values_still_show_and_empty_charts_say_so() {
        assert_eq!(scale(1, 1_000_000, 240), 2);
        assert_eq!(scale(0, 10, 240), 0);
        assert_eq!(scale(10, 10, 240), 240);
        let empty = BarChart::new("c", "T".into(), Vec::new(), false, "No data".into());
        assert_eq!(empty.empty.as_deref(), Some("No data"));
        let full = BarChart::new("c", "T".into(), data(), false, "No data".into());
        assert_eq!(full.empty, None);
    }

    #[test]
    fn long_labels_are_cut_to_the_column() {
        let long = "محمد عبد الرحمن الهاشمي المنصوري";
        let chart = BarChart::new(
            "c",
            "T".into(),
            vec![Datum { key: "u".into(), label: long.into(), value: 1, text: "1".into() }],
            true,
            String::new(),
        );
        assert_eq!(chart.bars[0].label.chars().count(), LABEL_CHARS);
        assert!(chart.bars[0].label.ends_with('…'));
        assert!(chart.description.contains(long));
    }
}
