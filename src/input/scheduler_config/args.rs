//! Plugin `args` of a KubeSchedulerConfiguration profile: each plugin's own fields, checked
//! and converted into `PluginArgs`.

use super::{raw, Ctx};
use crate::model::pod::WhenUnsatisfiable;
use crate::model::resources::ResourceNames;
use crate::scheduler::config::{PluginArgs, ResourceSpec};
use crate::scheduler::plugins::names;
use crate::scheduler::plugins::node_resources_fit::{ScoringStrategy, MAX_CUSTOM_PRIORITY_SCORE};
use serde_saphyr::Spanned;

/// The weighted resources of a `resources:` list (weight 1 to 100, default 1), leaving out
/// those in error.
fn resource_specs(
    cx: &mut Ctx<'_>,
    list: &[raw::Resource],
    field: &str,
    resources: &mut ResourceNames,
) -> Vec<ResourceSpec> {
    let mut out = Vec::new();
    for r in list {
        let line = r.name.referenced.line();
        let weight = r.weight.as_ref().map(|w| w.value).unwrap_or(1);
        if weight <= 0 || weight > 100 {
            cx.error(
                line,
                format!("{field}.weight"),
                format!("resource weight {weight} must be between 1 and 100"),
            );
            continue;
        }
        match resources.intern(&r.name.value) {
            Some(resource) => out.push(ResourceSpec { resource, weight }),
            None => cx.error(
                line,
                format!("{field}.name"),
                format!("too many distinct resources to add {:?}", r.name.value),
            ),
        }
    }
    out
}

/// Converts `args` for plugin `name`, rejecting fields that belong to another plugin.
pub(super) fn convert_args(
    cx: &mut Ctx<'_>,
    name: &str,
    args: &Spanned<raw::Args>,
    field: &str,
    resources: &mut ResourceNames,
) -> PluginArgs {
    let line = args.referenced.line();
    let a = &args.value;
    let field = format!("{field}.args");
    if let Some(f) = foreign_arg(name, a) {
        cx.error(
            line,
            format!("{field}.{f}"),
            format!("plugin {name:?} has no arg {f:?}"),
        );
        return PluginArgs::None;
    }
    match name {
        names::NODE_RESOURCES_FIT => match &a.scoring_strategy {
            Some(ss) => node_resources_fit_args(cx, ss, &field, resources),
            None => PluginArgs::None,
        },
        names::NODE_RESOURCES_BALANCED_ALLOCATION => PluginArgs::BalancedAllocation {
            resources: resource_specs(
                cx,
                a.resources.as_deref().unwrap_or(&[]),
                &format!("{field}.resources"),
                resources,
            ),
        },
        names::POD_TOPOLOGY_SPREAD => pod_topology_spread_args(cx, a, &field, line),
        names::INTER_POD_AFFINITY => inter_pod_affinity_args(cx, a, &field, line),
        names::DEFAULT_PREEMPTION => default_preemption_args(cx, a, &field, line),
        _ => PluginArgs::None,
    }
}

