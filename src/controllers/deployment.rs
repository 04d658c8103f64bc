//! Deployment controller: one ReplicaSet per pod template (`<deployment>-<pod-template-hash>`),
//! RollingUpdate (maxSurge/maxUnavailable) and Recreate, revisions, rollback, scaling
//! (pkg/controller/deployment: rolling.go, recreate.go, sync.go).

use super::replicaset::{self, ReplicaSetState};
use crate::model::workload::{Deployment, DeploymentStrategy, PodTemplate};
use crate::sim::event::ControllerRef;
use crate::sim::Simulation;

/// A Deployment's state.
#[derive(Debug, Clone)]
pub struct DeploymentState {
    /// The spec (template and replicas change with kubectl actions).
    pub spec: Deployment,
    /// Owned ReplicaSets, in creation order.
    pub replicasets: Vec<u32>,
    /// Deleted.
    pub deleted: bool,
}

/// Adds a Deployment and returns its index.
pub fn add(sim: &mut Simulation, spec: Deployment) -> u32 {
    let idx = sim.workloads.deployments.len() as u32;
    sim.workloads.deployments.push(DeploymentState {
        spec,
        replicasets: Vec::new(),
        deleted: false,
    });
    sim.request_sync(ControllerRef::Deployment(idx));
    idx
}

/// The ReplicaSet whose template is the Deployment's current one, creating it (with the
/// next revision) if absent.
fn new_replicaset(sim: &mut Simulation, d: u32) -> u32 {
    let st = &sim.workloads.deployments[d as usize];
    let hash = st.spec.template.hash.clone();
    let max_revision = st
        .replicasets
        .iter()
        .map(|r| sim.workloads.replicasets[*r as usize].revision)
        .max()
        .unwrap_or(0);
    if let Some(&rs) = st
        .replicasets
        .iter()
        .find(|r| sim.workloads.replicasets[**r as usize].template.hash == hash)
    {
        // A rollback to an old template makes that ReplicaSet the newest revision again.
        let rs_state = &mut sim.workloads.replicasets[rs as usize];
        if rs_state.revision != max_revision {
            rs_state.revision = max_revision + 1;
        }
        return rs;
    }
    let name = format!("{}-{}", st.spec.meta.name, hash);
    let state = ReplicaSetState {
        name: name.clone(),
        namespace: st.spec.meta.namespace.clone(),
        replicas: 0,
        template: st.spec.template.clone(),
        min_ready_seconds: st.spec.min_ready_seconds,
        deployment: Some(d),
        revision: max_revision + 1,
        pods: Vec::new(),
        deleted: false,
        created: sim.engine.now(),
        workload: st.spec.meta.name.clone(),
    };
    let dep_name = st.spec.meta.name.clone();
    let rs = replicaset::add(sim, state);
    sim.workloads.deployments[d as usize].replicasets.push(rs);
    sim.record_event(
        "Deployment",
        &dep_name,
        "Normal",
        "ScalingReplicaSet",
        format!("Created new replica set {name:?}"),
    );
    rs
}

fn scale_rs(sim: &mut Simulation, d: u32, rs: u32, replicas: i32) {
    let st = &mut sim.workloads.replicasets[rs as usize];
    if st.replicas == replicas {
        return;
    }
    let verb = if replicas > st.replicas { "up" } else { "down" };
    let msg = format!(
        "Scaled {verb} replica set {} from {} to {replicas}",
        st.name, st.replicas
    );
    st.replicas = replicas;
    let dep = sim.workloads.deployments[d as usize].spec.meta.name.clone();
    sim.record_event("Deployment", &dep, "Normal", "ScalingReplicaSet", msg);
    sim.request_sync(ControllerRef::ReplicaSet(rs));
}

/// Reconciles Deployment `d`.
pub fn sync(sim: &mut Simulation, d: u32) {
    if sim.workloads.deployments[d as usize].deleted {
        let rss = sim.workloads.deployments[d as usize].replicasets.clone();
        for rs in rss {
            sim.workloads.replicasets[rs as usize].deleted = true;
            sim.request_sync(ControllerRef::ReplicaSet(rs));
        }
        return;
    }
    if sim.workloads.deployments[d as usize].spec.paused {
        return;
    }
    let new_rs = new_replicaset(sim, d);
    let st = &sim.workloads.deployments[d as usize];
    let desired = st.spec.replicas;
    let old: Vec<u32> = st
        .replicasets
        .iter()
        .copied()
        .filter(|r| *r != new_rs)
        .collect();
    let strategy = st.spec.strategy.clone();
    let old_replicas: i32 = old
        .iter()
        .map(|r| sim.workloads.replicasets[*r as usize].replicas)
        .sum();

    // Steady state: only the new ReplicaSet has replicas, so scaling is direct.
    if old_replicas == 0 {
        scale_rs(sim, d, new_rs, desired);
        cleanup_history(sim, d, new_rs);
        return;
    }
    match strategy {
        DeploymentStrategy::Recreate => {
            for r in &old {
                scale_rs(sim, d, *r, 0);
            }
            let old_active: i32 = old.iter().map(|r| replicaset::counts(sim, *r).active).sum();
            if old_active == 0 {
                scale_rs(sim, d, new_rs, desired);
            }
        }
        DeploymentStrategy::RollingUpdate {
            max_surge,
            max_unavailable,
        } => {
            let mut surge = max_surge.resolve(desired, true);
            let mut unavailable = max_unavailable.resolve(desired, false);
            // deploymentutil.ResolveFenceposts: both zero means one may be unavailable.
            if surge == 0 && unavailable == 0 {
                unavailable = 1;
            }
            surge = surge.max(0);
            reconcile_new(sim, d, new_rs, &old, desired, surge);
            reconcile_old(sim, d, new_rs, &old, desired, unavailable);
        }
    }
    cleanup_history(sim, d, new_rs);
}

