//! Scale-up (core/scaleup/orchestrator): the unschedulable pods that do not fit the
//! cluster with its upcoming nodes are packed onto each group's template node; the groups
//! with room that take at least one pod are the options; the expanders pick one; its
//! nodes are asked for and register after the group's provisioning time, or count as
//! failed after `--max-node-provision-time` (the group is then backed off).

use super::context::CaEvent;
use super::estimate::{binpack, filter_out_schedulable, Estimate, Snapshot};
use super::expander::{choose, ScaleUpOption};
use super::{Autoscaler, AutoscalerContext, ProvisionRequest, Timer};
use crate::cluster::PodId;
use crate::engine::SimTime;
use crate::model::resources::Resources;
use std::collections::BTreeMap;

/// `--node-group-backoff-reset-timeout` (3h): a failure this long after the last back-off
/// ended starts again from the initial back-off.
pub const BACKOFF_RESET_MS: u64 = 3 * 3_600_000;

/// Runs scale-up; true if nodes were asked for.
pub fn run(ca: &mut Autoscaler, ctx: &mut impl AutoscalerContext) -> bool {
    let now = ctx.now().as_millis();
    let delay = ca.spec.new_pod_scale_up_delay_ms;
    let pending: Vec<PodId> = ctx
        .unschedulable_pods()
        .into_iter()
        .filter(|p| ctx.cluster().pods()[p.ix()].times.created.as_millis() + delay <= now)
        .collect();
    if pending.is_empty() {
        return false;
    }
    let mut snapshot = Snapshot::of(ctx);
    for g in 0..ca.spec.groups.len() {
        for _ in 0..ca.upcoming(g) {
            snapshot.add_template_node(&ca.spec.groups[g].template);
        }
    }
    let rest = filter_out_schedulable(ctx, &mut snapshot, pending);
    if rest.is_empty() {
        return false;
    }
    let (options, helped, reasons) = options(ca, ctx, &snapshot, &rest);
    let Some(best) = choose(
        &ca.spec.expanders,
        &ca.spec.priorities,
        options,
        &mut ca.rng,
    ) else {
        not_triggered(ca, ctx, &rest, &reasons);
        return false;
    };
    let pods = helped.get(&best.group).cloned().unwrap_or_default();
    execute(ca, ctx, &best, &pods);
    true
}

/// Per group an option (if it takes a pod), the pods each option takes, and per pod the
/// groups' reasons for not taking it.
type Options = (
    Vec<ScaleUpOption>,
    BTreeMap<usize, Vec<PodId>>,
    BTreeMap<PodId, Vec<String>>,
);

/// Room left in group `g`: its max and `--max-nodes-total`.
fn limit(ca: &Autoscaler, ctx: &impl AutoscalerContext, g: usize) -> (u32, Option<&'static str>) {
    let c = ctx.cluster();
    let group_room = ca.spec.groups[g].max.saturating_sub(ca.target_size(c, g));
    if group_room == 0 {
        return (0, Some("max node group size reached"));
    }
    if ca.spec.max_nodes_total == 0 {
        return (group_room, None);
    }
    let total_room = ca.spec.max_nodes_total.saturating_sub(ca.total_size(c));
    if total_room == 0 {
        return (0, Some("max cluster size reached"));
    }
    (group_room.min(total_room), None)
}

/// The scale-up options for `pods` ([`Options`]).
fn options(
    ca: &Autoscaler,
    ctx: &impl AutoscalerContext,
    snapshot: &Snapshot,
    pods: &[PodId],
) -> Options {
    let mut options = Vec::new();
    let mut helped = BTreeMap::new();
    let mut reasons: BTreeMap<PodId, Vec<String>> = BTreeMap::new();
    for (g, group) in ca.spec.groups.iter().enumerate() {
        let mut skip = |reason: &str| {
            for p in pods {
                reasons.entry(*p).or_default().push(reason.to_string());
            }
        };
        if ca.backed_off(ctx, g) {
            skip("in backoff after failed scale-up");
            continue;
        }
        let (room, why) = limit(ca, ctx, g);
        if let Some(why) = why {
            skip(why);
            continue;
        }
        let est: Estimate = binpack(ctx, snapshot, &group.template, pods, room);
        for (p, reason) in &est.rejected {
            reasons.entry(*p).or_default().push(reason.clone());
        }
        for p in &est.over_limit {
            reasons
                .entry(*p)
                .or_default()
                .push("max node group size reached".to_string());
        }
        if est.pods.is_empty() {
            continue;
        }
        let requested = est.pods.iter().fold(Resources::ZERO, |acc, p| {
            acc + ctx.cluster().pods()[p.ix()].spec.requests
        });
        options.push(ScaleUpOption {
            group: g,
            group_name: group.name.clone(),
            nodes: est.nodes,
            pod_count: est.pods.len() as u32,
            requested,
            node_allocatable: group.template.allocatable,
            price_per_hour: group.price_per_hour,
        });
        helped.insert(g, est.pods);
    }
    (options, helped, reasons)
}

