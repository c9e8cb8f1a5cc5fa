//! Charts drawn by Relais as SVG: grouped bars, stacked bars, lines and a
//! funnel. Rendered on the server with the page (so a chart shows before
//! the app starts) and redrawn in place by the browser when its data
//! changes; no JavaScript library, nothing added to the first load but
//! this file's code.
//!
//! Accessible by construction: each chart is an `img` named by its title
//! and described by a sentence the caller writes (the summary); every
//! mark carries its value as an SVG `<title>`; the table drawn beside
//! each chart is its keyboard-readable form. Colours are the Okabe–Ito
//! palette (told apart with the common colour-vision deficiencies), set in
//! `style/main.css` for each theme (`--chart-1` … `--chart-8`); series are
//! also named in a legend, in the same order as the marks.
//!
//! The SVG has a fixed `viewBox` and `width: 100%`: it reflows to the
//! width it is given (390 px on a phone) and keeps its proportions.

use crate::ui::erase::Erase;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How a chart draws its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChartKind {
    /// Side by side in each category.
    Bars,
    /// Piled up in each category.
    Stacked,
    /// One line per series across the categories.
    Lines,
    /// The first series' values as centred bars, largest first (stages).
    Funnel,
}

/// What the values count, for the axis and the marks' labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    Count,
    Money,
    Hours,
    Percent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// A chart's data and words, all in the reader's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub kind: ChartKind,
    pub unit: Unit,
    pub title: String,
    /// One or two sentences saying what the chart shows (its `<desc>`).
    pub summary: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

/// `v` for a label: grouped digits, and the unit's sign.
pub fn format_value(v: f64, unit: Unit, fr: bool) -> String {
    let group = |n: i64| {
        let sep = if fr { '\u{202f}' } else { ',' };
        let digits = n.abs().to_string();
        let mut out = String::new();
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    };
    let decimal = |v: f64, places: usize| {
        let s = format!("{v:.places$}");
        if fr { s.replace('.', ",") } else { s }
    };
    match unit {
        Unit::Count => group(v.round() as i64),
        Unit::Money => format!("{}\u{a0}€", group(v.round() as i64)),
        Unit::Hours => format!("{}\u{a0}h", decimal(v, 1)),
        Unit::Percent => format!("{}\u{a0}%", decimal(v, 1)),
    }
}

/// `v` for the value axis: as [`format_value`], but counts and amounts from
/// 10,000 in thousands or millions ("250 k€", "2.5 M€"), so that the
/// axis's words fit its margin at a phone's larger text.
pub fn format_tick(v: f64, unit: Unit, fr: bool) -> String {
    let short = |x: f64, suffix: &str| {
        let s = if x.fract().abs() < 1e-9 {
            format!("{x:.0}")
        } else {
            format!("{x:.1}")
        };
        let s = if fr { s.replace('.', ",") } else { s };
        let sign = if unit == Unit::Money { "€" } else { "" };
        format!("{s}\u{a0}{suffix}{sign}")
    };
    match unit {
        Unit::Count | Unit::Money if v.abs() >= 1_000_000.0 => short(v / 1_000_000.0, "M"),
        Unit::Count | Unit::Money if v.abs() >= 10_000.0 => short(v / 1_000.0, "k"),
        _ => format_value(v, unit, fr),
    }
}

/// A round top for the value axis and its step: 0, step, 2·step … ≥ max.
pub fn axis(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 0.25);
    }
    let rough = max / 4.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude);
    ((max / step).ceil() * step, step)
}

const W: f64 = 640.0;
const H: f64 = 280.0;
const LEFT: f64 = 84.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 40.0;

/// At most this many category labels are written under the axis; the
/// others are skipped evenly (each mark still has its own title).
const MAX_LABELS: usize = 12;

/// Width of a label's character, on average, in the chart's units (12 px
/// text; on a phone the text is larger but every other label is hidden).
const LABEL_CHAR_W: f64 = 7.2;
/// Room kept between two written labels.
const LABEL_GAP: f64 = 6.0;
/// Longer labels are cut (people's names): more would leave too few.
const LABEL_MAX_CHARS: usize = 14;

