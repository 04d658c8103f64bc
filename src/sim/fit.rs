//! How many more copies of a pod fit the simulated cluster at its current moment, as
//! cluster-capacity answers it for a live cluster: place copies one at a time with the
//! scheduler profile's own filters and scores, each bound before the next is tried, until
//! one does not fit; report where they went and kube's FitError for the first that did not.

use super::Simulation;
use crate::cluster::{NodeIdx, Owner, Pod};
use crate::model::workload::PodTemplate;

/// The answer of [`fit_copies`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FitReport {
    /// Copies placed.
    pub placed: u32,
    /// Copies placed per node, in node-table order (nodes with none included).
    pub per_node: Vec<(NodeIdx, u32)>,
    /// Why the next copy does not fit, in kube-scheduler's FitError words
    /// (`0/3 nodes are available: 3 Insufficient cpu.`); `None` when `max` was reached.
    pub reason: Option<String>,
}

/// Error of [`fit_copies`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FitError {
    /// No profile of the scheduler serves the pod's schedulerName.
    #[error("no scheduler profile serves schedulerName {0:?}")]
    NoProfile(String),
    /// A PreEnqueue plugin keeps the pod out of the queue (e.g. scheduling gates).
    #[error("the pod never reaches the scheduling queue: PreEnqueue plugin {plugin}: {reason}")]
    Gated {
        /// The plugin.
        plugin: &'static str,
        /// Its reasons.
        reason: String,
    },
}

/// Places up to `max` copies of `template` (named `<name>-fit-<n>` in `namespace`) on the
/// cluster as it stands now and returns how many fit. The simulation's clock does not
/// move and no event runs: the copies are assumed and bound at once, as cluster-capacity
/// binds each simulated pod before scheduling the next. Preemption (PostFilter) is not
/// tried: copies never evict running pods.
pub fn fit_copies(
    sim: &mut Simulation,
    name: &str,
    namespace: &str,
    template: &PodTemplate,
    max: u32,
) -> Result<FitReport, FitError> {
    let scheduler_name = template.spec.scheduler_name.clone();
    let profile_ix = sim
        .scheduler
        .profiles
        .iter()
        .position(|p| p.scheduler_name == scheduler_name)
        .ok_or(FitError::NoProfile(scheduler_name))?;
    let now = sim.now();
    let mut per_node = vec![0u32; sim.cluster.nodes().len()];
    let mut placed = 0;
    let mut reason = None;
    while placed < max {
        let mut pod = Pod::new(
            format!("{name}-fit-{}", placed + 1),
            namespace.to_string(),
            template.labels.clone(),
            Owner::None,
            template.spec.clone(),
            now,
        );
        pod.workload = name.to_string();
        let s = &mut sim.scheduler;
        let profile = &s.profiles[profile_ix];
        if let Err((plugin, status)) = profile.pre_enqueue(&pod) {
            let reason = status.reasons.join(", ");
            return Err(FitError::Gated { plugin, reason });
        }
        let result = profile.schedule(
            &pod,
            &sim.cluster,
            &mut s.rng,
            &mut s.scratch,
            &mut s.next_start,
        );
        match result {
            Ok(node) => {
                let p = sim.cluster.add_pod(pod);
                sim.cluster.bind(p, node, now);
                per_node[node.ix()] += 1;
                placed += 1;
            }
            Err(fit) => {
                reason = Some(fit.message());
                break;
            }
        }
    }
    let per_node = sim
        .cluster
        .nodes()
        .indices()
        .map(|n| (n, per_node[n.ix()]))
        .collect();
    Ok(FitReport {
        placed,
        per_node,
        reason,
    })
}
