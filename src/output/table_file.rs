//! Writing a [`CsvTable`] built in memory as its CSV file, so that a run hands the report
//! the very rows it wrote instead of reading them back.

use std::io::Write;

use super::csv_line::CsvLine;
use super::results_dir::CsvTable;

/// Writes `table` to its path: the header line, then each row with its fields quoted
/// where RFC 4180 needs it.
pub fn write(table: &CsvTable) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(&table.path)?);
    writeln!(w, "{}", table.header.join(","))?;
    let mut line = CsvLine::new();
    for row in &table.rows {
        for field in &row.fields {
            line.text(field);
        }
        line.end(&mut w)?;
    }
    w.flush()
}
