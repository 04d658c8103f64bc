//! Retiring a deleted Job's pods: once the Job is deleted its controller counts nothing,
//! so each of its pods that is gone from the API leaves the pod table as a record
//! (`sim/retire.rs`); the Job keeps how many it made and their earliest start for jobs.csv.

use super::ControllerContext;

/// A deleted Job counts nothing any more: its pods that are gone from the API retire,
/// newest first (a label class's representative, its oldest pod, goes last).
pub(super) fn retire_gone_pods(ctx: &mut impl ControllerContext, j: u32) {
    let pods = std::mem::take(&mut ctx.workloads_mut().jobs[j as usize].pods);
    let mut kept = Vec::new();
    let mut first_start = ctx.workloads().jobs[j as usize].retired_first_start;
    for &p in pods.iter().rev() {
        let pod = &ctx.cluster().pods()[p.ix()];
        let started = pod.times.started;
        if pod.gone && ctx.retire_pod(p) {
            first_start = first_start.into_iter().chain(started).min();
        } else {
            kept.push(p);
        }
    }
    kept.reverse();
    let st = &mut ctx.workloads_mut().jobs[j as usize];
    st.keep_pods(kept);
    st.retired_first_start = first_start;
}
