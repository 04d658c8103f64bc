//! Converters for cluster objects: Nodes, storage (PersistentVolume, PersistentVolumeClaim,
//! StorageClass), PriorityClass, Service and PodDisruptionBudget.

use crate::input::manifest::convert::{self as cv, Ctx};
use crate::input::manifest::raw;
use crate::model::node::NodeSpec;
use crate::model::resources::{CPU, MEMORY, PODS};
use crate::model::workload::*;

/// A PVC (standalone or a volumeClaimTemplate).
pub fn pvc(ctx: &mut Ctx, r: &raw::PersistentVolumeClaim, field: &str) -> PersistentVolumeClaim {
    let meta = cv::meta(ctx, &r.metadata, "PersistentVolumeClaim");
    let storage_bytes = r
        .spec
        .resources
        .requests
        .get("storage")
        .and_then(|q| cv::quantity(ctx, q, &format!("{field}spec.resources.requests.storage")))
        .map(|q| q.value())
        .unwrap_or(0);
    PersistentVolumeClaim {
        meta,
        storage_class: r.spec.storage_class_name.clone(),
        access_modes: r.spec.access_modes.clone(),
        storage_bytes,
        volume_name: r.spec.volume_name.clone(),
    }
}
/// A PersistentVolume.
pub fn persistent_volume(ctx: &mut Ctx, r: &raw::PersistentVolume) -> PersistentVolume {
    let meta = cv::meta(ctx, &r.metadata, "PersistentVolume");
    let storage_bytes = r
        .spec
        .capacity
        .get("storage")
        .and_then(|q| cv::quantity(ctx, q, "spec.capacity.storage"))
        .map(|q| q.value())
        .unwrap_or(0);
    let node_affinity = r
        .spec
        .node_affinity
        .as_ref()
        .and_then(|a| a.required.as_ref())
        .map(|s| {
            s.node_selector_terms
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    cv::node_selector_term(
                        ctx,
                        t,
                        &format!("spec.nodeAffinity.required.nodeSelectorTerms[{i}]"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    PersistentVolume {
        meta,
        storage_bytes,
        storage_class: r.spec.storage_class_name.clone(),
        access_modes: r.spec.access_modes.clone(),
        node_affinity,
    }
}

/// A StorageClass.
pub fn storage_class(ctx: &mut Ctx, r: &raw::StorageClass) -> StorageClass {
    let meta = cv::meta(ctx, &r.metadata, "StorageClass");
    let binding_mode = r
        .volume_binding_mode
        .as_ref()
        .and_then(|m| {
            cv::enum_value(
                ctx,
                m,
                "volumeBindingMode",
                &[
                    ("Immediate", VolumeBindingMode::Immediate),
                    (
                        "WaitForFirstConsumer",
                        VolumeBindingMode::WaitForFirstConsumer,
                    ),
                ],
            )
        })
        .unwrap_or(VolumeBindingMode::Immediate);
    let is_default = meta
        .annotations
        .get("storageclass.kubernetes.io/is-default-class")
        .is_some_and(|v| v == "true");
    StorageClass {
        meta,
        provisioner: r.provisioner.clone(),
        binding_mode,
        is_default,
        allowed_topologies: r
            .allowed_topologies
            .iter()
            .map(|t| crate::model::labels::NodeSelectorTerm {
                match_expressions: t
                    .match_label_expressions
                    .iter()
                    .map(|e| crate::model::labels::Requirement {
                        key: e.key.clone(),
                        op: crate::model::labels::SelectorOp::In,
                        values: e.values.clone(),
                    })
                    .collect(),
                match_fields: vec![],
            })
            .collect(),
    }
}

/// A PriorityClass.
pub fn priority_class(ctx: &mut Ctx, r: &raw::PriorityClass) -> PriorityClass {
    let meta = cv::meta(ctx, &r.metadata, "PriorityClass");
    let value = match &r.value {
        Some(v) if v.value.abs() <= 1_000_000_000 => v.value as i32,
        Some(v) => {
            let line = ctx.line_of(v);
            ctx.error(
                line,
                "value",
                format!("expected an integer in -1000000000..=1000000000 for a user PriorityClass, found {}", v.value),
            );
            0
        }
        None => {
            ctx.error(ctx.doc_line, "value", "a PriorityClass needs a value");
            0
        }
    };
    PriorityClass {
        name: meta.name,
        value,
        global_default: r.global_default,
        preempts: r.preemption_policy.as_deref() != Some("Never"),
    }
}

/// A Node manifest.
pub fn node(ctx: &mut Ctx, r: &raw::Node) -> NodeSpec {
    let meta = cv::meta(ctx, &r.metadata, "Node");
    let source = if r.status.allocatable.is_empty() {
        &r.status.capacity
    } else {
        &r.status.allocatable
    };
    let (mut allocatable, present) = cv::resource_list(ctx, source, "status.allocatable");
    if !present[CPU.0 as usize] || !present[MEMORY.0 as usize] {
        ctx.error(
            ctx.doc_line,
            "status.allocatable",
            "a Node needs allocatable (or capacity) cpu and memory",
        );
    }
    if !present[PODS.0 as usize] {
        allocatable.set(PODS, 110);
    }
    let mut labels = meta.labels.clone();
    labels
        .entry("kubernetes.io/hostname".to_string())
        .or_insert_with(|| meta.name.clone());
    NodeSpec {
        name: meta.name,
        allocatable,
        labels,
        taints: cv::taints(ctx, &r.spec.taints, "spec.taints"),
        unschedulable: r.spec.unschedulable,
        images: vec![],
        group: None,
    }
}

/// A Service (its selector).
pub fn service(ctx: &mut Ctx, r: &raw::Service) -> Service {
    Service {
        meta: cv::meta(ctx, &r.metadata, "Service"),
        selector: r.spec.selector.clone(),
    }
}

/// A policy/v1 PodDisruptionBudget.
pub fn pdb(ctx: &mut Ctx, r: &raw::PodDisruptionBudget) -> PodDisruptionBudget {
    let meta = cv::meta(ctx, &r.metadata, "PodDisruptionBudget");
    let min_available = r
        .spec
        .min_available
        .as_ref()
        .map(|v| cv::int_or_percent(ctx, v, "spec.minAvailable"));
    let max_unavailable = r
        .spec
        .max_unavailable
        .as_ref()
        .map(|v| cv::int_or_percent(ctx, v, "spec.maxUnavailable"));
    if min_available.is_some() && max_unavailable.is_some() {
        ctx.error(
            ctx.doc_line,
            "spec",
            "minAvailable and maxUnavailable cannot be both set",
        );
    }
    let selector = match &r.spec.selector {
        Some(s) => cv::label_selector(ctx, s, "spec.selector"),
        None => crate::model::labels::LabelSelector::default(),
    };
    PodDisruptionBudget {
        meta,
        min_available,
        max_unavailable,
        selector,
    }
}
