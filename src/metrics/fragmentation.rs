//! Fragmentation: free capacity that no pending pod's request shape can use.
//!
//! At an instant, let S be the set of request vectors (all resources: cpu, memory,
//! ephemeral storage, the `pods` slot, extended resources) of the pods waiting in the
//! scheduling queue. A schedulable node (present, Ready, not cordoned) is *fragmented* when
//! no shape of S fits in its free capacity (allocatable − requested, per resource). The
//! fragmented amount of resource r is the free r summed over fragmented nodes; the ratio
//! divides it by the cluster's allocatable r. With no pod waiting, nothing is fragmented.
//! Only resource fit is considered (NodeResourcesFit), not taints, affinity or ports.

use crate::cluster::Cluster;
use crate::model::resources::{Resources, CPU, MEMORY};

/// Keeps the shapes no other shape is at most in every resource: if a smaller shape does
/// not fit, no larger one does, so only the minimal ones need checking.
pub fn minimal_shapes(shapes: impl IntoIterator<Item = Resources>) -> Vec<Resources> {
    let mut all: Vec<Resources> = shapes.into_iter().collect();
    all.sort_by_key(|r| r.0);
    all.dedup();
    let mut out: Vec<Resources> = Vec::new();
    for s in all {
        if !out.iter().any(|m| m.fits_in(&s)) {
            out.retain(|m| !s.fits_in(m));
            out.push(s);
        }
    }
    out
}

/// Fragmented cpu and memory as ratios of the cluster's allocatable cpu and memory, for
/// pending pods of the given request `shapes`.
pub fn fragmentation_ratios(cluster: &Cluster, shapes: &[Resources]) -> (f64, f64) {
    if shapes.is_empty() {
        return (0.0, 0.0);
    }
    let nodes = &cluster.nodes();
    let (mut cpu, mut memory) = (0i64, 0i64);
    for n in nodes.indices() {
        let i = n.ix();
        if !nodes.present()[i] || !nodes.ready()[i] || nodes.unschedulable()[i] {
            continue;
        }
        let free = nodes.free(n);
        if !shapes.iter().any(|s| s.fits_in(&free)) {
            cpu += free.get(CPU).max(0);
            memory += free.get(MEMORY).max(0);
        }
    }
    (
        super::ratio(cpu, cluster.allocatable_total().get(CPU)),
        super::ratio(memory, cluster.allocatable_total().get(MEMORY)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(cpu: i64, mem: i64) -> Resources {
        let mut x = Resources::default();
        x.set(CPU, cpu);
        x.set(MEMORY, mem);
        x
    }

    #[test]
    fn dominated_shapes_are_dropped() {
        let m = minimal_shapes([r(2, 2), r(1, 1), r(1, 3), r(3, 0), r(1, 1)]);
        assert_eq!(m, [r(1, 1), r(3, 0)]);
    }
}
