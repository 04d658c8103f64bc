//! Whether a run writes its event log to `events.csv` (`metrics.events`): the one output
//! file that grows with every event (57 MB for `scenarios/large.yaml`).

/// Most events `metrics.events: auto` writes to events.csv (about 6 MB).
pub const AUTO_EVENTS_LIMIT: usize = 100_000;

/// Whether a run writes its event log to events.csv (`metrics.events`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EventsFile {
    /// Written when the run has at most [`AUTO_EVENTS_LIMIT`] events (the default).
    #[default]
    Auto,
    /// Always written.
    All,
    /// Never written.
    None,
}

impl EventsFile {
    /// Parses `auto`, `all` or `none`.
    pub fn parse(text: &str) -> Result<EventsFile, String> {
        match text {
            "auto" => Ok(EventsFile::Auto),
            "all" => Ok(EventsFile::All),
            "none" => Ok(EventsFile::None),
            other => Err(format!("expected auto, all or none, got {other:?}")),
        }
    }

    /// Whether a run with `events` events writes events.csv.
    pub fn writes(self, events: usize) -> bool {
        match self {
            EventsFile::Auto => events <= AUTO_EVENTS_LIMIT,
            EventsFile::All => true,
            EventsFile::None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_writes_up_to_the_limit_all_and_none_always_and_never() {
        assert!(EventsFile::Auto.writes(AUTO_EVENTS_LIMIT));
        assert!(!EventsFile::Auto.writes(AUTO_EVENTS_LIMIT + 1));
        assert!(EventsFile::All.writes(usize::MAX));
        assert!(!EventsFile::None.writes(0));
        assert_eq!(EventsFile::parse("all"), Ok(EventsFile::All));
        assert!(EventsFile::parse("yes")
            .unwrap_err()
            .contains("auto, all or none"));
    }
}
