//! The `autoscaler:` section and the node groups' `autoscaling: {min, max}` and
//! `provisioning:`: the Cluster Autoscaler's flags (defaults of the cluster-autoscaler
//! FAQ, "What are the parameters to CA?") and its node groups.

use super::{duration_field, raw};
use crate::input::error::InputError;
use crate::input::manifest::convert::run_duration;
use crate::model::node::NodeSpec;
use crate::model::pod::RunDuration;
use crate::scenario::autoscaler::{AutoscalerSpec, Expander, GroupScaling, PriorityTier};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;

/// The Cluster Autoscaler, if a node group has `autoscaling` (an `autoscaler:` section
/// without one is an error).
pub(super) fn autoscaler(
    path: &Path,
    raw: &raw::Scenario,
    templates: &[NodeSpec],
    prices: &BTreeMap<String, f64>,
    errors: &mut Vec<InputError>,
) -> Option<AutoscalerSpec> {
    let mut groups = Vec::new();
    for (gi, (g, template)) in raw.cluster.nodes.iter().zip(templates).enumerate() {
        if let Some(s) = group(path, gi, g, template, errors) {
            groups.push(GroupScaling {
                price_per_hour: prices.get(&s.name).copied(),
                ..s
            });
        }
    }
    let section = raw.autoscaler.as_ref();
    if groups.is_empty() {
        if let Some(s) = section {
            errors.push(InputError::new(
                path,
                Some(s.referenced.line()),
                "autoscaler",
                "the Cluster Autoscaler needs a node group with `autoscaling: {min, max}`",
            ));
        }
        return None;
    }
    let mut spec = match section {
        Some(s) => flags(path, &s.value, errors),
        None => AutoscalerSpec::default(),
    };
    spec.groups = groups;
    Some(spec)
}

/// A node group's scaling, if it has `autoscaling`.
fn group(
    path: &Path,
    gi: usize,
    g: &raw::NodeGroup,
    template: &NodeSpec,
    errors: &mut Vec<InputError>,
) -> Option<GroupScaling> {
    let field = format!("cluster.nodes[{gi}]");
    let Some(a) = &g.autoscaling else {
        if let Some(p) = &g.provisioning {
            errors.push(InputError::new(
                path,
                Some(p.referenced.line()),
                format!("{field}.provisioning"),
                "a provisioning time needs `autoscaling: {min, max}` on the group",
            ));
        }
        return None;
    };
    let line = Some(a.referenced.line());
    let (min, max) = (a.value.min.value, a.value.max.value);
    let count = g.count.as_ref().map_or(1, |c| c.value);
    let problem = if min < 0 || max < 0 {
        Some(format!(
            "expected non-negative min and max, found min {min}, max {max}"
        ))
    } else if min > max {
        Some(format!("min ({min}) must not exceed max ({max})"))
    } else if max > crate::input::limits::MAX_NODES as i64 {
        Some(format!(
            "max ({max}) is above the {} nodes a scenario may have",
            crate::input::limits::MAX_NODES
        ))
    } else if count < min || count > max {
        Some(format!("the group's count ({count}, its initial size) must be within [min, max] = [{min}, {max}]"))
    } else {
        None
    };
    if let Some(message) = problem {
        errors.push(InputError::new(
            path,
            line,
            format!("{field}.autoscaling"),
            message,
        ));
        return None;
    }
    let provisioning = match &g.provisioning {
        None => RunDuration::Fixed(DEFAULT_PROVISIONING_MS),
        Some(p) => match run_duration(&p.value) {
            Ok(d) => d,
            Err(e) => {
                errors.push(InputError::new(
                    path,
                    Some(p.referenced.line()),
                    format!("{field}.provisioning"),
                    e,
                ));
                RunDuration::Fixed(DEFAULT_PROVISIONING_MS)
            }
        },
    };
    Some(GroupScaling {
        name: g.name.value.clone(),
        min: min as u32,
        max: max as u32,
        provisioning,
        template: template.clone(),
        price_per_hour: None,
    })
}

/// Provisioning time when a group gives none: about what a cloud VM takes to boot and
/// register (no kube default exists; CA waits up to 15 min).
pub const DEFAULT_PROVISIONING_MS: u64 = 90_000;

/// The section's flags over CA's defaults.
fn flags(path: &Path, r: &raw::Autoscaler, errors: &mut Vec<InputError>) -> AutoscalerSpec {
    let mut spec = durations(path, r, errors);
    spec.scale_down_enabled = r.scale_down_enabled.unwrap_or(spec.scale_down_enabled);
    spec.skip_nodes_with_local_storage = r.skip_nodes_with_local_storage.unwrap_or(true);
    spec.skip_nodes_with_system_pods = r.skip_nodes_with_system_pods.unwrap_or(true);
    if let Some(t) = &r.scale_down_utilization_threshold {
        if (0.0..=1.0).contains(&t.value) {
            spec.scale_down_utilization_threshold = t.value;
        } else {
            errors.push(InputError::new(
                path,
                Some(t.referenced.line()),
                "autoscaler.scale_down_utilization_threshold",
                format!("expected a fraction between 0 and 1, found {}", t.value),
            ));
        }
    }
    let mut count = |v: &Option<Spanned<i64>>, key: &str, default: i64| match v {
        Some(n) if n.value < 0 => {
            errors.push(InputError::new(
                path,
                Some(n.referenced.line()),
                format!("autoscaler.{key}"),
                format!("expected a non-negative number, found {}", n.value),
            ));
            default
        }
        Some(n) => n.value,
        None => default,
    };
    let small = |v: i64| v.min(u32::MAX as i64) as u32;
    spec.max_nodes_total = small(count(&r.max_nodes_total, "max_nodes_total", 0));
    spec.max_empty_bulk_delete =
        small(count(&r.max_empty_bulk_delete, "max_empty_bulk_delete", 10));
    let grace = &r.max_graceful_termination_sec;
    spec.max_graceful_termination_s = count(grace, "max_graceful_termination_sec", 600);
    if let Some(e) = &r.expander {
        spec.expanders = expanders(path, e, errors);
    }
    spec.priorities = priorities(path, &r.priorities, errors);
    spec
}

