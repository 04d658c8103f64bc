//! The Cluster Autoscaler (kubernetes/autoscaler, cluster-autoscaler): every scan interval
//! it adds nodes to a node group when pods are unschedulable and a new node of the group
//! would take them ([`scale_up`]), and removes nodes whose requested utilization stayed
//! under the threshold for the unneeded time when their pods fit elsewhere
//! ([`scale_down`]). It acts only through [`AutoscalerContext`].

pub mod context;
mod estimate;
pub mod expander;
mod groups;
pub mod scale_down;
pub mod scale_up;

pub use context::AutoscalerContext;

use crate::cluster::NodeIdx;
use crate::engine::{RngStreams, SimTime, Stream};
use crate::scenario::autoscaler::AutoscalerSpec;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::BTreeMap;

/// A Cluster Autoscaler timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// The periodic scan (`--scan-interval`).
    Scan,
    /// Provisioning request `request` produced its node.
    NodeReady(u32),
    /// Provisioning request `request` did not produce a node within
    /// `--max-node-provision-time`.
    ProvisionTimedOut(u32),
    /// The drained node is deleted.
    DeleteNode(NodeIdx),
}

/// What happened to a group, one row of `autoscaler.csv` (a record of the run).
pub use crate::metrics::run_tables::ScaleRecord;

/// One node asked of the cloud provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionRequest {
    /// Index of the group in the spec.
    pub group: usize,
    /// Still upcoming (neither registered nor timed out).
    pub open: bool,
}

/// The autoscaler's state.
#[derive(Debug)]
pub struct Autoscaler {
    /// Flags and groups.
    pub spec: AutoscalerSpec,
    /// Every provisioning request, by id.
    pub requests: Vec<ProvisionRequest>,
    /// Per group: backed off until (after a failed scale-up), and the next back-off length.
    pub backoff: Vec<(SimTime, u64)>,
    /// Unneeded nodes and since when.
    pub unneeded_since: BTreeMap<NodeIdx, SimTime>,
    /// Nodes being drained or deleted.
    pub deleting: Vec<NodeIdx>,
    /// Last scale-up, deletion and scale-down failure.
    pub last_scale_up: Option<SimTime>,
    /// Last node deletion started.
    pub last_delete: Option<SimTime>,
    /// Last failed scale-down.
    pub last_failure: Option<SimTime>,
    /// The last NotTriggerScaleUp message per pod (a repeated event is aggregated, as the
    /// event recorder does).
    pub last_no_scale_up: BTreeMap<crate::cluster::PodId, String>,
    /// `autoscaler.csv` rows.
    pub records: Vec<ScaleRecord>,
    rng: Xoshiro256PlusPlus,
}

impl Autoscaler {
    /// A new autoscaler; its first scan is at time zero.
    pub fn new(spec: AutoscalerSpec, streams: &RngStreams) -> Autoscaler {
        let backoff = vec![(SimTime::ZERO, spec.initial_backoff_ms); spec.groups.len()];
        Autoscaler {
            spec,
            requests: Vec::new(),
            backoff,
            unneeded_since: BTreeMap::new(),
            deleting: Vec::new(),
            last_scale_up: None,
            last_delete: None,
            last_failure: None,
            last_no_scale_up: BTreeMap::new(),
            records: Vec::new(),
            rng: streams.stream(Stream::Autoscaler),
        }
    }

    /// Handles `timer`.
    pub fn on_timer(&mut self, ctx: &mut impl AutoscalerContext, timer: Timer) {
        match timer {
            Timer::Scan => {
                self.scan(ctx);
                let next = ctx.now().as_millis() + self.spec.scan_interval_ms;
                ctx.timer_at(SimTime::from_millis(next), Timer::Scan);
            }
            Timer::NodeReady(r) => scale_up::node_ready(self, ctx, r),
            Timer::ProvisionTimedOut(r) => scale_up::provision_timed_out(self, ctx, r),
            Timer::DeleteNode(n) => scale_down::delete_drained(self, ctx, n),
        }
    }

    /// One CA loop (core/static_autoscaler.go RunOnce): scale up if pods need it; a loop
    /// that scaled up does no scale-down.
    fn scan(&mut self, ctx: &mut impl AutoscalerContext) {
        let scaled_up = scale_up::run(self, ctx);
        if self.spec.scale_down_enabled && !scaled_up {
            scale_down::run(self, ctx);
        }
    }

    /// Appends an `autoscaler.csv` row.
    fn record(
        &mut self,
        now: SimTime,
        group: usize,
        action: &'static str,
        sizes: (u32, u32),
        reason: String,
    ) {
        self.records.push(ScaleRecord {
            time: now,
            group: self.spec.groups[group].name.clone(),
            action,
            nodes_before: sizes.0,
            nodes_after: sizes.1,
            reason,
        });
    }
}
