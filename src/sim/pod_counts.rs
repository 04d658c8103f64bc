//! Pods by phase. Every change of a pod's phase in the simulation goes through
//! [`PodCounts`], which keeps the Pending and Running counters in step with it (`--check`
//! recounts them after every event).

use crate::cluster::{Pod, PodPhase};

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

    /// `pod`'s containers started (again): its phase is Running.
    pub fn start(&mut self, pod: &mut Pod) {
        if pod.phase == PodPhase::Pending {
            self.pending -= 1;
            self.running += 1;
        }
        pod.phase = PodPhase::Running;
    }

    /// `pod` ended in `phase` (Succeeded or Failed).
    pub fn finish(&mut self, pod: &mut Pod, phase: PodPhase) {
        self.leave(pod.phase);
        pod.phase = phase;
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