/// The first arg given that belongs to a plugin other than `name` (every arg, for a
/// plugin without args).
fn foreign_arg(name: &str, a: &raw::Args) -> Option<&'static str> {
    let args_by_plugin: [(&str, &[(&'static str, bool)]); 5] = [
        (
            names::NODE_RESOURCES_FIT,
            &[
                ("scoringStrategy", a.scoring_strategy.is_some()),
                ("ignoredResources", a.ignored_resources.is_some()),
                ("ignoredResourceGroups", a.ignored_resource_groups.is_some()),
            ],
        ),
        (
            names::NODE_RESOURCES_BALANCED_ALLOCATION,
            &[("resources", a.resources.is_some())],
        ),
        (
            names::POD_TOPOLOGY_SPREAD,
            &[
                ("defaultingType", a.defaulting_type.is_some()),
                ("defaultConstraints", a.default_constraints.is_some()),
            ],
        ),
        (
            names::INTER_POD_AFFINITY,
            &[
                (
                    "hardPodAffinityWeight",
                    a.hard_pod_affinity_weight.is_some(),
                ),
                (
                    "ignorePreferredTermsOfExistingPods",
                    a.ignore_preferred_terms_of_existing_pods.is_some(),
                ),
            ],
        ),
        (
            names::DEFAULT_PREEMPTION,
            &[
                (
                    "minCandidateNodesPercentage",
                    a.min_candidate_nodes_percentage.is_some(),
                ),
                (
                    "minCandidateNodesAbsolute",
                    a.min_candidate_nodes_absolute.is_some(),
                ),
            ],
        ),
    ];
    args_by_plugin
        .iter()
        .filter(|(plugin, _)| *plugin != name)
        .find_map(|(_, args)| args.iter().find(|(_, present)| *present))
        .map(|(f, _)| *f)
}

/// NodeResourcesFit's `scoringStrategy`: its type (default LeastAllocated) and weighted
/// resources.
fn node_resources_fit_args(
    cx: &mut Ctx<'_>,
    ss: &Spanned<raw::ScoringStrategy>,
    field: &str,
    resources: &mut ResourceNames,
) -> PluginArgs {
    let sf = format!("{field}.scoringStrategy");
    let kind = ss.value.kind.as_ref();
    let kind_str = kind.map(|k| k.value.as_str()).unwrap_or("LeastAllocated");
    let kind_line = kind
        .map(|k| k.referenced.line())
        .unwrap_or(ss.referenced.line());
    let res = resource_specs(
        cx,
        ss.value.resources.as_deref().unwrap_or(&[]),
        &format!("{sf}.resources"),
        resources,
    );
    let strategy = match kind_str {
        "LeastAllocated" => ScoringStrategy::LeastAllocated,
        "MostAllocated" => ScoringStrategy::MostAllocated,
        "RequestedToCapacityRatio" => {
            let Some(r) = &ss.value.requested_to_capacity_ratio else {
                cx.error(
                    kind_line,
                    format!("{sf}.requestedToCapacityRatio"),
                    "RequestedToCapacityRatio needs requestedToCapacityRatio.shape",
                );
                return PluginArgs::None;
            };
            ScoringStrategy::RequestedToCapacityRatio(capacity_ratio_shape(cx, r, &sf, kind_line))
        }
        other => {
            cx.error(
                kind_line,
                format!("{sf}.type"),
                format!(
                    "unknown scoringStrategy type {other:?}: expected LeastAllocated, MostAllocated or RequestedToCapacityRatio"
                ),
            );
            return PluginArgs::None;
        }
    };
    PluginArgs::NodeResourcesFit {
        strategy,
        resources: res,
    }
}

/// The shape of RequestedToCapacityRatio: (utilization, score) points with increasing
/// utilization, scores scaled from kube-scheduler's 0..=10 to 0..=100.
fn capacity_ratio_shape(
    cx: &mut Ctx<'_>,
    r: &raw::Rtcr,
    sf: &str,
    kind_line: u64,
) -> Vec<(i64, i64)> {
    let mut shape = Vec::new();
    let mut prev = -1;
    for p in &r.shape {
        let (u, s) = (p.value.utilization, p.value.score);
        let l = p.referenced.line();
        if !(0..=100).contains(&u) || u <= prev {
            cx.error(
                l,
                format!("{sf}.requestedToCapacityRatio.shape.utilization"),
                format!("utilization {u} must be in 0..=100 and increasing"),
            );
        }
        if !(0..=MAX_CUSTOM_PRIORITY_SCORE).contains(&s) {
            cx.error(
                l,
                format!("{sf}.requestedToCapacityRatio.shape.score"),
                format!("score {s} must be in 0..={MAX_CUSTOM_PRIORITY_SCORE}"),
            );
        }
        prev = u;
        shape.push((u, s * (100 / MAX_CUSTOM_PRIORITY_SCORE)));
    }
    if shape.is_empty() {
        cx.error(
            kind_line,
            format!("{sf}.requestedToCapacityRatio.shape"),
            "shape needs at least one point",
        );
    }
    shape
}

/// PodTopologySpread's `defaultingType` (System or List) and `defaultConstraints`.
fn pod_topology_spread_args(cx: &mut Ctx<'_>, a: &raw::Args, field: &str, line: u64) -> PluginArgs {
    let system = match &a.defaulting_type {
        None => true,
        Some(t) if t.value == "System" => true,
        Some(t) if t.value == "List" => false,
        Some(t) => {
            cx.error(
                t.referenced.line(),
                format!("{field}.defaultingType"),
                format!("expected System or List, got {:?}", t.value),
            );
            true
        }
    };
    let dc = default_constraints(cx, a.default_constraints.as_deref().unwrap_or(&[]), field);
    if system && !dc.is_empty() {
        cx.error(
            line,
            format!("{field}.defaultConstraints"),
            "defaultConstraints need defaultingType: List",
        );
    }
    PluginArgs::PodTopologySpread {
        system,
        default_constraints: dc,
    }
}

/// PodTopologySpread's `defaultConstraints`: (maxSkew, topologyKey, whenUnsatisfiable),
/// leaving out those in error.
fn default_constraints(
    cx: &mut Ctx<'_>,
    constraints: &[raw::Constraint],
    field: &str,
) -> Vec<(i32, String, WhenUnsatisfiable)> {
    let mut dc = Vec::new();
    for c in constraints {
        let when = match c.when_unsatisfiable.value.as_str() {
            "DoNotSchedule" => WhenUnsatisfiable::DoNotSchedule,
            "ScheduleAnyway" => WhenUnsatisfiable::ScheduleAnyway,
            other => {
                cx.error(
                    c.when_unsatisfiable.referenced.line(),
                    format!("{field}.defaultConstraints.whenUnsatisfiable"),
                    format!("expected DoNotSchedule or ScheduleAnyway, got {other:?}"),
                );
                continue;
            }
        };
        if c.max_skew.value < 1 {
            cx.error(
                c.max_skew.referenced.line(),
                format!("{field}.defaultConstraints.maxSkew"),
                "maxSkew must be at least 1",
            );
            continue;
        }
        dc.push((c.max_skew.value as i32, c.topology_key.clone(), when));
    }
    dc
}

/// InterPodAffinity's `hardPodAffinityWeight` (0 to 100, default 1) and
/// `ignorePreferredTermsOfExistingPods`.
fn inter_pod_affinity_args(cx: &mut Ctx<'_>, a: &raw::Args, field: &str, line: u64) -> PluginArgs {
    let w = a.hard_pod_affinity_weight.as_ref();
    let weight = w.map(|w| w.value).unwrap_or(1);
    if !(0..=100).contains(&weight) {
        cx.error(
            w.map(|w| w.referenced.line()).unwrap_or(line),
            format!("{field}.hardPodAffinityWeight"),
            format!("{weight} is not between 0 and 100"),
        );
    }
    PluginArgs::InterPodAffinity {
        hard_pod_affinity_weight: weight,
        ignore_preferred_terms_of_existing_pods: a
            .ignore_preferred_terms_of_existing_pods
            .unwrap_or(false),
    }
}

/// DefaultPreemption's `minCandidateNodesPercentage` (default 10) and
/// `minCandidateNodesAbsolute` (default 100).
fn default_preemption_args(cx: &mut Ctx<'_>, a: &raw::Args, field: &str, line: u64) -> PluginArgs {
    let pct = a.min_candidate_nodes_percentage.as_ref();
    let abs = a.min_candidate_nodes_absolute.as_ref();
    let p = pct.map(|v| v.value).unwrap_or(10);
    let n = abs.map(|v| v.value).unwrap_or(100);
    if !(0..=100).contains(&p) {
        cx.error(
            pct.map(|v| v.referenced.line()).unwrap_or(line),
            format!("{field}.minCandidateNodesPercentage"),
            format!("{p} is not between 0 and 100"),
        );
    }
    if n < 0 || (p == 0 && n == 0) {
        cx.error(
            abs.map(|v| v.referenced.line()).unwrap_or(line),
            format!("{field}.minCandidateNodesAbsolute"),
            format!("{n} must be non-negative and not 0 when the percentage is 0"),
        );
    }
    PluginArgs::DefaultPreemption {
        min_candidate_nodes_percentage: p,
        min_candidate_nodes_absolute: n,
    }
}
