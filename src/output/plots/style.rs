//! Shared plot styling: the embedded font, colour palette, axis labels and axis ranges.

use std::fmt::Display;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

/// Font family name used by every plot; registered from the TTF shipped in `assets/fonts/`.
pub(super) const FONT: &str = "sans-serif";
/// DejaVu Sans, see `assets/fonts/DejaVuSans-LICENSE.txt`.
static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// Line and bar colours (Tableau 10), assigned in order.
pub(super) const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];
/// Registers the shipped font once; plotters panics when drawing text without one.
pub(super) fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES)
                .map_err(|_| "the embedded DejaVuSans.ttf is not a valid font".to_owned())
        })
        .clone()
}

/// Converts drawing errors to their message.
pub(super) trait OrMessage<T> {
    fn msg(self) -> Result<T, String>;
}

impl<T, E: Display> OrMessage<T> for Result<T, E> {
    fn msg(self) -> Result<T, String> {
        self.map_err(|e| e.to_string())
    }
}
/// Formats an axis tick without needless decimals (`100`, `2.5`, `0.125`).
pub(super) fn axis_label(v: &f64) -> String {
    let rounded = (v * 1e6).round() / 1e6;
    if rounded == 0.0 {
        "0".to_owned()
    } else {
        format!("{rounded}")
    }
}

pub(super) fn draw_no_data<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
) -> Result<(), String> {
    let (w, h) = root.dim_in_pixel();
    root.draw(&Text::new(
        "no data",
        (w as i32 / 2 - 30, h as i32 / 2),
        (FONT, 20).into_font().color(&RGBColor(120, 120, 120)),
    ))
    .msg()
}
/// Chooses a readable time unit for an axis spanning `max_s` seconds: (divisor, label).
pub(super) fn time_unit(max_s: f64) -> (f64, &'static str) {
    if max_s > 4.0 * 3600.0 {
        (3600.0, "simulated time (h)")
    } else if max_s > 600.0 {
        (60.0, "simulated time (min)")
    } else {
        (1.0, "simulated time (s)")
    }
}
/// Top of a y axis: 20 % above the data so the legend does not hide it.
pub(super) fn nice_max(max: f64) -> f64 {
    if max > 0.0 {
        max * 1.2
    } else {
        1.0
    }
}

/// Right end of an x axis: just past the data.
pub(super) fn x_span(max: f64) -> f64 {
    if max > 0.0 {
        max * 1.03
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_labels_are_short() {
        assert_eq!(axis_label(&100.0), "100");
        assert_eq!(axis_label(&2.5), "2.5");
        assert_eq!(axis_label(&(0.1 + 0.2)), "0.3");
        assert_eq!(axis_label(&-0.0), "0");
    }

    #[test]
    fn time_units() {
        assert_eq!(time_unit(100.0).0, 1.0);
        assert_eq!(time_unit(3000.0).0, 60.0);
        assert_eq!(time_unit(86_400.0).0, 3600.0);
    }
}
