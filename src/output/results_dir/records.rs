//! The one-row summary.csv as read: ordered (column, value) text pairs (the other files read
//! into the run record's own rows: pods, samples, events, node groups).

/// The one-row `summary.csv`, kept as ordered (column, value) pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Every column in file order with its value (numbers checked to parse).
    pub fields: Vec<(String, String)>,
}

impl Summary {
    /// Columns of `summary.csv` that hold text rather than numbers.
    pub const TEXT_COLUMNS: [&'static str; 2] = ["scenario", "scheduler"];

    /// Returns the value of a column, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}
