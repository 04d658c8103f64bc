//! A usage `series:` CSV: a header `time,cpu,memory` (or `total_cpu`/`total_memory`
//! columns for workload totals), then one row per change; times increase strictly, an
//! empty cell leaves that level as it was. Errors name the CSV file and its line.

use crate::input::duration::parse_duration_ms;
use crate::input::error::InputError;
use crate::model::usage::{parse_quantity, Amount, Demand, UsageResource, UsageStep};
use std::path::Path;

/// What one column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    PerPod(UsageResource),
    Total(UsageResource),
}

const COLUMNS: [(&str, Column); 4] = [
    ("cpu", Column::PerPod(UsageResource::Cpu)),
    ("total_cpu", Column::Total(UsageResource::Cpu)),
    ("memory", Column::PerPod(UsageResource::Memory)),
    ("total_memory", Column::Total(UsageResource::Memory)),
];

/// The data lines of `text` with their 1-based line numbers: blank lines and `#`
/// comments left out.
fn data_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

/// Reads the header's columns after `time`.
fn header(file: &Path, line: u64, text: &str) -> Result<Vec<Column>, InputError> {
    let err = |msg: String| InputError::new(file, Some(line), "header", msg);
    let mut cells = text.split(',').map(str::trim);
    if cells.next() != Some("time") {
        return Err(err(format!(
            "expected a header starting with `time`, such as `time,cpu,memory`, got {text:?}"
        )));
    }
    let mut columns: Vec<Column> = Vec::new();
    for cell in cells {
        let Some((_, c)) = COLUMNS.iter().find(|(n, _)| *n == cell) else {
            return Err(err(format!(
                "unknown column {cell:?}: expected cpu, total_cpu, memory or total_memory"
            )));
        };
        let resource = |c: &Column| match c {
            Column::PerPod(r) | Column::Total(r) => *r,
        };
        if columns.iter().any(|o| resource(o) == resource(c)) {
            return Err(err(format!(
                "column {cell:?} repeats a resource: one cpu and one memory column at most"
            )));
        }
        columns.push(*c);
    }
    if columns.is_empty() {
        return Err(err("expected at least one column after `time`".into()));
    }
    Ok(columns)
}

/// A row's time: a duration (`20m`) or a number of seconds.
fn row_time(cell: &str) -> Result<u64, String> {
    match cell.parse::<f64>() {
        Ok(s) if s.is_finite() && s >= 0.0 => Ok((s * 1000.0).round() as u64),
        Ok(_) => Err(format!("expected a non-negative time, got {cell:?}")),
        Err(_) => parse_duration_ms(cell),
    }
}

fn cell_demand(column: Column, cell: &str) -> Result<Demand, String> {
    match column {
        Column::PerPod(r) => Amount::parse(cell, r).map(Demand::PerPod),
        Column::Total(r) => parse_quantity(cell, r).map(Demand::Total),
    }
}

/// Parses the whole CSV into steps (at the first error, that error).
pub(super) fn parse(file: &Path, text: &str) -> Result<Vec<UsageStep>, InputError> {
    let mut lines = data_lines(text);
    let Some((header_line, header_text)) = lines.next() else {
        return Err(InputError::new(
            file,
            None,
            "",
            "empty series: expected a header `time,cpu,memory` and rows",
        ));
    };
    let columns = header(file, header_line, header_text)?;
    let mut steps: Vec<UsageStep> = Vec::new();
    for (line, row) in lines {
        let err = |field: &str, msg: String| InputError::new(file, Some(line), field, msg);
        let cells: Vec<&str> = row.split(',').map(str::trim).collect();
        if cells.len() != columns.len() + 1 {
            return Err(err(
                "",
                format!(
                    "expected {} cells like the header, got {}",
                    columns.len() + 1,
                    cells.len()
                ),
            ));
        }
        let at_ms = row_time(cells[0]).map_err(|e| err("time", e))?;
        if let Some(prev) = steps.last() {
            if at_ms <= prev.at_ms {
                return Err(err("time", format!("time {:?} does not come after the previous row's {} s: expected increasing times", cells[0], prev.at_ms as f64 / 1000.0)));
            }
        }
        let mut step = UsageStep {
            at_ms,
            levels: Default::default(),
        };
        for (column, cell) in columns.iter().zip(&cells[1..]) {
            if cell.is_empty() {
                continue;
            }
            let (name, _) = COLUMNS
                .iter()
                .find(|(_, c)| c == column)
                .expect("a known column");
            let d = cell_demand(*column, cell).map_err(|e| err(name, e))?;
            match column {
                Column::PerPod(UsageResource::Cpu) | Column::Total(UsageResource::Cpu) => {
                    step.levels.cpu = Some(d)
                }
                _ => step.levels.memory = Some(d),
            }
        }
        steps.push(step);
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("usage/web.csv")
    }

    #[test]
    fn rows_become_steps() {
        let steps = parse(p(), "time,total_cpu,memory\n# comment\n0,3,200Mi\n20m,9,\n").unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].levels.cpu, Some(Demand::Total(3000)));
        assert_eq!(steps[1].at_ms, 1_200_000);
        assert_eq!(steps[1].levels.cpu, Some(Demand::Total(9000)));
        // An empty memory cell leaves memory unchanged.
        assert_eq!(steps[1].levels.memory, None);
    }

    #[test]
    fn bad_rows_name_the_file_line_and_column() {
        let cases: &[(&str, u64, &str, &str)] = &[
            (
                "time,cpu\n0,300m\n10,lots\n",
                3,
                "cpu",
                "expected a quantity",
            ),
            (
                "time,cpu\n0,300m\n20m,1\n10m,2\n",
                4,
                "time",
                "does not come after",
            ),
            ("time,cpu\n0,300m,5\n", 2, "", "expected 2 cells"),
            ("time,cpu\nsoon,1\n", 2, "time", ""),
            ("time,gpu\n", 1, "header", "unknown column \"gpu\""),
            ("when,cpu\n", 1, "header", "starting with `time`"),
            ("time,cpu,total_cpu\n", 1, "header", "repeats a resource"),
        ];
        for (text, line, field, msg) in cases {
            let e = parse(p(), text).unwrap_err();
            assert_eq!(e.file, p(), "{text}");
            assert_eq!(e.line, Some(*line), "{text}");
            assert_eq!(e.field, *field, "{text}");
            assert!(e.message.contains(msg), "{text}: {}", e.message);
        }
    }
}
