//! Watches a run's [`Budget`]: every 65,536 events it reads the process's resident memory
//! (`VmRSS` in `/proc/self/status`; where that file does not exist the memory ceiling is
//! not checked) and the wall-clock time since the run started. Both are measurements of
//! this machine, so a run that hits one stops at a point that depends on the machine: its
//! results are marked partial (`partial.txt`) and never compared as whole ones.

use crate::engine::Budget;
use std::time::Instant;

/// The budget and when the run started.
#[derive(Debug)]
pub struct BudgetWatch {
    budget: Budget,
    started: Instant,
}

/// Resident memory of this process in bytes, from `/proc/self/status`.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

impl BudgetWatch {
    /// Starts watching `budget` now.
    pub fn new(budget: Budget) -> BudgetWatch {
        BudgetWatch {
            budget,
            started: Instant::now(),
        }
    }

    /// The ceiling passed, if any: `limits.max_memory: 2.1 GB resident, ceiling 2.0 GB`.
    pub fn exceeded(&self) -> Option<String> {
        if let Some(max) = self.budget.max_wall_ms {
            let spent = self.started.elapsed().as_millis() as u64;
            if spent > max {
                return Some(format!(
                    "limits.max_wall: {:.1} s of wall-clock time spent, ceiling {:.1} s",
                    spent as f64 / 1000.0,
                    max as f64 / 1000.0
                ));
            }
        }
        if let Some(max) = self.budget.max_memory_bytes {
            if let Some(rss) = resident_bytes().filter(|rss| *rss > max) {
                return Some(format!(
                    "limits.max_memory: {:.1} MB resident, ceiling {:.1} MB",
                    rss as f64 / 1e6,
                    max as f64 / 1e6
                ));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ceiling_below_what_is_used_trips_and_none_never_does() {
        assert_eq!(BudgetWatch::new(Budget::default()).exceeded(), None);
        let wall = BudgetWatch {
            budget: Budget {
                max_wall_ms: Some(0),
                ..Budget::default()
            },
            started: Instant::now() - std::time::Duration::from_millis(5),
        };
        assert!(wall.exceeded().unwrap().starts_with("limits.max_wall: "));
        if resident_bytes().is_some() {
            let memory = BudgetWatch::new(Budget {
                max_memory_bytes: Some(1),
                ..Budget::default()
            });
            assert!(memory
                .exceeded()
                .unwrap()
                .starts_with("limits.max_memory: "));
        }
    }
}
