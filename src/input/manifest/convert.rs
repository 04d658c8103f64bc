//! Validation and conversion of raw manifest structs into the typed model.

use super::raw;
use crate::input::duration::parse_duration_ms;
use crate::input::error::InputError;
use crate::model::labels::{
    LabelSelector, NodeSelectorTerm, Requirement, SelectorOp, Taint, TaintEffect, Toleration,
};
use crate::model::pod::{
    Affinity, Container, ContainerPort, NodeAffinity, PodAffinity, PodAffinityTerm, PodSpec,
    PodVolumeClaim, RestartPolicy, RunDuration, TopologySpreadConstraint, WhenUnsatisfiable,
    DEFAULT_SCHEDULER_NAME,
};
use crate::model::quantity::Quantity;
use crate::model::resources::{ResourceIdx, ResourceNames, Resources, CPU, MEMORY};
use crate::model::workload::{IntOrPercent, ObjectMeta, PodTemplate};
use serde_saphyr::Spanned;
use std::path::Path;
use std::sync::Arc;

/// The annotation that gives a pod's run duration (e.g. `30s`, `uniform(10s,30s)`,
/// `exp(30s)`, `lognormal(20s,0.5)`).
pub const RUN_DURATION_ANNOTATION: &str = "k8sim.io/run-duration";

/// Conversion context: where we are, and the errors found so far.
pub struct Ctx<'a> {
    /// The file being read.
    pub file: &'a Path,
    /// Added to document-relative lines.
    pub line_offset: u64,
    /// Line of the document's start (fallback position).
    pub doc_line: u64,
    /// Interned resource names.
    pub resources: &'a mut ResourceNames,
    /// Errors found.
    pub errors: Vec<InputError>,
}

impl Ctx<'_> {
    /// The file line of a spanned value (the document line if unknown).
    pub fn line_of<T>(&self, s: &Spanned<T>) -> u64 {
        let l = s.referenced.line();
        if l == 0 {
            self.doc_line
        } else {
            l + self.line_offset
        }
    }

    /// Records an error at `line`.
    pub fn error(&mut self, line: u64, field: &str, message: impl Into<String>) {
        self.errors
            .push(InputError::new(self.file, Some(line), field, message));
    }
}

/// Converts metadata; the name is required.
pub fn meta(ctx: &mut Ctx, m: &raw::Meta, what: &str) -> ObjectMeta {
    let name = match &m.name {
        Some(n) if !n.value.is_empty() => {
            let line = ctx.line_of(n);
            if !is_dns_subdomain(&n.value) {
                ctx.error(
                    line,
                    "metadata.name",
                    format!(
                        "expected a lowercase RFC 1123 name (a-z, 0-9, '-', '.'), found {:?}",
                        n.value
                    ),
                );
            }
            n.value.clone()
        }
        _ => {
            if let Some(g) = &m.generate_name {
                format!("{g}00000")
            } else {
                let line = ctx.doc_line;
                ctx.error(line, "metadata.name", format!("a {what} needs a name"));
                String::new()
            }
        }
    };
    ObjectMeta {
        name,
        namespace: m.namespace.clone().unwrap_or_else(|| "default".to_string()),
        labels: m.labels.clone(),
        annotations: m.annotations.clone(),
    }
}

fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric()
}

/// Parses a quantity, recording an error on failure or if negative.
pub fn quantity(ctx: &mut Ctx, q: &Spanned<raw::Scalar>, field: &str) -> Option<Quantity> {
    let line = ctx.line_of(q);
    match Quantity::parse(&q.value.0) {
        Ok(v) if v.is_negative() => {
            ctx.error(
                line,
                field,
                format!("expected a non-negative quantity, found {:?}", q.value.0),
            );
            None
        }
        Ok(v) => Some(v),
        Err(e) => {
            ctx.error(line, field, e.to_string());
            None
        }
    }
}

/// Converts a resource list into integer base units (cpu in millicores, others as values).
/// Returns the amounts and which slots were present.
pub fn resource_list(
    ctx: &mut Ctx,
    list: &raw::RawResourceList,
    field: &str,
) -> (Resources, [bool; crate::model::resources::MAX_RESOURCES]) {
    let mut out = Resources::ZERO;
    let mut present = [false; crate::model::resources::MAX_RESOURCES];
    for (name, q) in list {
        let f = format!("{field}.{name}");
        let Some(v) = quantity(ctx, q, &f) else {
            continue;
        };
        let Some(idx) = ctx.resources.intern(name) else {
            let line = ctx.line_of(q);
            ctx.error(
                line,
                &f,
                "too many distinct extended resources (at most 4 per scenario)",
            );
            continue;
        };
        out.set(idx, amount(idx, &v));
        present[idx.0 as usize] = true;
    }
    (out, present)
}

