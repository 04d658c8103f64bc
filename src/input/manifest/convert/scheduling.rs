//! Selectors and placement constraints of a pod spec: label and node selectors, node and
//! pod (anti-)affinity, taints, tolerations and topology spread constraints.

use super::{enum_value, raw, Ctx};
use crate::model::labels::{
    LabelSelector, NodeSelectorTerm, Requirement, SelectorOp, Taint, TaintEffect, Toleration,
};
use crate::model::pod::{
    Affinity, NodeAffinity, PodAffinity, PodAffinityTerm, TopologySpreadConstraint,
    WhenUnsatisfiable,
};
use serde_saphyr::Spanned;

fn requirement(ctx: &mut Ctx, r: &raw::Requirement, field: &str, node: bool) -> Requirement {
    let Some(operator) = &r.operator else {
        ctx.error(
            ctx.doc_line,
            &format!("{field}.operator"),
            "a requirement needs an operator",
        );
        return Requirement {
            key: r.key.clone(),
            op: SelectorOp::In,
            values: r.values.clone(),
        };
    };
    // Gt and Lt are node selector operators only.
    let ops: &[(&str, SelectorOp)] = &[
        ("In", SelectorOp::In),
        ("NotIn", SelectorOp::NotIn),
        ("Exists", SelectorOp::Exists),
        ("DoesNotExist", SelectorOp::DoesNotExist),
        ("Gt", SelectorOp::Gt),
        ("Lt", SelectorOp::Lt),
    ];
    let ops = if node { ops } else { &ops[..4] };
    let op = enum_value(ctx, operator, &format!("{field}.operator"), ops).unwrap_or(SelectorOp::In);
    Requirement {
        key: r.key.clone(),
        op,
        values: r.values.clone(),
    }
}

/// Converts a label selector.
pub fn label_selector(ctx: &mut Ctx, s: &raw::LabelSelector, field: &str) -> LabelSelector {
    LabelSelector {
        match_labels: s.match_labels.clone(),
        match_expressions: s
            .match_expressions
            .iter()
            .enumerate()
            .map(|(i, r)| requirement(ctx, r, &format!("{field}.matchExpressions[{i}]"), false))
            .collect(),
    }
}

/// Converts a node selector term.
pub fn node_selector_term(
    ctx: &mut Ctx,
    t: &raw::NodeSelectorTerm,
    field: &str,
) -> NodeSelectorTerm {
    NodeSelectorTerm {
        match_expressions: t
            .match_expressions
            .iter()
            .enumerate()
            .map(|(i, r)| requirement(ctx, r, &format!("{field}.matchExpressions[{i}]"), true))
            .collect(),
        match_fields: t
            .match_fields
            .iter()
            .enumerate()
            .map(|(i, r)| requirement(ctx, r, &format!("{field}.matchFields[{i}]"), true))
            .collect(),
    }
}

fn pod_affinity_term(ctx: &mut Ctx, t: &raw::PodAffinityTerm, field: &str) -> PodAffinityTerm {
    PodAffinityTerm {
        label_selector: t
            .label_selector
            .as_ref()
            .map(|s| label_selector(ctx, s, &format!("{field}.labelSelector")))
            .unwrap_or_else(LabelSelector::nothing),
        namespaces: t.namespaces.clone(),
        namespace_selector: t
            .namespace_selector
            .as_ref()
            .map(|s| label_selector(ctx, s, &format!("{field}.namespaceSelector"))),
        topology_key: t.topology_key.clone(),
    }
}

fn pod_affinity(ctx: &mut Ctx, a: &raw::PodAffinity, field: &str) -> PodAffinity {
    PodAffinity {
        required: a
            .required_during_scheduling_ignored_during_execution
            .iter()
            .enumerate()
            .map(|(i, t)| {
                pod_affinity_term(
                    ctx,
                    t,
                    &format!("{field}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"),
                )
            })
            .collect(),
        preferred: a
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let f = format!("{field}.preferredDuringSchedulingIgnoredDuringExecution[{i}]");
                (w.weight, pod_affinity_term(ctx, &w.pod_affinity_term, &f))
            })
            .collect(),
    }
}

/// Converts node affinity and pod (anti-)affinity.
pub(super) fn affinity(ctx: &mut Ctx, a: &raw::Affinity, field: &str) -> Affinity {
    let node = a
        .node_affinity
        .as_ref()
        .map(|n| NodeAffinity {
            required: n
                .required_during_scheduling_ignored_during_execution
                .as_ref()
                .map(|sel| {
                    sel.node_selector_terms
                        .iter()
                        .enumerate()
                        .map(|(i, t)| {
                            node_selector_term(
                                ctx,
                                t,
                                &format!("{field}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[{i}]"),
                            )
                        })
                        .collect()
                }),
            preferred: n
                .preferred_during_scheduling_ignored_during_execution
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let f = format!("{field}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[{i}].preference");
                    (p.weight, node_selector_term(ctx, &p.preference, &f))
                })
                .collect(),
        })
        .unwrap_or_default();
    Affinity {
        node,
        pod_affinity: a
            .pod_affinity
            .as_ref()
            .map(|p| pod_affinity(ctx, p, &format!("{field}.podAffinity")))
            .unwrap_or_default(),
        pod_anti_affinity: a
            .pod_anti_affinity
            .as_ref()
            .map(|p| pod_affinity(ctx, p, &format!("{field}.podAntiAffinity")))
            .unwrap_or_default(),
    }
}

