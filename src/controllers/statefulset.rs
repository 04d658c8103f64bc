//! StatefulSet controller: pods `<sts>-<ordinal>` with stable names, OrderedReady (create
//! ordinal N+1 only when N is Running and Ready; scale down from the highest ordinal, one
//! at a time) or Parallel, and one PVC per volumeClaimTemplate per ordinal
//! (pkg/controller/statefulset/stateful_set_control.go).

use crate::cluster::{Owner, Pod, PodId};
use crate::model::workload::{PodManagementPolicy, StatefulSet};
use crate::sim::event::ControllerRef;
use crate::sim::Simulation;
use std::collections::BTreeMap;

/// A StatefulSet's state.
#[derive(Debug, Clone)]
pub struct StatefulSetState {
    /// The spec.
    pub spec: StatefulSet,
    /// The current pod of each ordinal.
    pub pods: BTreeMap<i32, PodId>,
    /// Claims created, `<template>-<sts>-<ordinal>`, in creation order.
    pub claims: Vec<String>,
    /// Deleted.
    pub deleted: bool,
}

/// Adds a StatefulSet and returns its index.
pub fn add(sim: &mut Simulation, spec: StatefulSet) -> u32 {
    let idx = sim.workloads.statefulsets.len() as u32;
    sim.workloads.statefulsets.push(StatefulSetState {
        spec,
        pods: BTreeMap::new(),
        claims: Vec::new(),
        deleted: false,
    });
    sim.request_sync(ControllerRef::StatefulSet(idx));
    idx
}

/// The name of the claim for `template` of `sts` at `ordinal`.
pub fn claim_name(template: &str, sts: &str, ordinal: i32) -> String {
    format!("{template}-{sts}-{ordinal}")
}

/// Reconciles StatefulSet `s`.
pub fn sync(sim: &mut Simulation, s: u32) {
    let st = &sim.workloads.statefulsets[s as usize];
    let start = st.spec.ordinals_start;
    let replicas = if st.deleted { 0 } else { st.spec.replicas };
    let ordered = st.spec.pod_management == PodManagementPolicy::OrderedReady;
    let live = |sim: &Simulation, ord: i32| -> Option<PodId> {
        let st = &sim.workloads.statefulsets[s as usize];
        st.pods.get(&ord).copied().filter(|p| {
            let pod = &sim.cluster.pods[p.ix()];
            !pod.phase.is_terminal() && !pod.released
        })
    };

    // Create or wait, in ordinal order.
    for ord in start..start + replicas {
        match live(sim, ord) {
            Some(p) => {
                let pod = &sim.cluster.pods[p.ix()];
                if ordered && !(pod.ready && pod.is_active()) {
                    return;
                }
            }
            None => {
                create_pod(sim, s, ord);
                if ordered {
                    return;
                }
            }
        }
    }

    // Condemned ordinals, highest first.
    let condemned: Vec<i32> = sim.workloads.statefulsets[s as usize]
        .pods
        .keys()
        .copied()
        .filter(|o| *o < start || *o >= start + replicas)
        .rev()
        .collect();
    for ord in condemned {
        let Some(p) = live(sim, ord) else {
            continue;
        };
        if !sim.cluster.pods[p.ix()].deleting {
            sim.delete_pod(p, "SuccessfulDelete");
        }
        if ordered {
            return;
        }
    }
}

fn create_pod(sim: &mut Simulation, s: u32, ord: i32) {
    let st = &sim.workloads.statefulsets[s as usize];
    let name = format!("{}-{ord}", st.spec.meta.name);
    let namespace = st.spec.meta.namespace.clone();
    let sts_name = st.spec.meta.name.clone();
    let templates: Vec<String> = st
        .spec
        .volume_claim_templates
        .iter()
        .map(|t| t.meta.name.clone())
        .collect();
    for t in templates {
        let claim = claim_name(&t, &sts_name, ord);
        let st = &mut sim.workloads.statefulsets[s as usize];
        if !st.claims.contains(&claim) {
            st.claims.push(claim.clone());
            sim.record_event(
                "StatefulSet",
                &sts_name,
                "Normal",
                "SuccessfulCreate",
                format!("create Claim {claim} Pod {name} in StatefulSet {sts_name} success"),
            );
        }
    }
    let st = &sim.workloads.statefulsets[s as usize];
    // The previous pod of this ordinal, if any, gives up its name.
    if let Some(old) = st.pods.get(&ord).copied() {
        sim.cluster.forget_name(old);
    }
    let st = &sim.workloads.statefulsets[s as usize];
    let mut labels = st.spec.template.labels.clone();
    labels.insert(
        "statefulset.kubernetes.io/pod-name".to_string(),
        name.clone(),
    );
    labels.insert("apps.kubernetes.io/pod-index".to_string(), ord.to_string());
    let mut pod = Pod::new(
        name,
        namespace,
        labels,
        Owner::StatefulSet(s),
        st.spec.template.spec.clone(),
        sim.engine.now(),
    );
    pod.index = Some(ord);
    pod.workload = sts_name.clone();
    pod.revision = st.spec.template.hash.clone();
    let id = sim.create_pod(pod, "StatefulSet", &sts_name);
    sim.workloads.statefulsets[s as usize].pods.insert(ord, id);
}

/// `kubectl scale statefulset NAME --replicas=N`.
pub fn scale(sim: &mut Simulation, s: u32, replicas: i32) {
    sim.workloads.statefulsets[s as usize].spec.replicas = replicas;
    sim.request_sync(ControllerRef::StatefulSet(s));
}
