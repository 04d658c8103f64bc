//! Budgets a user gives a run besides `max_events` (`limits.max_memory`,
//! `limits.max_wall`): they bound what a batch job may spend, not the simulation, so a run
//! that hits one stops early and keeps its partial results, marked as partial.

/// Memory and wall-clock ceilings of one run; `None`: no ceiling.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Budget {
    /// Most resident memory of the process, bytes (`limits.max_memory`).
    pub max_memory_bytes: Option<u64>,
    /// Most wall-clock time of the simulation, ms (`limits.max_wall`).
    pub max_wall_ms: Option<u64>,
}

impl Budget {
    /// Whether any ceiling is set.
    pub fn is_set(&self) -> bool {
        self.max_memory_bytes.is_some() || self.max_wall_ms.is_some()
    }
}
