//! The history chart of the HTML page: the key metrics over the saved reports, as inline SVG.
//!
//! Laid out so that nothing is cut off: the x axis is labelled with dates (from each report's
//! `generated_at`), at most six of them, the first anchored at its start and the last at its
//! end; the y axis has "nice" ticks (1, 2 or 5 × a power of ten) with grid lines; the legend
//! sits in two columns below. The SVG scales to its container (`max-width:100%`), so a phone
//! shows the whole chart.

use std::io::Write;

use crate::history::HistoryEntry;

const COLORS: [&str; 4] = ["#b00020", "#e07000", "#1f5fbf", "#6a3d9a"];
const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
/// Room under the plot for the date labels and the two legend rows.
const BOTTOM: f64 = 70.0;
const MAX_DATE_LABELS: usize = 6;

/// The y axis: a step of 1, 2 or 5 × 10^k giving at most five intervals, and the top tick.
pub fn y_ticks(max: i64) -> (i64, i64) {
    let max = max.max(1);
    let intervals = |step: i64| (max + step - 1) / step;
    let mut power = 1;
    loop {
        for factor in [1, 2, 5] {
            let step = power * factor;
            if intervals(step) <= 5 {
                return (step, intervals(step) * step);
            }
        }
        power *= 10;
    }
}

/// Which reports get a date label: the first, the last and evenly spaced ones between.
pub fn labelled(count: usize) -> Vec<usize> {
    if count <= MAX_DATE_LABELS {
        return (0..count).collect();
    }
    let mut at: Vec<usize> = (0..MAX_DATE_LABELS)
        .map(|k| k * (count - 1) / (MAX_DATE_LABELS - 1))
        .collect();
    at.dedup();
    at
}

/// `2026-11-24 06:15` from an RFC 3339 time; the stamp when there is no readable time.
fn date_label(entry: &HistoryEntry) -> String {
    entry
        .generated_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(
            || entry.stamp.clone(),
            |t| t.to_utc().format("%Y-%m-%d %H:%M").to_string(),
        )
}

pub fn render(w: &mut dyn Write, history: &[HistoryEntry]) -> std::io::Result<()> {
    let max = history
        .iter()
        .flat_map(|h| h.key.series().map(|(_, v)| v.unwrap_or(0)))
        .max()
        .unwrap_or(0);
    let (step, top_tick) = y_ticks(max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - BOTTOM - TOP;
    let base = TOP + plot_h;
    let x = |i: usize| {
        if history.len() == 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (history.len() - 1) as f64
        }
    };
    let y = |v: i64| TOP + plot_h * (1.0 - v as f64 / top_tick as f64);
    writeln!(
        w,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" style=\"width:100%;max-width:{WIDTH}px;height:auto\" role=\"img\" aria-label=\"key metrics over time\">"
    )?;
    let mut tick = 0;
    while tick <= top_tick {
        let ty = y(tick);
        writeln!(
            w,
            "<line x1=\"{LEFT}\" y1=\"{ty:.1}\" x2=\"{}\" y2=\"{ty:.1}\" stroke=\"{}\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{tick}</text>",
            LEFT + plot_w,
            if tick == 0 { "#999" } else { "#e6e6ec" },
            LEFT - 6.0,
            ty + 4.0
        )?;
        tick += step;
    }
    writeln!(
        w,
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{base}\" stroke=\"#999\"/>"
    )?;
    let labels = labelled(history.len());
    for &i in &labels {
        let anchor = if history.len() == 1 {
            "middle"
        } else if i == 0 {
            "start"
        } else if i == history.len() - 1 {
            "end"
        } else {
            "middle"
        };
        writeln!(
            w,
            "<line x1=\"{0:.1}\" y1=\"{base}\" x2=\"{0:.1}\" y2=\"{1}\" stroke=\"#999\"/><text x=\"{0:.1}\" y=\"{2}\" font-size=\"11\" text-anchor=\"{anchor}\">{3}</text>",
            x(i),
            base + 4.0,
            base + 17.0,
            super::html::esc(&date_label(&history[i]))
        )?;
    }
    for (s, color) in COLORS.iter().enumerate() {
        let points: Vec<(f64, f64, i64, usize)> = history
            .iter()
            .enumerate()
            .filter_map(|(i, h)| h.key.series()[s].1.map(|v| (x(i), y(v), v, i)))
            .collect();
        if points.len() > 1 {
            let line: Vec<String> = points
                .iter()
                .map(|(px, py, _, _)| format!("{px:.1},{py:.1}"))
                .collect();
            writeln!(
                w,
                "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
                line.join(" ")
            )?;
        }
        let label = history[0].key.series()[s].0;
        for (px, py, v, i) in &points {
            writeln!(
                w,
                "<circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"3\" fill=\"{color}\"><title>{label}: {v} ({})</title></circle>",
                super::html::esc(&date_label(&history[*i]))
            )?;
        }
        // Two columns of two: the longest label is about 160 px at this size.
        let (column, row) = ((s % 2) as f64, (s / 2) as f64);
        let lx = LEFT + 8.0 + 300.0 * column;
        let ly = base + 32.0 + 16.0 * row;
        writeln!(
            w,
            "<rect x=\"{lx}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{}\" y=\"{ly}\" font-size=\"11\">{label}</text>",
            ly - 9.0,
            lx + 14.0
        )?;
    }
    writeln!(w, "</svg>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_ticks_are_round_and_cover_the_maximum() {
        assert_eq!(y_ticks(0), (1, 1));
        assert_eq!(y_ticks(3), (1, 3));
        assert_eq!(y_ticks(7), (2, 8));
        assert_eq!(y_ticks(14), (5, 15));
        assert_eq!(y_ticks(38), (10, 40));
        assert_eq!(y_ticks(3838), (1000, 4000));
        assert_eq!(y_ticks(1001), (500, 1500));
    }

    #[test]
    fn at_most_six_dates_first_and_last_included() {
        assert_eq!(labelled(1), [0]);
        assert_eq!(labelled(4), [0, 1, 2, 3]);
        let many = labelled(90);
        assert_eq!(many.len(), 6);
        assert_eq!((many[0], many[5]), (0, 89));
    }
}