/// The duration flags over CA's defaults (`scan_interval` positive).
fn durations(path: &Path, r: &raw::Autoscaler, errors: &mut Vec<InputError>) -> AutoscalerSpec {
    let d = AutoscalerSpec::default();
    let mut dur = |v: &Option<Spanned<String>>, key: &str, default: u64| {
        duration_field(path, errors, v, &format!("autoscaler.{key}"), default)
    };
    let rows: [(&Option<Spanned<String>>, &str, u64); 9] = [
        (&r.scan_interval, "scan_interval", d.scan_interval_ms),
        (
            &r.max_node_provision_time,
            "max_node_provision_time",
            d.max_node_provision_ms,
        ),
        (
            &r.initial_node_group_backoff_duration,
            "initial_node_group_backoff_duration",
            d.initial_backoff_ms,
        ),
        (
            &r.max_node_group_backoff_duration,
            "max_node_group_backoff_duration",
            d.max_backoff_ms,
        ),
        (
            &r.scale_down_unneeded_time,
            "scale_down_unneeded_time",
            d.scale_down_unneeded_ms,
        ),
        (
            &r.scale_down_delay_after_add,
            "scale_down_delay_after_add",
            d.scale_down_delay_after_add_ms,
        ),
        (
            &r.scale_down_delay_after_delete,
            "scale_down_delay_after_delete",
            d.scale_down_delay_after_delete_ms,
        ),
        (
            &r.scale_down_delay_after_failure,
            "scale_down_delay_after_failure",
            d.scale_down_delay_after_failure_ms,
        ),
        (
            &r.new_pod_scale_up_delay,
            "new_pod_scale_up_delay",
            d.new_pod_scale_up_delay_ms,
        ),
    ];
    let ms = rows.map(|(v, key, default)| dur(v, key, default));
    let mut spec = AutoscalerSpec {
        scan_interval_ms: ms[0],
        max_node_provision_ms: ms[1],
        initial_backoff_ms: ms[2],
        max_backoff_ms: ms[3],
        scale_down_unneeded_ms: ms[4],
        scale_down_delay_after_add_ms: ms[5],
        scale_down_delay_after_delete_ms: ms[6],
        scale_down_delay_after_failure_ms: ms[7],
        new_pod_scale_up_delay_ms: ms[8],
        ..d
    };
    if spec.scan_interval_ms == 0 {
        let line = r.scan_interval.as_ref().map(|s| s.referenced.line());
        let field = "autoscaler.scan_interval";
        errors.push(InputError::new(
            path,
            line,
            field,
            "expected a positive duration",
        ));
        spec.scan_interval_ms = 10_000;
    }
    spec
}

/// `expander: priority,least-waste`: known names, each at most once.
fn expanders(path: &Path, e: &Spanned<String>, errors: &mut Vec<InputError>) -> Vec<Expander> {
    let all = [
        Expander::Random,
        Expander::MostPods,
        Expander::LeastWaste,
        Expander::Price,
        Expander::Priority,
    ];
    let mut out = Vec::new();
    for name in e.value.split(',').map(str::trim) {
        match all.iter().find(|x| x.as_str() == name) {
            Some(x) if !out.contains(x) => out.push(*x),
            Some(_) => errors.push(InputError::new(path, Some(e.referenced.line()), "autoscaler.expander", format!("expander {name:?} appears twice"))),
            None => errors.push(InputError::new(path, Some(e.referenced.line()), "autoscaler.expander", format!("unknown expander {name:?}: expected random, most-pods, least-waste, price or priority (comma-separated for a chain)"))),
        }
    }
    if out.is_empty() {
        out.push(Expander::LeastWaste);
    }
    out
}

/// `priorities: {10: [regex, ...]}`, each regex valid.
fn priorities(
    path: &Path,
    raw: &BTreeMap<i64, Spanned<Vec<String>>>,
    errors: &mut Vec<InputError>,
) -> Vec<PriorityTier> {
    let mut out = Vec::new();
    for (priority, patterns) in raw {
        for p in &patterns.value {
            if let Err(e) = regex::Regex::new(p) {
                errors.push(InputError::new(
                    path,
                    Some(patterns.referenced.line()),
                    format!("autoscaler.priorities.{priority}"),
                    format!("invalid regular expression {p:?}: {e}"),
                ));
            }
        }
        out.push(PriorityTier {
            priority: (*priority).clamp(i32::MIN as i64, i32::MAX as i64) as i32,
            patterns: patterns.value.clone(),
        });
    }
    out
}