/// Parses a taint effect.
pub fn taint_effect(ctx: &mut Ctx, e: &Spanned<String>, field: &str) -> Option<TaintEffect> {
    enum_value(
        ctx,
        e,
        field,
        &[
            ("NoSchedule", TaintEffect::NoSchedule),
            ("PreferNoSchedule", TaintEffect::PreferNoSchedule),
            ("NoExecute", TaintEffect::NoExecute),
        ],
    )
}

/// Converts node taints.
pub fn taints(ctx: &mut Ctx, ts: &[raw::Taint], field: &str) -> Vec<Taint> {
    ts.iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let f = format!("{field}[{i}].effect");
            let Some(e) = &t.effect else {
                ctx.error(
                    ctx.doc_line,
                    &f,
                    "a taint needs an effect (NoSchedule, PreferNoSchedule or NoExecute)",
                );
                return None;
            };
            let effect = taint_effect(ctx, e, &f)?;
            Some(Taint {
                key: t.key.clone(),
                value: t.value.clone(),
                effect,
            })
        })
        .collect()
}

/// Converts a toleration (operator Equal or Exists).
pub(super) fn toleration(ctx: &mut Ctx, t: &raw::Toleration, field: &str) -> Toleration {
    let exists = match t.operator.as_ref().map(|o| o.value.as_str()) {
        None | Some("Equal") => false,
        Some("Exists") => true,
        Some(other) => {
            let line = ctx.line_of(t.operator.as_ref().expect("operator present"));
            // Gt and Lt are alpha in Kubernetes 1.35 (TaintTolerationComparisonOperators,
            // off by default), so the API server rejects them as k8sim does.
            let note = if other == "Gt" || other == "Lt" {
                " (Gt and Lt need the alpha TaintTolerationComparisonOperators feature gate, which k8sim does not simulate)"
            } else {
                ""
            };
            ctx.error(
                line,
                &format!("{field}.operator"),
                format!("expected Equal or Exists, found {other:?}{note}"),
            );
            false
        }
    };
    let effect = match &t.effect {
        Some(e) if !e.value.is_empty() => taint_effect(ctx, e, &format!("{field}.effect")),
        _ => None,
    };
    Toleration {
        key: t.key.clone(),
        exists,
        value: t.value.clone(),
        effect,
        toleration_seconds: t.toleration_seconds,
    }
}

/// Converts a topology spread constraint.
pub(super) fn spread_constraint(
    ctx: &mut Ctx,
    c: &raw::TopologySpreadConstraint,
    field: &str,
) -> TopologySpreadConstraint {
    let max_skew = match &c.max_skew {
        Some(m) if m.value >= 1 => m.value,
        Some(m) => {
            let line = ctx.line_of(m);
            ctx.error(
                line,
                &format!("{field}.maxSkew"),
                format!("expected an integer >= 1, found {}", m.value),
            );
            1
        }
        None => {
            ctx.error(
                ctx.doc_line,
                &format!("{field}.maxSkew"),
                "expected an integer >= 1",
            );
            1
        }
    };
    let when_field = format!("{field}.whenUnsatisfiable");
    let when = match &c.when_unsatisfiable {
        Some(w) => enum_value(
            ctx,
            w,
            &when_field,
            &[
                ("DoNotSchedule", WhenUnsatisfiable::DoNotSchedule),
                ("ScheduleAnyway", WhenUnsatisfiable::ScheduleAnyway),
            ],
        ),
        None => {
            ctx.error(
                ctx.doc_line,
                &when_field,
                "a topology spread constraint needs whenUnsatisfiable (DoNotSchedule or ScheduleAnyway)",
            );
            None
        }
    }
    .unwrap_or(WhenUnsatisfiable::DoNotSchedule);
    TopologySpreadConstraint {
        max_skew,
        topology_key: c.topology_key.clone(),
        when_unsatisfiable: when,
        label_selector: c
            .label_selector
            .as_ref()
            .map(|s| label_selector(ctx, s, &format!("{field}.labelSelector")))
            // A nil selector counts no pods (podtopologyspread/common.go converts it with
            // metav1.LabelSelectorAsSelector, which gives labels.Nothing()).
            .unwrap_or_else(LabelSelector::nothing),
        min_domains: c.min_domains,
        node_affinity_honor: c.node_affinity_policy.as_deref() != Some("Ignore"),
        node_taints_honor: c.node_taints_policy.as_deref() == Some("Honor"),
        match_label_keys: c.match_label_keys.clone(),
    }
}
