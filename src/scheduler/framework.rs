//! The scheduling framework's extension points, mirroring kube-scheduler's
//! `framework/interface.go`: Status codes, CycleState, and one trait per extension point.
//!
//! Filter and Score have a per-node method (the kube-scheduler contract, used by tests and
//! `explain`) and a batch method over all candidate nodes that plugins may override with a
//! tight loop; the defaults call the per-node method.

use crate::cluster::{Cluster, NodeIdx, Pod, PodId};
use std::any::Any;

/// The highest score a Score plugin may return after normalisation.
pub const MAX_NODE_SCORE: i64 = 100;
/// The lowest score.
pub const MIN_NODE_SCORE: i64 = 0;

/// Status codes, as kube-scheduler's `framework.Code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The plugin ran and the pod may proceed.
    Success,
    /// Internal error.
    Error,
    /// The pod does not fit now; preemption may help.
    Unschedulable,
    /// The pod does not fit and preemption cannot help.
    UnschedulableAndUnresolvable,
    /// Permit: wait.
    Wait,
    /// The plugin does not apply to this pod: its later extension points are skipped.
    Skip,
}

/// A plugin's verdict with reasons in kube-scheduler's wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The code.
    pub code: Code,
    /// Reasons (e.g. "Insufficient cpu").
    pub reasons: Vec<String>,
}

impl Status {
    /// Success, no reasons.
    pub const fn success() -> Status {
        Status {
            code: Code::Success,
            reasons: Vec::new(),
        }
    }

    /// Skip, no reasons.
    pub const fn skip() -> Status {
        Status {
            code: Code::Skip,
            reasons: Vec::new(),
        }
    }

    /// A status with one reason.
    pub fn new(code: Code, reason: impl Into<String>) -> Status {
        Status {
            code,
            reasons: vec![reason.into()],
        }
    }

    /// True for Success.
    pub fn is_success(&self) -> bool {
        self.code == Code::Success
    }
}

/// Per-cycle scratch data that plugins compute in PreFilter/PreScore and read later.
#[derive(Default)]
pub struct CycleState {
    slots: Vec<(&'static str, Box<dyn Any>)>,
}

impl CycleState {
    /// Stores `value` under `key`, replacing any earlier value.
    pub fn write<T: Any>(&mut self, key: &'static str, value: T) {
        if let Some(slot) = self.slots.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = Box::new(value);
        } else {
            self.slots.push((key, Box::new(value)));
        }
    }

    /// Reads the value stored under `key`.
    pub fn read<T: Any>(&self, key: &'static str) -> Option<&T> {
        self.slots
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| v.downcast_ref())
    }

    /// Forgets everything (start of a new cycle).
    pub fn clear(&mut self) {
        self.slots.clear();
    }
}

/// What every plugin has.
pub trait Plugin {
    /// The plugin's registered name (see `plugins::names`).
    fn name(&self) -> &'static str;
}

/// PreFilter + Filter.
pub trait FilterPlugin: Plugin {
    /// Runs once per cycle; `Skip` means the plugin does not apply to this pod.
    fn pre_filter(&self, _state: &mut CycleState, _pod: &Pod, _cluster: &Cluster) -> Status {
        Status::success()
    }

    /// Whether `pod` may run on node `n`.
    fn filter(&self, state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status;

    /// Clears `feasible[i]` for every node `i` still feasible that fails this filter.
    fn filter_all(&self, state: &CycleState, pod: &Pod, cluster: &Cluster, feasible: &mut [bool]) {
        for (i, f) in feasible.iter_mut().enumerate() {
            if *f
                && !self
                    .filter(state, pod, cluster, NodeIdx(i as u32))
                    .is_success()
            {
                *f = false;
            }
        }
    }
}

/// PreScore + Score + NormalizeScore.
pub trait ScorePlugin: Plugin {
    /// Runs once per cycle over the feasible nodes; `Skip` means score nothing.
    fn pre_score(
        &self,
        _state: &mut CycleState,
        _pod: &Pod,
        _cluster: &Cluster,
        _nodes: &[NodeIdx],
    ) -> Status {
        Status::success()
    }

    /// The raw score of node `n`.
    fn score(&self, state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64;

    /// Raw scores of all `nodes` into `out` (same length).
    fn score_all(
        &self,
        state: &CycleState,
        pod: &Pod,
        cluster: &Cluster,
        nodes: &[NodeIdx],
        out: &mut [i64],
    ) {
        for (o, n) in out.iter_mut().zip(nodes) {
            *o = self.score(state, pod, cluster, *n);
        }
    }

    /// Rescales raw scores into `0..=MAX_NODE_SCORE` (default: none needed).
    fn normalize_score(&self, _state: &CycleState, _pod: &Pod, _scores: &mut [i64]) {}
}

/// QueueSort: orders the activeQ.
pub trait QueueSortPlugin: Plugin {
    /// True if `a` should be scheduled before `b`.
    fn less(&self, a: &QueuedPod, b: &QueuedPod) -> bool;
}

/// What the queue knows about a waiting pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuedPod {
    /// The pod.
    pub id: PodId,
    /// Its priority.
    pub priority: i32,
    /// When it was (last) added to the queue, ms.
    pub timestamp_ms: u64,
}