fn all_replicas(sim: &Simulation, new_rs: u32, old: &[u32]) -> i32 {
    sim.workloads.replicasets[new_rs as usize].replicas
        + old
            .iter()
            .map(|r| sim.workloads.replicasets[*r as usize].replicas)
            .sum::<i32>()
}

/// rolling.go reconcileNewReplicaSet + deploymentutil.NewRSNewReplicas.
fn reconcile_new(sim: &mut Simulation, d: u32, new_rs: u32, old: &[u32], desired: i32, surge: i32) {
    let current = sim.workloads.replicasets[new_rs as usize].replicas;
    if current == desired {
        return;
    }
    if current > desired {
        scale_rs(sim, d, new_rs, desired);
        return;
    }
    let total = all_replicas(sim, new_rs, old);
    let max_total = desired + surge;
    if total >= max_total {
        return;
    }
    let scale_up = (max_total - total).min(desired - current);
    scale_rs(sim, d, new_rs, current + scale_up);
}

/// rolling.go reconcileOldReplicaSets: clean up unhealthy old replicas, then scale old
/// ReplicaSets down while keeping `desired - maxUnavailable` pods available.
fn reconcile_old(
    sim: &mut Simulation,
    d: u32,
    new_rs: u32,
    old: &[u32],
    desired: i32,
    unavailable: i32,
) {
    let old_count: i32 = old
        .iter()
        .map(|r| sim.workloads.replicasets[*r as usize].replicas)
        .sum();
    if old_count == 0 {
        return;
    }
    let all = all_replicas(sim, new_rs, old);
    let min_available = desired - unavailable;
    let new_state = replicaset::counts(sim, new_rs);
    let new_unavailable = sim.workloads.replicasets[new_rs as usize].replicas - new_state.available;
    let max_scaled_down = all - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return;
    }
    // Oldest first (creation order).
    let mut cleaned = 0;
    for &r in old {
        if cleaned >= max_scaled_down {
            break;
        }
        let replicas = sim.workloads.replicasets[r as usize].replicas;
        if replicas == 0 {
            continue;
        }
        let available = replicaset::counts(sim, r).available;
        if replicas == available {
            continue;
        }
        let down = (max_scaled_down - cleaned).min(replicas - available);
        scale_rs(sim, d, r, replicas - down);
        cleaned += down;
    }
    // scaleDownOldReplicaSetsForRollingUpdate.
    let available_total: i32 = std::iter::once(new_rs)
        .chain(old.iter().copied())
        .map(|r| replicaset::counts(sim, r).available)
        .sum();
    if available_total <= min_available {
        return;
    }
    let total_down = available_total - min_available;
    let mut done = 0;
    for &r in old {
        if done >= total_down {
            break;
        }
        let replicas = sim.workloads.replicasets[r as usize].replicas;
        if replicas == 0 {
            continue;
        }
        let down = replicas.min(total_down - done);
        scale_rs(sim, d, r, replicas - down);
        done += down;
    }
}

/// Deletes old ReplicaSets with no replicas and no pods beyond revisionHistoryLimit
/// (oldest revisions first).
fn cleanup_history(sim: &mut Simulation, d: u32, new_rs: u32) {
    let st = &sim.workloads.deployments[d as usize];
    let limit = st.spec.revision_history_limit.max(0) as usize;
    let mut old: Vec<u32> = st
        .replicasets
        .iter()
        .copied()
        .filter(|r| *r != new_rs)
        .filter(|r| {
            let rs = &sim.workloads.replicasets[*r as usize];
            rs.replicas == 0 && replicaset::counts(sim, *r).active == 0
        })
        .collect();
    if old.len() <= limit {
        return;
    }
    old.sort_by_key(|r| sim.workloads.replicasets[*r as usize].revision);
    let excess = old.len() - limit;
    for r in old.into_iter().take(excess) {
        sim.workloads.replicasets[r as usize].deleted = true;
        sim.workloads.deployments[d as usize]
            .replicasets
            .retain(|x| *x != r);
    }
}

/// `kubectl scale deployment NAME --replicas=N`.
pub fn scale(sim: &mut Simulation, d: u32, replicas: i32) {
    sim.workloads.deployments[d as usize].spec.replicas = replicas;
    sim.request_sync(ControllerRef::Deployment(d));
}

/// Sets a new pod template (e.g. `kubectl set image`), starting a rollout.
pub fn set_template(sim: &mut Simulation, d: u32, template: PodTemplate) {
    sim.workloads.deployments[d as usize].spec.template = template;
    sim.request_sync(ControllerRef::Deployment(d));
}

/// `kubectl rollout undo deployment NAME [--to-revision=N]`: copies the template of the
/// given revision (0: the one before the current) back into the Deployment.
pub fn rollback(sim: &mut Simulation, d: u32, to_revision: i64) -> Result<(), String> {
    let st = &sim.workloads.deployments[d as usize];
    let mut revisions: Vec<(i64, u32)> = st
        .replicasets
        .iter()
        .map(|r| (sim.workloads.replicasets[*r as usize].revision, *r))
        .collect();
    revisions.sort();
    let target = if to_revision == 0 {
        if revisions.len() < 2 {
            return Err("no rollout history found".to_string());
        }
        revisions[revisions.len() - 2].1
    } else {
        revisions
            .iter()
            .find(|(rev, _)| *rev == to_revision)
            .map(|(_, r)| *r)
            .ok_or_else(|| format!("unable to find specified revision {to_revision} in history"))?
    };
    let template = sim.workloads.replicasets[target as usize].template.clone();
    set_template(sim, d, template);
    Ok(())
}