/// `NotTriggerScaleUp` on each pod no group helps, with the groups' reasons counted
/// (ReasonsMessage: "pod didn't trigger scale-up: 1 max node group size reached"); an
/// unchanged message is not repeated (the event recorder aggregates it).
fn not_triggered(
    ca: &mut Autoscaler,
    ctx: &mut impl AutoscalerContext,
    pods: &[PodId],
    reasons: &BTreeMap<PodId, Vec<String>>,
) {
    for p in pods {
        let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
        for r in reasons.get(p).into_iter().flatten() {
            *counts.entry(r.as_str()).or_default() += 1;
        }
        let parts: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
        let message = format!("pod didn't trigger scale-up: {}", parts.join(", "));
        if ca.last_no_scale_up.get(p) == Some(&message) {
            continue;
        }
        ca.last_no_scale_up.insert(*p, message.clone());
        let name = ctx.cluster().pods()[p.ix()].name.clone();
        ctx.record_event(CaEvent {
            object_kind: "Pod",
            object: &name,
            kind: "Normal",
            reason: "NotTriggerScaleUp",
            message,
        });
    }
}

/// Asks for the option's nodes: each registers after a provisioning time drawn from the
/// group's distribution, unless that is beyond `--max-node-provision-time`.
fn execute(
    ca: &mut Autoscaler,
    ctx: &mut impl AutoscalerContext,
    best: &ScaleUpOption,
    pods: &[PodId],
) {
    let g = best.group;
    let now = ctx.now();
    let before = ca.target_size(ctx.cluster(), g);
    let after = before + best.nodes;
    let group = ca.spec.groups[g].clone();
    for _ in 0..best.nodes {
        let id = ca.requests.len() as u32;
        ca.requests.push(ProvisionRequest {
            group: g,
            open: true,
        });
        ctx.machine_requested(&group.name);
        let delay = ctx.sample_ms(&group.provisioning, &mut ca.rng);
        let (at, timer) = if delay <= ca.spec.max_node_provision_ms {
            (delay, Timer::NodeReady(id))
        } else {
            (ca.spec.max_node_provision_ms, Timer::ProvisionTimedOut(id))
        };
        ctx.timer_at(SimTime::from_millis(now.as_millis() + at), timer);
    }
    let info = format!(
        "[{{{} {before}->{after} (max: {})}}]",
        group.name, group.max
    );
    let message = format!(
        "Scale-up: setting group {} size to {after} instead of {before} (max: {})",
        group.name, group.max
    );
    ctx.record_event(CaEvent::status("Normal", "ScaledUpGroup", message));
    for p in pods {
        let name = ctx.cluster().pods()[p.ix()].name.clone();
        ca.last_no_scale_up.remove(p);
        ctx.record_event(CaEvent {
            object_kind: "Pod",
            object: &name,
            kind: "Normal",
            reason: "TriggeredScaleUp",
            message: format!("pod triggered scale-up: {info}"),
        });
    }
    ca.last_scale_up = Some(now);
    ca.record(
        now,
        g,
        "scale_up",
        (before, after),
        format!("{} unschedulable pods", pods.len()),
    );
}

/// Request `r`'s node registers, Ready.
pub fn node_ready(ca: &mut Autoscaler, ctx: &mut impl AutoscalerContext, r: u32) {
    let request = &mut ca.requests[r as usize];
    request.open = false;
    let g = request.group;
    let template = ca.spec.groups[g].template.clone();
    ctx.machine_request_closed(&ca.spec.groups[g].name);
    ctx.add_node(&template);
}

/// Request `r`'s node did not register within `--max-node-provision-time`: the group's
/// target size drops back and the group is backed off (5 min doubling to 30 min, back to
/// 5 min after [`BACKOFF_RESET_MS`] without failures).
pub fn provision_timed_out(ca: &mut Autoscaler, ctx: &mut impl AutoscalerContext, r: u32) {
    let g = ca.requests[r as usize].group;
    let before = ca.target_size(ctx.cluster(), g);
    ca.requests[r as usize].open = false;
    ctx.machine_request_closed(&ca.spec.groups[g].name);
    let now = ctx.now();
    // Nodes of one scale-up time out together: the group is backed off once.
    let (until, mut length) = ca.backoff[g];
    if now.as_millis() >= until.as_millis() + BACKOFF_RESET_MS {
        length = ca.spec.initial_backoff_ms;
    }
    if now >= until {
        ca.backoff[g] = (
            SimTime::from_millis(now.as_millis() + length),
            (length * 2).min(ca.spec.max_backoff_ms),
        );
    }
    let name = ca.spec.groups[g].name.clone();
    let within_s = ca.spec.max_node_provision_ms / 1000;
    ctx.record_event(CaEvent::status(
        "Warning",
        "ScaleUpTimedOut",
        format!("Nodes added to group {name} failed to register within {within_s}s"),
    ));
    ca.record(
        now,
        g,
        "failed",
        (before, before - 1),
        "node did not register within max-node-provision-time".into(),
    );
}
