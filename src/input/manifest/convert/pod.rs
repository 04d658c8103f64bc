//! Pod templates: containers and their resources, restart policy, run duration, pod-level
//! resources and the pod-template-hash.

use super::scheduling::{affinity, spread_constraint, toleration};
use super::{enum_value, raw, resource_list, Ctx};
use crate::input::duration::parse_duration_ms;
use crate::model::labels::Toleration;
use crate::model::pod::{
    Container, ContainerPort, PodSpec, PodVolumeClaim, PullPolicy, RestartPolicy, RunDuration,
    TopologySpreadConstraint, DEFAULT_SCHEDULER_NAME,
};
use crate::model::resources::{ResourceIdx, Resources, CPU, MEMORY};
use crate::model::workload::template_hash;
use crate::model::workload::PodTemplate;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The annotation that gives a pod's run duration (e.g. `30s`, `uniform(10s,30s)`,
/// `exp(30s)`, `lognormal(20s,0.5)`).
pub const RUN_DURATION_ANNOTATION: &str = "k8sim.io/run-duration";

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
    let pull_policy = match &c.image_pull_policy {
        Some(v) => enum_value(
            ctx,
            v,
            &format!("{field}.imagePullPolicy"),
            &[
                ("Always", PullPolicy::Always),
                ("IfNotPresent", PullPolicy::IfNotPresent),
                ("Never", PullPolicy::Never),
            ],
        )
        .unwrap_or_default(),
        None => PullPolicy::default_for(&c.image),
    };
    Container {
        name: c.name.clone(),
        image: c.image.clone(),
        pull_policy,
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
            let (lo, hi) = (d(&a[0])?, d(&a[1])?);
            if lo > hi {
                return Err(format!(
                    "uniform({}, {}): the lower bound is above the upper bound; write uniform({}, {})",
                    a[0], a[1], a[1], a[0]
                ));
            }
            return Ok(RunDuration::Uniform(lo, hi));
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
            if !(sigma.is_finite() && sigma >= 0.0) {
                return Err(format!(
                    "lognormal sigma must be a non-negative number, found {}",
                    a[1]
                ));
            }
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
    let (containers, init_containers) = containers(ctx, s, &prefix);
    let (overhead, _) = resource_list(ctx, &s.overhead, &format!("{prefix}spec.overhead"));
    let restart_policy = restart_policy(ctx, &s.restart_policy, &prefix, rule);
    let labels = super::string_map(ctx, &t.metadata.labels, &format!("{prefix}metadata.labels"));
    let annotations = super::string_map(
        ctx,
        &t.metadata.annotations,
        &format!("{prefix}metadata.annotations"),
    );
    let run_duration = run_duration_annotation(ctx, &annotations, &prefix);
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
        tolerations: tolerations(ctx, s, &prefix),
        topology_spread_constraints: spread_constraints(ctx, s, &prefix),
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
        claims: volume_claims(s),
        run_duration,
        requests: Resources::ZERO,
        nonzero_requests: [0, 0],
    }
    .finish();
    let spec = pod_level_resources(ctx, s, spec, &prefix);
    let hash = template_hash(&labels, &spec);
    PodTemplate {
        labels,
        annotations,
        spec: Arc::new(spec),
        local_volumes: s
            .volumes
            .iter()
            .filter(|v| v.empty_dir_.is_some() || v.host_path_.is_some())
            .map(|v| v.name.clone())
            .collect(),
        hash,
    }
}

/// The containers (at least one) and init containers of a pod spec.
fn containers(ctx: &mut Ctx, s: &raw::PodSpec, prefix: &str) -> (Vec<Container>, Vec<Container>) {
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
    (containers, init_containers)
}

/// The pod's `tolerations`.
fn tolerations(ctx: &mut Ctx, s: &raw::PodSpec, prefix: &str) -> Vec<Toleration> {
    s.tolerations
        .iter()
        .enumerate()
        .map(|(i, t)| toleration(ctx, t, &format!("{prefix}spec.tolerations[{i}]")))
        .collect()
}

/// The pod's `topologySpreadConstraints`.
fn spread_constraints(
    ctx: &mut Ctx,
    s: &raw::PodSpec,
    prefix: &str,
) -> Vec<TopologySpreadConstraint> {
    s.topology_spread_constraints
        .iter()
        .enumerate()
        .map(|(i, c)| {
            spread_constraint(
                ctx,
                c,
                &format!("{prefix}spec.topologySpreadConstraints[{i}]"),
            )
        })
        .collect()
}

/// `spec.restartPolicy`, checked against the workload's `rule`; when absent or in error,
/// the rule's default.
fn restart_policy(
    ctx: &mut Ctx,
    policy: &Option<Spanned<String>>,
    prefix: &str,
    rule: RestartRule,
) -> RestartPolicy {
    let Some(p) = policy else {
        return match rule {
            RestartRule::NotAlways => {
                ctx.error(
                    ctx.doc_line,
                    &format!("{prefix}spec.restartPolicy"),
                    "a Job's pod template needs restartPolicy OnFailure or Never",
                );
                RestartPolicy::Never
            }
            _ => RestartPolicy::Always,
        };
    };
    let line = ctx.line_of(p);
    let policy = enum_value(
        ctx,
        p,
        &format!("{prefix}spec.restartPolicy"),
        &[
            ("Always", RestartPolicy::Always),
            ("OnFailure", RestartPolicy::OnFailure),
            ("Never", RestartPolicy::Never),
        ],
    );
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
        // An unknown value (already reported): the rule's default, so a Job's
        // template never holds Always.
        (None, RestartRule::NotAlways) => RestartPolicy::Never,
        (None, _) => RestartPolicy::Always,
    }
}

/// The run duration the `k8sim.io/run-duration` annotation gives, if any.
fn run_duration_annotation(
    ctx: &mut Ctx,
    annotations: &BTreeMap<String, String>,
    prefix: &str,
) -> Option<RunDuration> {
    let v = annotations.get(RUN_DURATION_ANNOTATION)?;
    match run_duration(v) {
        Ok(d) => Some(d),
        Err(e) => {
            ctx.error(
                ctx.doc_line,
                &format!("{prefix}metadata.annotations.{RUN_DURATION_ANNOTATION}"),
                e,
            );
            None
        }
    }
}

/// The PersistentVolumeClaims the pod's volumes name.
fn volume_claims(s: &raw::PodSpec) -> Vec<PodVolumeClaim> {
    s.volumes
        .iter()
        .filter_map(|v| {
            v.persistent_volume_claim.as_ref().map(|c| PodVolumeClaim {
                volume_name: v.name.clone(),
                claim_name: c.claim_name.clone(),
            })
        })
        .collect()
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
}
