//! Pods by phase. Every change of a pod's phase in the simulation goes through
//! [`PodCounts`], which keeps the Pending and Running counters in step with it (`--check`
//! recounts them after every event).

use crate::cluster::PodPhase;

/// Pods in phase Pending and in phase Running, leaving out pods being deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PodCounts {
    pending: u64,
    running: u64,
}

impl PodCounts {
    /// Pods in phase Pending and not being deleted.
    pub fn pending(&self) -> u64 {
        self.pending
    }

    /// Pods in phase Running and not being deleted.
    pub fn running(&self) -> u64 {
        self.running
    }

    /// A pod was created (phase Pending).
    pub fn created(&mut self) {
        self.pending += 1;
    }

    /// A pod's containers started (again): its `phase` becomes Running.
    pub fn start(&mut self, phase: &mut PodPhase) {
        if *phase == PodPhase::Pending {
            self.pending -= 1;
            self.running += 1;
        }
        *phase = PodPhase::Running;
    }

    /// A pod in `phase` ended in `end` (Succeeded or Failed).
    pub fn finish(&mut self, phase: &mut PodPhase, end: PodPhase) {
        self.leave(*phase);
        *phase = end;
    }

    /// A pod in `phase` began its deletion: it is no longer counted.
    pub fn leave(&mut self, phase: PodPhase) {
        match phase {
            PodPhase::Pending => self.pending -= 1,
            PodPhase::Running => self.running -= 1,
            _ => {}
        }
    }
}
