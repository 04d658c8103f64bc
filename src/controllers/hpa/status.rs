//! An HPA's status as kube's controller writes it: current and desired replicas, the
//! current value of each metric, the last scale time and the three conditions.

use crate::engine::SimTime;

/// One status condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// AbleToScale, ScalingActive or ScalingLimited.
    pub kind: &'static str,
    /// True or False.
    pub status: bool,
    /// Reason.
    pub reason: String,
    /// Message.
    pub message: String,
    /// lastTransitionTime: when `status` last changed.
    pub since: SimTime,
}

/// A metric's current value (status.currentMetrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricValue {
    /// averageUtilization (Utilization targets).
    pub utilization: Option<i32>,
    /// averageValue in milli-units.
    pub average_milli: i64,
}

/// status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HpaStatus {
    /// currentReplicas: the target's status.replicas at the last sync.
    pub current_replicas: i32,
    /// desiredReplicas.
    pub desired_replicas: i32,
    /// Per spec metric, its current value (None: unknown).
    pub current_metrics: Vec<Option<MetricValue>>,
    /// lastScaleTime.
    pub last_scale_time: Option<SimTime>,
    /// Conditions in kube's order of first setting.
    pub conditions: Vec<Condition>,
}

impl HpaStatus {
    /// kube's `setCondition`: updates reason and message, and the transition time only
    /// when the status flips.
    pub fn set_condition(
        &mut self,
        kind: &'static str,
        status: bool,
        reason: &str,
        message: String,
        now: SimTime,
    ) {
        match self.conditions.iter_mut().find(|c| c.kind == kind) {
            Some(c) => {
                if c.status != status {
                    c.since = now;
                }
                c.status = status;
                c.reason = reason.to_string();
                c.message = message;
            }
            None => self.conditions.push(Condition {
                kind,
                status,
                reason: reason.to_string(),
                message,
                since: now,
            }),
        }
    }

    /// The condition of `kind`, if set.
    pub fn condition(&self, kind: &str) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.kind == kind)
    }
}

/// One row of hpa.csv: the HPA after a sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRecord {
    /// When.
    pub at: SimTime,
    /// status.currentReplicas.
    pub current_replicas: i32,
    /// status.desiredReplicas.
    pub desired_replicas: i32,
    /// Per spec metric, its current value.
    pub metrics: Vec<Option<MetricValue>>,
}