/// Every how many categories a label is written, for bands `band` wide:
/// at most [`MAX_LABELS`], and far enough apart for the longest (cut to
/// [`LABEL_MAX_CHARS`]) not to touch its neighbour.
fn label_step(categories: &[String], band: f64) -> usize {
    let longest = categories
        .iter()
        .map(|c| c.chars().count().min(LABEL_MAX_CHARS))
        .max()
        .unwrap_or(0);
    let need = longest as f64 * LABEL_CHAR_W + LABEL_GAP;
    let apart = (need / band.max(1.0)).ceil() as usize;
    categories
        .len()
        .max(1)
        .div_ceil(MAX_LABELS)
        .max(apart)
        .max(1)
}

/// `name`, cut with an ellipsis to fit `room` units of width.
fn fit_label(name: &str, room: f64) -> String {
    let max = ((room / LABEL_CHAR_W).floor() as usize).max(3);
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let mut short: String = name.chars().take(max - 1).collect();
        short.truncate(short.trim_end().len());
        short.push('…');
        short
    }
}

/// Labels a phone draws at 19 px rather than 12 (style/main.css).
const PHONE_LABEL_SCALE: f64 = 19.0 / 12.0;

/// Whether a phone should leave out every other label (`.dense`,
/// style/main.css): more than six of them, or labels that its larger text
/// would make touch.
fn crowded_on_a_phone(categories: &[String], every: usize, band: f64) -> bool {
    let longest = categories
        .iter()
        .step_by(every.max(1))
        .map(|c| {
            fit_label(c, every as f64 * band - LABEL_GAP)
                .chars()
                .count()
        })
        .max()
        .unwrap_or(0);
    let shown = categories.len().div_ceil(every.max(1));
    shown > 6 || longest as f64 * LABEL_CHAR_W * PHONE_LABEL_SCALE + LABEL_GAP > every as f64 * band
}

fn colour(i: usize) -> String {
    format!("var(--chart-{})", i % 8 + 1)
}

