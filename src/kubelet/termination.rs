//! How long a pod's containers take to exit after the kubelet sends SIGTERM: the runtime
//! model's `termination` time of the pod's workload (or `default_termination`), cut short
//! by SIGKILL when the grace period ends (kuberuntime_container.go killContainer).

use super::KubeletContext;
use crate::cluster::{PodId, PodPhase};

/// Milliseconds from the kubelet's SIGTERM until pod `p` has no running container, when
/// the DELETE carried a grace period of `grace_ms`. A pod whose containers never started
/// (still pulling or starting) has nothing to stop.
pub fn exit_ms(ctx: &mut impl KubeletContext, p: PodId, grace_ms: u64) -> u64 {
    let pod = &ctx.cluster().pods()[p.ix()];
    if pod.phase != PodPhase::Running {
        return 0;
    }
    let runtime = ctx.runtime();
    let d = runtime
        .terminations
        .get(&pod.workload)
        .or_else(|| runtime.terminations.get(&pod.name))
        .unwrap_or(&runtime.default_termination)
        .clone();
    let rng = ctx
        .kubelets()
        .termination_rng
        .as_mut()
        .expect("kubelets are initialised");
    super::sample(&d, rng).min(grace_ms)
}
