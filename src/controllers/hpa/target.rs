//! The HPA's scale target: finding the workload an HPA names, reading its scale
//! subresource (spec and status replicas, the pods it selects) and writing it back as
//! `kubectl scale` does.

use super::calculator::{PodView, Sample};
use crate::cluster::{PodId, PodPhase};
use crate::controllers::{deployment, statefulset, ControllerContext, ControllerRef};
use crate::model::autoscaling::{MetricResource, ScaleTargetRef, TargetKind};
use crate::model::resources::{CPU, MEMORY};

/// A found scale target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A Deployment by index.
    Deployment(u32),
    /// A StatefulSet by index.
    StatefulSet(u32),
    /// A ReplicaSet by index.
    ReplicaSet(u32),
}

/// The live workload `namespace/name` of the target's kind, or kube's not-found message
/// (`deployments.apps "web" not found`).
pub fn find(
    ctx: &impl ControllerContext,
    namespace: &str,
    target: &ScaleTargetRef,
) -> Result<Target, String> {
    let w = ctx.workloads();
    let name = target.name.as_str();
    let found = match target.kind {
        TargetKind::Deployment => live(
            &w.deployments,
            |d| (d.deleted, &d.spec.meta.namespace, &d.spec.meta.name),
            namespace,
            name,
        )
        .map(Target::Deployment),
        TargetKind::StatefulSet => live(
            &w.statefulsets,
            |s| (s.deleted, &s.spec.meta.namespace, &s.spec.meta.name),
            namespace,
            name,
        )
        .map(Target::StatefulSet),
        TargetKind::ReplicaSet => live(
            &w.replicasets,
            |r| (r.deleted, &r.namespace, &r.name),
            namespace,
            name,
        )
        .map(Target::ReplicaSet),
    };
    found.ok_or_else(|| {
        let resource = match target.kind {
            TargetKind::Deployment => "deployments.apps",
            TargetKind::StatefulSet => "statefulsets.apps",
            TargetKind::ReplicaSet => "replicasets.apps",
        };
        format!("{resource} {name:?} not found")
    })
}

/// The index of the live (not deleted) item named `namespace/name`; `key` gives an
/// item's (deleted, namespace, name).
fn live<T>(
    items: &[T],
    key: impl Fn(&T) -> (bool, &String, &String),
    namespace: &str,
    name: &str,
) -> Option<u32> {
    items
        .iter()
        .position(|item| {
            let (deleted, ns, n) = key(item);
            !deleted && ns == namespace && n == name
        })
        .map(|i| i as u32)
}

/// The target's spec.replicas.
pub fn spec_replicas(ctx: &impl ControllerContext, t: Target) -> i32 {
    let w = ctx.workloads();
    match t {
        Target::Deployment(i) => w.deployments[i as usize].spec.replicas,
        Target::StatefulSet(i) => w.statefulsets[i as usize].spec.replicas,
        Target::ReplicaSet(i) => w.replicasets[i as usize].replicas,
    }
}

/// The pods the target's selector matches: those its controllers created that still
/// exist in the API.
pub fn pods(ctx: &impl ControllerContext, t: Target) -> Vec<PodId> {
    let w = ctx.workloads();
    let mut pods: Vec<PodId> = match t {
        Target::Deployment(i) => w.deployments[i as usize]
            .replicasets
            .iter()
            .flat_map(|r| w.replicasets[*r as usize].pods.iter().copied())
            .collect(),
        Target::StatefulSet(i) => w.statefulsets[i as usize].pods.values().copied().collect(),
        Target::ReplicaSet(i) => w.replicasets[i as usize].pods.clone(),
    };
    pods.retain(|p| !ctx.cluster().pods()[p.ix()].gone);
    pods.sort();
    pods
}

/// The target's status.replicas: its active pods.
pub fn status_replicas(ctx: &impl ControllerContext, pods: &[PodId]) -> i32 {
    pods.iter()
        .filter(|p| ctx.cluster().pods()[p.ix()].is_active())
        .count() as i32
}

/// Sets the target's spec.replicas, as `kubectl scale` does.
pub fn scale(ctx: &mut impl ControllerContext, t: Target, replicas: i32) {
    match t {
        Target::Deployment(i) => deployment::set_replicas(ctx, i, replicas),
        Target::StatefulSet(i) => statefulset::scale(ctx, i, replicas),
        Target::ReplicaSet(i) => {
            ctx.workloads_mut().replicasets[i as usize].replicas = replicas;
            ctx.request_sync(ControllerRef::ReplicaSet(i));
        }
    }
}

/// What the replica calculator needs of pod `p` for `resource`. The Ready condition's
/// last transition is the time it became ready; for a pod that is not ready it is its
/// start when it never was ready, else now (the sim does not keep the time readiness
/// was lost: such a pod counts as having lost it just now).
pub fn pod_view(ctx: &impl ControllerContext, p: PodId, resource: MetricResource) -> PodView {
    let pod = &ctx.cluster().pods()[p.ix()];
    let start = pod.times.scheduled;
    let ready_transition = match (pod.ready, pod.times.ready) {
        (true, Some(t)) => t,
        (false, Some(_)) => ctx.now(),
        (_, None) => start.unwrap_or(pod.times.created),
    };
    let slot = match resource {
        MetricResource::Cpu => CPU,
        MetricResource::Memory => MEMORY,
    };
    let spec = &pod.spec;
    let counted = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().filter(|c| c.sidecar));
    let mut request_milli = Ok(0);
    for c in counted {
        if !c.requested[slot.0 as usize] {
            request_milli = Err(format!("{} of Pod {}", c.name, pod.name));
            break;
        }
        if let Ok(sum) = &mut request_milli {
            *sum += milli(resource, c.requests.0[slot.0 as usize]);
        }
    }
    let sample = ctx.pod_metrics(p).map(|m| Sample {
        value_milli: match resource {
            MetricResource::Cpu => m.cpu_millis,
            MetricResource::Memory => milli(resource, m.memory_bytes),
        },
        timestamp: m.timestamp,
        window_ms: m.window_ms,
    });
    PodView {
        deleting: pod.deleting,
        failed: pod.phase == PodPhase::Failed,
        pending: pod.phase == PodPhase::Pending,
        ready: pod.ready,
        start,
        ready_transition,
        request_milli,
        sample,
    }
}

/// A resource amount in kube's milli-units (cpu is kept in millicores already).
pub fn milli(resource: MetricResource, amount: i64) -> i64 {
    match resource {
        MetricResource::Cpu => amount,
        MetricResource::Memory => amount.saturating_mul(1000),
    }
}