/// A chart, its legend and its caption.
#[component]
pub fn ChartView(chart: Chart, #[prop(into)] id: String) -> impl IntoView {
    let fr = crate::i18n::use_i18n().get_locale_untracked() == crate::i18n::Locale::fr;
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled = format!("{title_id} {desc_id}");
    let height = if chart.kind == ChartKind::Funnel {
        TOP + 8.0 + 34.0 * chart.categories.len().max(1) as f64
    } else {
        H
    };
    let marks = match chart.kind {
        ChartKind::Funnel => funnel(&chart, fr).erase(),
        _ => plot(&chart, fr).erase(),
    };
    let legend = (chart.series.len() > 1 || chart.kind == ChartKind::Stacked).then(|| {
        view! {
            <ul class="chart-legend">
                {chart
                    .series
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let style = format!("background: {}", colour(i));
                        view! {
                            <li>
                                <span class="chart-swatch" style=style></span>
                                {s.name.clone()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    });
    view! {
        <figure class="chart" data-chart=format!("{:?}", chart.kind).to_lowercase()>
            <svg
                viewBox=format!("0 0 {W} {height}")
                role="img"
                aria-labelledby=labelled
                preserveAspectRatio="xMidYMid meet"
            >
                <title id=title_id>{chart.title.clone()}</title>
                <desc id=desc_id>{chart.summary.clone()}</desc>
                {marks}
            </svg>
            {legend}
            <figcaption class="muted">{chart.summary.clone()}</figcaption>
        </figure>
    }
}

/// Bars, stacked bars and lines on a value axis.
fn plot(chart: &Chart, fr: bool) -> impl IntoView + use<> {
    let n = chart.categories.len().max(1);
    let stacked = chart.kind == ChartKind::Stacked;
    let max = (0..n)
        .map(|c| {
            let at = |s: &Series| s.values.get(c).copied().unwrap_or(0.0).max(0.0);
            if stacked {
                chart.series.iter().map(at).sum::<f64>()
            } else {
                chart.series.iter().map(at).fold(0.0, f64::max)
            }
        })
        .fold(0.0, f64::max);
    let (top, step) = axis(max);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let y = move |v: f64| TOP + plot_h - (v.max(0.0) / top) * plot_h;
    let band = plot_w / n as f64;
    let x_mid = move |c: usize| LEFT + band * (c as f64 + 0.5);

    let mut grid = Vec::new();
    let mut t = 0.0;
    while t <= top + step / 2.0 {
        let yy = y(t);
        grid.push(view! {
            <line class="chart-grid" x1=LEFT x2=W - RIGHT y1=yy y2=yy />
            <text class="chart-tick" x=LEFT - 6.0 y=yy + 4.0 text-anchor="end">
                {format_tick(t, chart.unit, fr)}
            </text>
        });
        t += step;
    }
    let every = label_step(&chart.categories, band);
    let dense = crowded_on_a_phone(&chart.categories, every, band);
    let labels = chart
        .categories
        .iter()
        .enumerate()
        .filter(|(c, _)| c % every == 0)
        .map(|(c, name)| {
            // Cut to the room between two written labels (names of
            // people are long); the whole name stays in its title.
            let short = fit_label(name, every as f64 * band - LABEL_GAP);
            let whole = (short != *name).then(|| view! { <title>{name.clone()}</title> });
            view! {
                <text class="chart-label" x=x_mid(c) y=H - BOTTOM + 16.0 text-anchor="middle">
                    {whole}
                    {short}
                </text>
            }
        })
        .collect_view();

    let unit = chart.unit;
    let mark_title = move |cat: &str, series: &str, v: f64| {
        if series.is_empty() {
            format!("{cat}: {}", format_value(v, unit, fr))
        } else {
            format!("{cat} · {series}: {}", format_value(v, unit, fr))
        }
    };
    let single = chart.series.len() == 1;
    let marks = match chart.kind {
        ChartKind::Lines => chart
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let points = s
                    .values
                    .iter()
                    .enumerate()
                    .map(|(c, v)| format!("{:.1},{:.1}", x_mid(c), y(*v)))
                    .collect::<Vec<_>>()
                    .join(" ");
                let dots = s
                    .values
                    .iter()
                    .enumerate()
                    .map(|(c, v)| {
                        let name = if single { "" } else { s.name.as_str() };
                        let cat = chart.categories.get(c).cloned().unwrap_or_default();
                        view! {
                            <circle class="chart-dot" cx=x_mid(c) cy=y(*v) r=4 fill=colour(i)>
                                <title>{mark_title(&cat, name, *v)}</title>
                            </circle>
                        }
                    })
                    .collect_view();
                // A dash pattern per series, so lines differ by more than colour.
                let dash = ["", "6 3", "2 3", "8 3 2 3", "1 2"][i % 5];
                view! {
                    <g class="chart-series">
                        <polyline points=points fill="none" stroke=colour(i) stroke-width=2.5
                            stroke-dasharray=dash />
                        {dots}
                    </g>
                }
            })
            .collect_view()
            .erase(),
        _ => {
            let count = chart.series.len().max(1);
            let inner = band * 0.72;
            let bar_w = if stacked { inner } else { inner / count as f64 };
            let mut rects = Vec::new();
            for c in 0..n {
                let cat = chart.categories.get(c).cloned().unwrap_or_default();
                let mut base = 0.0;
                for (i, s) in chart.series.iter().enumerate() {
                    let v = s.values.get(c).copied().unwrap_or(0.0).max(0.0);
                    let (x, y0, y1) = if stacked {
                        let r = (
                            LEFT + band * c as f64 + (band - inner) / 2.0,
                            y(base),
                            y(base + v),
                        );
                        base += v;
                        r
                    } else {
                        (
                            LEFT + band * c as f64 + (band - inner) / 2.0 + bar_w * i as f64,
                            y(0.0),
                            y(v),
                        )
                    };
                    let name = if single { "" } else { s.name.as_str() };
                    rects.push(view! {
                        <rect class="chart-bar" x=x y=y1 width=(bar_w - 1.0).max(1.0)
                            height=(y0 - y1).max(0.0) fill=colour(i)>
                            <title>{mark_title(&cat, name, v)}</title>
                        </rect>
                    });
                }
            }
            rects.collect_view().erase()
        }
    };
    view! {
        {grid.collect_view()}
        <line class="chart-axis" x1=LEFT x2=W - RIGHT y1=y(0.0) y2=y(0.0) />
        {marks}
        <g class="chart-labels" class:dense=dense>{labels}</g>
    }
}

/// The first series as a funnel: one centred bar per category, its width
/// its share of the largest, the value written beside the name.
fn funnel(chart: &Chart, fr: bool) -> impl IntoView + use<> {
    let values = chart
        .series
        .first()
        .map(|s| s.values.clone())
        .unwrap_or_default();
    let max = values.iter().copied().fold(0.0, f64::max);
    let full = W - 2.0 * LEFT;
    chart
        .categories
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let v = values.get(c).copied().unwrap_or(0.0).max(0.0);
            let w = if max > 0.0 {
                (v / max * full).max(2.0)
            } else {
                2.0
            };
            let y = TOP + 34.0 * c as f64;
            let label = format!("{name} — {}", format_value(v, chart.unit, fr));
            view! {
                <g class="chart-step">
                    <rect class="chart-bar" x=(W - w) / 2.0 y=y width=w height=26 fill=colour(c)>
                        <title>{label.clone()}</title>
                    </rect>
                    <text class="chart-funnel-label" x=W / 2.0 y=y + 18.0 text-anchor="middle">
                        {label}
                    </text>
                </g>
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_on_a_round_step_above_the_largest_value() {
        assert_eq!(axis(0.0), (1.0, 0.25));
        assert_eq!(axis(7.0), (8.0, 2.0));
        assert_eq!(axis(100.0), (100.0, 25.0));
        assert_eq!(axis(1234.0), (1500.0, 500.0));
        let (top, step) = axis(98_765.0);
        assert!(top >= 98_765.0 && top / step <= 5.0, "{top} {step}");
    }

    #[test]
    fn long_labels_are_cut_to_their_room_and_short_ones_kept() {
        assert_eq!(fit_label("2026-03", 60.0), "2026-03");
        assert_eq!(fit_label("Alexander Fitzgerald", 102.8), "Alexander Fit…");
        // A space before the cut is not left dangling.
        assert_eq!(fit_label("Jo Anne Smith", 28.8), "Jo…");
        assert_eq!(fit_label("Océane Laurent", 1.0), "Oc…");
    }

    #[test]
    fn labels_are_written_far_enough_apart_not_to_touch() {
        let plot = W - LEFT - RIGHT;
        let names = |n: usize, name: &str| vec![name.to_string(); n];
        // Five years: every one.
        assert_eq!(label_step(&names(5, "2026"), plot / 5.0), 1);
        // Twelve months: every other one (seven characters in 45 units).
        assert_eq!(label_step(&names(12, "2026-03"), plot / 12.0), 2);
        // A year of weeks: at most twelve, here eight.
        assert_eq!(label_step(&names(52, "2026-W05"), plot / 52.0), 7);
        // Thirty people: five names of up to fourteen characters.
        let people = names(30, "Alexander Fitzgerald");
        let every = label_step(&people, plot / 30.0);
        assert_eq!((every, 30usize.div_ceil(every)), (6, 5));
        assert_eq!(
            fit_label(&people[0], every as f64 * plot / 30.0 - LABEL_GAP),
            "Alexander Fit…"
        );
        // A phone's larger text: every other name, but all six months.
        assert!(crowded_on_a_phone(&people, every, plot / 30.0));
        let months = names(12, "2026-03");
        assert!(!crowded_on_a_phone(&months, 2, plot / 12.0));
        assert!(crowded_on_a_phone(&names(52, "2026-W05"), 7, plot / 52.0));
    }

    #[test]
    fn large_ticks_are_written_in_thousands_or_millions() {
        assert_eq!(format_tick(0.0, Unit::Money, false), "0\u{a0}€");
        assert_eq!(format_tick(7_500.0, Unit::Money, false), "7,500\u{a0}€");
        assert_eq!(format_tick(250_000.0, Unit::Money, false), "250\u{a0}k€");
        assert_eq!(format_tick(2_500_000.0, Unit::Money, true), "2,5\u{a0}M€");
        assert_eq!(format_tick(1_000_000.0, Unit::Count, false), "1\u{a0}M");
        assert_eq!(format_tick(12_500.0, Unit::Count, true), "12,5\u{a0}k");
        assert_eq!(format_tick(50.0, Unit::Percent, false), "50.0\u{a0}%");
    }

    #[test]
    fn values_are_written_in_the_readers_language() {
        assert_eq!(format_value(1234567.4, Unit::Count, false), "1,234,567");
        assert_eq!(
            format_value(1234567.4, Unit::Money, true),
            "1\u{202f}234\u{202f}567\u{a0}€"
        );
        assert_eq!(format_value(12.26, Unit::Hours, true), "12,3\u{a0}h");
        assert_eq!(format_value(50.0, Unit::Percent, false), "50.0\u{a0}%");
    }
}