/// A quantity in the base unit of resource `idx`.
pub fn amount(idx: ResourceIdx, q: &Quantity) -> i64 {
    if idx == CPU {
        q.milli_value()
    } else {
        q.value()
    }
}

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
    let op = match operator.value.as_str() {
        "In" => SelectorOp::In,
        "NotIn" => SelectorOp::NotIn,
        "Exists" => SelectorOp::Exists,
        "DoesNotExist" => SelectorOp::DoesNotExist,
        "Gt" if node => SelectorOp::Gt,
        "Lt" if node => SelectorOp::Lt,
        other => {
            let line = ctx.line_of(operator);
            let expected = if node {
                "In, NotIn, Exists, DoesNotExist, Gt, Lt"
            } else {
                "In, NotIn, Exists, DoesNotExist"
            };
            ctx.error(
                line,
                &format!("{field}.operator"),
                format!("expected one of {expected}, found {other:?}"),
            );
            SelectorOp::In
        }
    };
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

fn affinity(ctx: &mut Ctx, a: &raw::Affinity, field: &str) -> Affinity {
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
    match e.value.as_str() {
        "NoSchedule" => Some(TaintEffect::NoSchedule),
        "PreferNoSchedule" => Some(TaintEffect::PreferNoSchedule),
        "NoExecute" => Some(TaintEffect::NoExecute),
        other => {
            let line = ctx.line_of(e);
            ctx.error(
                line,
                field,
                format!("expected NoSchedule, PreferNoSchedule or NoExecute, found {other:?}"),
            );
            None
        }
    }
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

fn toleration(ctx: &mut Ctx, t: &raw::Toleration, field: &str) -> Toleration {
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

fn spread_constraint(
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
    let when_text = c
        .when_unsatisfiable
        .as_ref()
        .map(|w| w.value.as_str())
        .unwrap_or("");
    let when = match when_text {
        "DoNotSchedule" => WhenUnsatisfiable::DoNotSchedule,
        "ScheduleAnyway" => WhenUnsatisfiable::ScheduleAnyway,
        other => {
            let line = c
                .when_unsatisfiable
                .as_ref()
                .map(|w| ctx.line_of(w))
                .unwrap_or(ctx.doc_line);
            ctx.error(
                line,
                &format!("{field}.whenUnsatisfiable"),
                format!("expected DoNotSchedule or ScheduleAnyway, found {other:?}"),
            );
            WhenUnsatisfiable::DoNotSchedule
        }
    };
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

fn container(ctx: &mut Ctx, c: &raw::Container, field: &str) -> Container {
    if c.image.is_empty() {
        ctx.error(
            ctx.doc_line,
            &format!("{field}.image"),
            "a container needs an image",
        );
    }
    let (limits, limited) = resource_list(
        ctx,
        &c.resources.limits,
        &format!("{field}.resources.limits"),
    );
    let (mut requests, mut requested) = resource_list(
        ctx,
        &c.resources.requests,
        &format!("{field}.resources.requests"),
    );
    // API defaulting: a limit without a request sets the request to the limit.
    for i in 0..requests.0.len() {
        if limited[i] && !requested[i] {
            requests.0[i] = limits.0[i];
            requested[i] = true;
        }
        if limited[i] && requests.0[i] > limits.0[i] {
            let name = ctx.resources.name(ResourceIdx(i as u8)).to_string();
            let line = c
                .resources
                .requests
                .get(&name)
                .map(|q| ctx.line_of(q))
                .unwrap_or(ctx.doc_line);
            ctx.error(
                line,
                &format!("{field}.resources.requests.{name}"),
                format!("must be less than or equal to the {name} limit"),
            );
        }
    }
    Container {
        name: c.name.clone(),
        image: c.image.clone(),
        requests,
        limits,
        limited,
        requested,
        ports: c
            .ports
            .iter()
            .map(|p| ContainerPort {
                container_port: p.container_port,
                host_port: p.host_port,
                protocol: p.protocol.clone().unwrap_or_else(|| "TCP".to_string()),
                host_ip: p.host_ip.clone(),
            })
            .collect(),
        sidecar: c.restart_policy.as_deref() == Some("Always"),
        readiness_delay_ms: c
            .readiness_probe
            .as_ref()
            .map(|p| p.initial_delay_seconds.max(0) as u64 * 1000),
    }
}

/// Parses a run-duration annotation value.
pub fn run_duration(text: &str) -> Result<RunDuration, String> {
    let t = text.trim();
    let args = |prefix: &str| -> Option<Vec<String>> {
        t.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(')'))
            .map(|r| r.split(',').map(|s| s.trim().to_string()).collect())
    };
    let d = |s: &str| parse_duration_ms(s);
    if let Some(a) = args("uniform(") {
        if a.len() == 2 {
            return Ok(RunDuration::Uniform(d(&a[0])?, d(&a[1])?));
        }
    } else if let Some(a) = args("exp(") {
        if a.len() == 1 {
            return Ok(RunDuration::Exponential(d(&a[0])?));
        }
    } else if let Some(a) = args("lognormal(") {
        if a.len() == 2 {
            let sigma: f64 = a[1]
                .parse()
                .map_err(|_| format!("expected a number for sigma, found {:?}", a[1]))?;
            return Ok(RunDuration::LogNormal(d(&a[0])?, sigma));
        }
    } else {
        return Ok(RunDuration::Fixed(d(t)?));
    }
    Err(format!(
        "expected a duration (30s), uniform(MIN,MAX), exp(MEAN) or lognormal(MEDIAN,SIGMA), found {t:?}"
    ))
}

/// Which restart policies a workload kind allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestartRule {
    /// Any (bare pods).
    Any,
    /// Only Always (Deployment, ReplicaSet, StatefulSet, DaemonSet).
    AlwaysOnly,
    /// OnFailure or Never (Job, CronJob).
    NotAlways,
}

/// Converts a pod template (labels, annotations, spec).
pub fn pod_template(
    ctx: &mut Ctx,
    t: &raw::PodTemplate,
    field: &str,
    rule: RestartRule,
) -> PodTemplate {
    let s = &t.spec;
    let prefix = if field.is_empty() {
        String::new()
    } else {
        format!("{field}.")
    };
    if s.containers.is_empty() {
        ctx.error(
            ctx.doc_line,
            &format!("{prefix}spec.containers"),
            "expected at least one container",
        );
    }
    let containers = s
        .containers
        .iter()
        .enumerate()
        .map(|(i, c)| container(ctx, c, &format!("{prefix}spec.containers[{i}]")))
        .collect();
    let init_containers = s
        .init_containers
        .iter()
        .enumerate()
        .map(|(i, c)| container(ctx, c, &format!("{prefix}spec.initContainers[{i}]")))
        .collect();
    let (overhead, _) = resource_list(ctx, &s.overhead, &format!("{prefix}spec.overhead"));
    let restart_policy = match &s.restart_policy {
        None => match rule {
            RestartRule::NotAlways => {
                ctx.error(
                    ctx.doc_line,
                    &format!("{prefix}spec.restartPolicy"),
                    "a Job's pod template needs restartPolicy OnFailure or Never",
                );
                RestartPolicy::Never
            }
            _ => RestartPolicy::Always,
        },
        Some(p) => {
            let line = ctx.line_of(p);
            let policy = match p.value.as_str() {
                "Always" => Some(RestartPolicy::Always),
                "OnFailure" => Some(RestartPolicy::OnFailure),
                "Never" => Some(RestartPolicy::Never),
                other => {
                    ctx.error(
                        line,
                        &format!("{prefix}spec.restartPolicy"),
                        format!("expected Always, OnFailure or Never, found {other:?}"),
                    );
                    None
                }
            };
            match (policy, rule) {
                (Some(RestartPolicy::Always), RestartRule::NotAlways) => {
                    ctx.error(
                        line,
                        &format!("{prefix}spec.restartPolicy"),
                        "expected OnFailure or Never for a Job, found \"Always\"",
                    );
                    RestartPolicy::Never
                }
                (Some(p), RestartRule::AlwaysOnly) if p != RestartPolicy::Always => {
                    ctx.error(
                        line,
                        &format!("{prefix}spec.restartPolicy"),
                        format!("expected \"Always\" for this workload, found {:?}", p),
                    );
                    RestartPolicy::Always
                }
                (Some(p), _) => p,
                (None, _) => RestartPolicy::Always,
            }
        }
    };
    let run_duration = match t.metadata.annotations.get(RUN_DURATION_ANNOTATION) {
        Some(v) => match run_duration(v) {
            Ok(d) => Some(d),
            Err(e) => {
                ctx.error(
                    ctx.doc_line,
                    &format!("{prefix}metadata.annotations.{RUN_DURATION_ANNOTATION}"),
                    e,
                );
                None
            }
        },
        None => None,
    };
    let spec = PodSpec {
        containers,
        init_containers,
        overhead,
        node_selector: s.node_selector.clone(),
        affinity: s
            .affinity
            .as_ref()
            .map(|a| affinity(ctx, a, &format!("{prefix}spec.affinity")))
            .unwrap_or_default(),
        tolerations: s
            .tolerations
            .iter()
            .enumerate()
            .map(|(i, t)| toleration(ctx, t, &format!("{prefix}spec.tolerations[{i}]")))
            .collect(),
        topology_spread_constraints: s
            .topology_spread_constraints
            .iter()
            .enumerate()
            .map(|(i, c)| {
                spread_constraint(
                    ctx,
                    c,
                    &format!("{prefix}spec.topologySpreadConstraints[{i}]"),
                )
            })
            .collect(),
        node_name: s.node_name.clone().filter(|n| !n.is_empty()),
        scheduler_name: s
            .scheduler_name
            .clone()
            .unwrap_or_else(|| DEFAULT_SCHEDULER_NAME.to_string()),
        priority: s.priority.unwrap_or(0),
        priority_class_name: s.priority_class_name.as_ref().map(|p| p.value.clone()),
        preempts: s.preemption_policy.as_deref() != Some("Never"),
        restart_policy,
        termination_grace_ms: s.termination_grace_period_seconds.unwrap_or(30).max(0) as u64 * 1000,
        scheduling_gates: s.scheduling_gates.iter().map(|g| g.name.clone()).collect(),
        claims: s
            .volumes
            .iter()
            .filter_map(|v| {
                v.persistent_volume_claim.as_ref().map(|c| PodVolumeClaim {
                    volume_name: v.name.clone(),
                    claim_name: c.claim_name.clone(),
                })
            })
            .collect(),
        run_duration,
        requests: Resources::ZERO,
        nonzero_requests: [0, 0],
    }
    .finish();
    let spec = pod_level_resources(ctx, s, spec, &prefix);
    let hash = template_hash(&t.metadata.labels, &spec);
    PodTemplate {
        labels: t.metadata.labels.clone(),
        annotations: t.metadata.annotations.clone(),
        spec: Arc::new(spec),
        hash,
    }
}

/// Applies pod-level `spec.resources` (PodLevelResources, beta and on by default since
/// Kubernetes 1.34): when set, the pod-level cpu and memory requests replace the sum over
/// containers in the effective request (`resource.PodRequests`, with overhead added on top);
/// a pod-level limit without a request defaults the request to the limit.
fn pod_level_resources(
    ctx: &mut Ctx,
    s: &raw::PodSpec,
    mut spec: PodSpec,
    prefix: &str,
) -> PodSpec {
    let Some(res) = &s.resources else {
        return spec;
    };
    let field = format!("{prefix}spec.resources");
    let (limits, limited) = resource_list(ctx, &res.value.limits, &format!("{field}.limits"));
    let (mut requests, mut requested) =
        resource_list(ctx, &res.value.requests, &format!("{field}.requests"));
    for r in [CPU, MEMORY] {
        let i = r.0 as usize;
        if limited[i] && !requested[i] {
            requests.set(r, limits.get(r));
            requested[i] = true;
        }
        if limited[i] && requests.get(r) > limits.get(r) {
            let name = ctx.resources.name(r).to_string();
            let line = ctx.line_of(res);
            ctx.error(
                line,
                &format!("{field}.requests.{name}"),
                format!("must be less than or equal to the pod-level {name} limit"),
            );
        }
        if requested[i] {
            spec.requests.set(r, requests.get(r) + spec.overhead.get(r));
            spec.nonzero_requests[i] = requests.get(r) + spec.overhead.get(r);
        }
    }
    // ValidatePodResources: only cpu and memory (and hugepages, not simulated at pod level).
    let unsupported: Vec<String> = ctx
        .resources
        .iter()
        .filter(|(idx, name)| {
            let i = idx.0 as usize;
            (requested[i] || limited[i])
                && *idx != CPU
                && *idx != MEMORY
                && !name.starts_with("hugepages-")
        })
        .map(|(_, name)| name.to_string())
        .collect();
    for name in unsupported {
        let line = ctx.line_of(res);
        ctx.error(
            line,
            &field,
            format!("pod-level resources support only cpu, memory and hugepages-*, found {name}"),
        );
    }
    spec
}

/// A pod-template-hash in Kubernetes' shape: FNV-32a of the template, printed in decimal and
/// encoded with `rand.SafeEncodeString`'s alphabet (k8s.io/apimachinery/pkg/util/rand).
pub fn template_hash(labels: &crate::model::labels::Labels, spec: &PodSpec) -> String {
    let text = format!("{labels:?}{spec:?}");
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    h.to_string()
        .bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

/// Converts an int-or-percent field ("25%", 1).
pub fn int_or_percent(ctx: &mut Ctx, v: &Spanned<raw::Scalar>, field: &str) -> IntOrPercent {
    let s = v.value.0.trim();
    let parsed = if let Some(p) = s.strip_suffix('%') {
        p.parse::<i32>()
            .ok()
            .filter(|p| *p >= 0)
            .map(IntOrPercent::Percent)
    } else {
        s.parse::<i32>()
            .ok()
            .filter(|p| *p >= 0)
            .map(IntOrPercent::Int)
    };
    parsed.unwrap_or_else(|| {
        let line = ctx.line_of(v);
        ctx.error(
            line,
            field,
            format!("expected a non-negative integer or percentage such as 25%, found {s:?}"),
        );
        IntOrPercent::Int(0)
    })
}

/// Validates an optional spanned integer count (replicas, completions, ...) as >= 0.
pub fn non_negative(ctx: &mut Ctx, v: &Option<Spanned<i64>>, field: &str, default: i32) -> i32 {
    match v {
        None => default,
        Some(s) if s.value < 0 || s.value > i32::MAX as i64 => {
            let line = ctx.line_of(s);
            ctx.error(
                line,
                field,
                format!("expected a non-negative integer, found {}", s.value),
            );
            default
        }
        Some(s) => s.value as i32,
    }
}

/// Checks that `selector` is present, non-empty, and matches the template's labels.
pub fn selector_matching_template(
    ctx: &mut Ctx,
    sel: &Option<Spanned<raw::LabelSelector>>,
    template: &PodTemplate,
) -> LabelSelector {
    let Some(sel) = sel else {
        ctx.error(
            ctx.doc_line,
            "spec.selector",
            "a selector is required (apps/v1)",
        );
        return LabelSelector::default();
    };
    let line = ctx.line_of(sel);
    let converted = label_selector(ctx, &sel.value, "spec.selector");
    if converted.is_empty() {
        ctx.error(line, "spec.selector", "expected a non-empty selector");
    } else if !converted.matches(&template.labels) {
        ctx.error(
            line,
            "spec.selector",
            "`selector` does not match template `labels` (spec.template.metadata.labels)",
        );
    }
    converted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_duration_forms() {
        assert_eq!(run_duration("30s"), Ok(RunDuration::Fixed(30_000)));
        assert_eq!(
            run_duration("uniform(10s, 20s)"),
            Ok(RunDuration::Uniform(10_000, 20_000))
        );
        assert_eq!(
            run_duration("exp(1m)"),
            Ok(RunDuration::Exponential(60_000))
        );
        assert_eq!(
            run_duration("lognormal(20s,0.5)"),
            Ok(RunDuration::LogNormal(20_000, 0.5))
        );
        assert!(run_duration("gamma(1s)").is_err());
    }

    #[test]
    fn template_hash_uses_safe_alphabet() {
        let h = template_hash(&Default::default(), &PodSpec::default());
        assert!(!h.is_empty() && h.len() <= 10);
        assert!(h
            .bytes()
            .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b)));
    }

    #[test]
    fn int_or_percent_rounding() {
        // intstr.GetScaledValueFromIntOrPercent: 25% of 10 = 2.5 -> 3 up, 2 down.
        assert_eq!(IntOrPercent::Percent(25).resolve(10, true), 3);
        assert_eq!(IntOrPercent::Percent(25).resolve(10, false), 2);
        assert_eq!(IntOrPercent::Int(2).resolve(10, true), 2);
    }
}
