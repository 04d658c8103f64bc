//! Writing a [`CsvTable`] built in memory as its CSV file, so that a run hands the report
//! the very rows it wrote instead of reading them back.

use std::io::Write;

use super::results_dir::CsvTable;
use super::run_files::q;

/// Writes `table` to its path: the header line, then each row with its fields quoted
/// where RFC 4180 needs it.
pub fn write(table: &CsvTable) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(&table.path)?);
    writeln!(w, "{}", table.header.join(","))?;
    for row in &table.rows {
        for (i, field) in row.fields.iter().enumerate() {
            if i > 0 {
                w.write_all(b",")?;
            }
            w.write_all(q(field).as_bytes())?;
        }
        w.write_all(b"\n")?;
    }
    w.flush()
}
