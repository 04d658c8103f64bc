//! The binding cycle: Reserve/Unreserve, Permit with pods waiting (allowed, rejected or
//! timed out), PreBind and Bind.

use super::super::event::Event;
use super::super::Simulation;
use super::{cluster_changed, ensure_cycle, park, schedule_bind, WaitingPod};
use crate::cluster::{NodeIdx, PodId};
use crate::scheduler::framework::{Code, MAX_PERMIT_TIMEOUT_MS};

/// Runs Unreserve of every Reserve plugin of the profile, in reverse order.
pub(super) fn unreserve_all(sim: &Simulation, profile_ix: usize, p: PodId, node: NodeIdx) {
    let profile = &sim.scheduler.profiles[profile_ix];
    let pod = &sim.cluster.pods()[p.ix()];
    for r in profile.reserves.iter().rev() {
        r.as_reserve()
            .expect("reserve plugin")
            .unreserve(pod, &sim.cluster, node);
    }
}

/// Reserve and Permit for the assumed pod, then PreBind and Bind unless it waits at
/// Permit. Ok(Some(PreBind ms)) to bind, Ok(None) when it waits, Err after Unreserve.
pub(super) fn run_binding_cycle(
    sim: &mut Simulation,
    profile_ix: usize,
    p: PodId,
    node: NodeIdx,
) -> Result<Option<u64>, String> {
    let profile = &sim.scheduler.profiles[profile_ix];
    let pod = &sim.cluster.pods()[p.ix()];
    let c = &sim.cluster;
    for (i, r) in profile.reserves.iter().enumerate() {
        let st = r
            .as_reserve()
            .expect("reserve plugin")
            .reserve(pod, c, node);
        if !st.is_success() {
            for r in profile.reserves[..=i].iter().rev() {
                r.as_reserve()
                    .expect("reserve plugin")
                    .unreserve(pod, c, node);
            }
            return Err(format!("{}: {}", r.name(), st.reasons.join(", ")));
        }
    }
    let now = sim.engine.now().as_millis();
    let mut pending = Vec::new();
    for pm in &profile.permits {
        let (st, timeout) = pm.as_permit().expect("permit plugin").permit(pod, c, node);
        match st.code {
            Code::Success => {}
            Code::Wait => {
                let wait = timeout.min(MAX_PERMIT_TIMEOUT_MS);
                pending.push((pm.name(), now + wait, wait));
            }
            _ => {
                let message = format!("{}: {}", pm.name(), st.reasons.join(", "));
                unreserve_all(sim, profile_ix, p, node);
                return Err(message);
            }
        }
    }
    // Plugins may now allow pods that wait at Permit (e.g. the last member of a gang).
    let waiting: Vec<PodId> = sim.scheduler.waiting.keys().copied().collect();
    let mut allowed: Vec<(&'static str, PodId)> = Vec::new();
    if !waiting.is_empty() {
        for pm in &profile.permits {
            let plugin = pm.as_permit().expect("permit plugin");
            for w in plugin.allow_waiting(pod, c, &waiting) {
                allowed.push((pm.name(), w));
            }
        }
    }
    let wait_now = !pending.is_empty();
    if wait_now {
        sim.scheduler.waits += 1;
        let wait = sim.scheduler.waits;
        let first = pending.iter().map(|x| x.1).min().expect("non-empty");
        sim.scheduler.waiting.insert(
            p,
            WaitingPod {
                node,
                profile_ix,
                pending,
                wait,
            },
        );
        sim.engine
            .schedule_in(first - now, Event::PermitTimeout { pod: p, wait });
    }
    for (plugin, w) in allowed {
        allow_waiting_pod(sim, w, plugin);
    }
    if wait_now {
        return Ok(None);
    }
    pre_bind_and_bind(sim, profile_ix, p, node).map(Some)
}

/// PreBind and Bind; returns the PreBind time, or Err after Unreserve.
pub(super) fn pre_bind_and_bind(
    sim: &Simulation,
    profile_ix: usize,
    p: PodId,
    node: NodeIdx,
) -> Result<u64, String> {
    let profile = &sim.scheduler.profiles[profile_ix];
    let pod = &sim.cluster.pods()[p.ix()];
    let c = &sim.cluster;
    let mut extra_ms = 0;
    for pb in &profile.pre_binds {
        match pb
            .as_pre_bind()
            .expect("preBind plugin")
            .pre_bind(pod, c, node)
        {
            Ok(ms) => extra_ms += ms,
            Err(st) => {
                unreserve_all(sim, profile_ix, p, node);
                return Err(format!("{}: {}", pb.name(), st.reasons.join(", ")));
            }
        }
    }
    for b in &profile.binders {
        let st = b.as_bind().expect("bind plugin").bind(pod, c, node);
        match st.code {
            Code::Skip => continue,
            Code::Success => {
                for pb in &profile.post_binds {
                    pb.as_post_bind()
                        .expect("postBind plugin")
                        .post_bind(pod, c, node);
                }
                return Ok(extra_ms);
            }
            _ => {
                unreserve_all(sim, profile_ix, p, node);
                return Err(format!("{}: {}", b.name(), st.reasons.join(", ")));
            }
        }
    }
    unreserve_all(sim, profile_ix, p, node);
    Err("no bind plugin bound the pod".to_string())
}

/// Plugin `plugin` allows waiting pod `w` (kube's `WaitingPod.Allow`): once no plugin is
/// left pending, its binding cycle goes on.
pub(super) fn allow_waiting_pod(sim: &mut Simulation, w: PodId, plugin: &str) {
    let Some(wp) = sim.scheduler.waiting.get_mut(&w) else {
        return;
    };
    wp.pending.retain(|(name, _, _)| *name != plugin);
    if !wp.pending.is_empty() {
        return;
    }
    let wp = sim.scheduler.waiting.remove(&w).expect("present");
    if sim.cluster.pods()[w.ix()].deleting {
        return;
    }
    match pre_bind_and_bind(sim, wp.profile_ix, w, wp.node) {
        Ok(extra_ms) => schedule_bind(sim, w, wp.node, extra_ms),
        Err(message) => release_rejected(sim, w, message),
    }
}

/// A pod rejected after it was assumed: forget it, let parked pods retry on the space it
/// held, and park it with `message`.
pub(super) fn release_rejected(sim: &mut Simulation, p: PodId, message: String) {
    sim.cluster.unassume(p);
    cluster_changed(sim);
    park(sim, p, message);
    ensure_cycle(sim);
}

/// Rejects waiting pod `p` (after Unreserve) with `message` (kube's `WaitingPod.Reject`).
pub(super) fn reject_waiting_pod(sim: &mut Simulation, p: PodId, message: String) {
    let Some(wp) = sim.scheduler.waiting.remove(&p) else {
        return;
    };
    if sim.cluster.pods()[p.ix()].deleting {
        return;
    }
    unreserve_all(sim, wp.profile_ix, p, wp.node);
    release_rejected(sim, p, message);
}

/// Go's `time.Duration` spelling of `ms` milliseconds ("500ms", "10s", "1m30s", "1.5s").
pub(super) fn go_duration(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (h, m) = (ms / 3_600_000, ms / 60_000 % 60);
    let (sec, frac) = (ms / 1000 % 60, ms % 1000);
    let secs = if frac == 0 {
        format!("{sec}s")
    } else {
        format!("{sec}.{}s", format!("{frac:03}").trim_end_matches('0'))
    };
    match (h, m) {
        (0, 0) => secs,
        (0, _) => format!("{m}m{secs}"),
        _ => format!("{h}h{m}m{secs}"),
    }
}

/// A PermitTimeout fired: reject the pod if a pending plugin's wait ran out, else look
/// again at the next deadline.
pub fn permit_timeout(sim: &mut Simulation, p: PodId, wait: u32) {
    let now = sim.engine.now().as_millis();
    let Some(wp) = sim.scheduler.waiting.get(&p) else {
        return;
    };
    if wp.wait != wait {
        return;
    }
    if sim.cluster.pods()[p.ix()].deleting {
        sim.scheduler.waiting.remove(&p);
        return;
    }
    match wp.pending.iter().filter(|x| x.1 <= now).min_by_key(|x| x.1) {
        Some(&(plugin, _, waited)) => {
            let message = format!(
                "rejected due to timeout after waiting {} at plugin {plugin}",
                go_duration(waited)
            );
            reject_waiting_pod(sim, p, message);
        }
        None => {
            let next = wp.pending.iter().map(|x| x.1).min().expect("pending");
            sim.engine
                .schedule_in(next - now, Event::PermitTimeout { pod: p, wait });
        }
    }
}
