//! Generic CSV reading: a header plus rows of equal width, with typed field parsers.

use std::fs;
use std::path::{Path, PathBuf};

use super::ReportError;
use crate::engine::SimTime;

/// What a time column holds.
const TIME_EXPECTED: &str = "seconds with at most three decimals (e.g. 12.345)";

/// A CSV file read as text, every row checked to have as many fields as the header.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvTable {
    /// The file it was read from.
    pub path: PathBuf,
    /// The header's column names.
    pub header: Vec<String>,
    /// The data rows, in file order.
    pub rows: Vec<CsvRow>,
}

/// One data row of a [`CsvTable`].
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRow {
    /// The 1-based line of the file where the row starts.
    pub line: u64,
    /// The fields, one per header column.
    pub fields: Vec<String>,
}

impl CsvTable {
    /// A table built in memory, as its file `path` will hold it: `header` is the header line
    /// (comma-separated), each row is its fields unquoted. Rows are numbered as the lines a
    /// writer puts them on (the header is line 1).
    pub fn built(path: PathBuf, header: &str, rows: Vec<Vec<String>>) -> Self {
        let rows = (rows.into_iter().zip(2..))
            .map(|(fields, line)| CsvRow { line, fields })
            .collect();
        Self {
            path,
            header: header.split(',').map(str::to_owned).collect(),
            rows,
        }
    }

    /// Reads a CSV file with a header line; fails on an empty file or a row whose
    /// field count differs from the header's.
    pub fn read(path: &Path) -> Result<Self, ReportError> {
        let bytes = fs::read(path).map_err(|source| ReportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes.as_slice());
        let mut header: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            let line = reader.position().line();
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(source) => {
                    let line = source.position().map_or(line, |p| p.line());
                    return Err(ReportError::Csv {
                        path: path.to_path_buf(),
                        line,
                        source,
                    });
                }
            }
            let line = record.position().map_or(line, |p| p.line());
            let fields: Vec<String> = record.iter().map(str::to_owned).collect();
            match &header {
                None => header = Some(fields),
                Some(h) if h.len() != fields.len() => {
                    return Err(ReportError::ColumnCount {
                        path: path.to_path_buf(),
                        line,
                        expected: h.len(),
                        found: fields.len(),
                    })
                }
                Some(_) => rows.push(CsvRow { line, fields }),
            }
        }
        let header = header.ok_or_else(|| ReportError::EmptyFile {
            path: path.to_path_buf(),
        })?;
        Ok(Self {
            path: path.to_path_buf(),
            header,
            rows,
        })
    }

    /// Reads `path` and turns each data row into a `T` with `row`, which gets the table, the
    /// row and the indexes of the `names` columns (each required): the shape of every typed
    /// reader of a results folder.
    pub fn read_rows<const N: usize, T>(
        path: &Path,
        names: [&str; N],
        mut row: impl FnMut(&CsvTable, &CsvRow, [usize; N]) -> Result<T, ReportError>,
    ) -> Result<Vec<T>, ReportError> {
        let t = CsvTable::read(path)?;
        let columns = t.columns(names)?;
        t.rows.iter().map(|r| row(&t, r, columns)).collect()
    }

    /// Returns the index of each named column, failing on the first one missing.
    pub fn columns<const N: usize>(&self, names: [&str; N]) -> Result<[usize; N], ReportError> {
        let mut out = [0; N];
        for (slot, name) in out.iter_mut().zip(names) {
            *slot = self
                .column(name)
                .ok_or_else(|| ReportError::MissingColumn {
                    path: self.path.clone(),
                    column: name.to_owned(),
                    found: self.header.join(","),
                })?;
        }
        Ok(out)
    }

    /// Returns the index of a column by name, if present.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The error for a field of `row` in column `col` that is not `expected`.
    pub(super) fn bad(&self, row: &CsvRow, col: usize, expected: &'static str) -> ReportError {
        ReportError::BadValue {
            path: self.path.clone(),
            line: row.line,
            column: col + 1,
            name: self.header[col].clone(),
            value: row.fields[col].clone(),
            expected,
        }
    }

    /// Parses a field as a finite number.
    pub fn f64(&self, row: &CsvRow, col: usize) -> Result<f64, ReportError> {
        self.opt_f64(row, col)?
            .ok_or_else(|| self.bad(row, col, "a number"))
    }

    /// Parses a field as a finite number, an empty field giving `None`.
    pub fn opt_f64(&self, row: &CsvRow, col: usize) -> Result<Option<f64>, ReportError> {
        let text = row.fields[col].trim();
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(self.bad(row, col, "a number")),
        }
    }

    /// Parses a field as a non-negative integer.
    pub fn u64(&self, row: &CsvRow, col: usize) -> Result<u64, ReportError> {
        row.fields[col]
            .trim()
            .parse::<u64>()
            .map_err(|_| self.bad(row, col, "a non-negative integer"))
    }

    /// Parses a field as seconds with at most millisecond precision, exactly.
    pub fn time(&self, row: &CsvRow, col: usize) -> Result<SimTime, ReportError> {
        self.opt_time(row, col)?
            .ok_or_else(|| self.bad(row, col, TIME_EXPECTED))
    }

    /// Parses a field as seconds with at most millisecond precision, an empty field giving
    /// `None`.
    pub fn opt_time(&self, row: &CsvRow, col: usize) -> Result<Option<SimTime>, ReportError> {
        let text = row.fields[col].trim();
        if text.is_empty() {
            return Ok(None);
        }
        SimTime::parse_secs(text)
            .map(Some)
            .ok_or_else(|| self.bad(row, col, TIME_EXPECTED))
    }

    /// Parses a field as an integer of type `T`, an empty field giving `None`.
    pub fn opt_int<T: std::str::FromStr>(
        &self,
        row: &CsvRow,
        col: usize,
    ) -> Result<Option<T>, ReportError> {
        let text = row.fields[col].trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse::<T>()
            .map(Some)
            .map_err(|_| self.bad(row, col, "an integer in range"))
    }

    /// Parses a field as an integer of type `T`.
    pub fn int<T: std::str::FromStr>(&self, row: &CsvRow, col: usize) -> Result<T, ReportError> {
        self.opt_int(row, col)?
            .ok_or_else(|| self.bad(row, col, "an integer in range"))
    }

    /// Returns a field as text.
    pub fn text(&self, row: &CsvRow, col: usize) -> String {
        row.fields[col].clone()
    }

    /// Returns a field as text, an empty field giving `None`.
    pub fn opt_text(&self, row: &CsvRow, col: usize) -> Option<String> {
        let t = &row.fields[col];
        (!t.is_empty()).then(|| t.clone())
    }
}
