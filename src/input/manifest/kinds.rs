//! One converter per Kubernetes kind: raw document -> typed model object.

use super::convert::{self as cv, Ctx, RestartRule};
use super::raw;
use crate::model::node::NodeSpec;
use crate::model::pod::RestartPolicy;
use crate::model::resources::{CPU, MEMORY, PODS};
use crate::model::workload::*;

/// Default number of old ReplicaSets kept (apps/v1 default).
const DEFAULT_REVISION_HISTORY_LIMIT: i32 = 10;

/// A Pod.
pub fn pod(ctx: &mut Ctx, r: &raw::Pod) -> BarePod {
    let meta = cv::meta(ctx, &r.metadata, "Pod");
    let tmpl = raw::PodTemplate {
        metadata: r.metadata.clone(),
        spec: r.spec.clone(),
    };
    let template = cv::pod_template(ctx, &tmpl, "", RestartRule::Any);
    BarePod { meta, template }
}

fn rolling(ctx: &mut Ctx, ru: &Option<raw::RollingUpdate>) -> (IntOrPercent, IntOrPercent) {
    let default = IntOrPercent::Percent(25);
    let Some(ru) = ru else {
        return (default, default);
    };
    let surge = ru
        .max_surge
        .as_ref()
        .map(|v| cv::int_or_percent(ctx, v, "spec.strategy.rollingUpdate.maxSurge"))
        .unwrap_or(default);
    let unavailable = ru
        .max_unavailable
        .as_ref()
        .map(|v| cv::int_or_percent(ctx, v, "spec.strategy.rollingUpdate.maxUnavailable"))
        .unwrap_or(default);
    (surge, unavailable)
}

/// A Deployment.
pub fn deployment(ctx: &mut Ctx, r: &raw::Controller) -> Deployment {
    let meta = cv::meta(ctx, &r.metadata, "Deployment");
    let replicas = cv::non_negative(ctx, &r.spec.replicas, "spec.replicas", 1);
    let template = cv::pod_template(
        ctx,
        &r.spec.template,
        "spec.template",
        RestartRule::AlwaysOnly,
    );
    let selector = cv::selector_matching_template(ctx, &r.spec.selector, &template);
    let strategy = match r.spec.strategy.kind.as_ref().map(|k| (k.value.as_str(), k)) {
        None | Some(("RollingUpdate", _)) => {
            let (max_surge, max_unavailable) = rolling(ctx, &r.spec.strategy.rolling_update);
            if max_surge.resolve(100, true) == 0 && max_unavailable.resolve(100, true) == 0 {
                ctx.error(
                    ctx.doc_line,
                    "spec.strategy.rollingUpdate.maxUnavailable",
                    "may not be 0 when maxSurge is 0",
                );
            }
            DeploymentStrategy::RollingUpdate {
                max_surge,
                max_unavailable,
            }
        }
        Some(("Recreate", _)) => DeploymentStrategy::Recreate,
        Some((other, k)) => {
            let line = ctx.line_of(k);
            ctx.error(
                line,
                "spec.strategy.type",
                format!("expected RollingUpdate or Recreate, found {other:?}"),
            );
            DeploymentStrategy::Recreate
        }
    };
    Deployment {
        meta,
        replicas,
        selector,
        template,
        strategy,
        revision_history_limit: r
            .spec
            .revision_history_limit
            .unwrap_or(DEFAULT_REVISION_HISTORY_LIMIT),
        min_ready_seconds: r.spec.min_ready_seconds.unwrap_or(0),
        progress_deadline_seconds: r.spec.progress_deadline_seconds.unwrap_or(600),
        paused: r.spec.paused,
    }
}

/// A ReplicaSet.
pub fn replica_set(ctx: &mut Ctx, r: &raw::Controller) -> ReplicaSet {
    let meta = cv::meta(ctx, &r.metadata, "ReplicaSet");
    let replicas = cv::non_negative(ctx, &r.spec.replicas, "spec.replicas", 1);
    let template = cv::pod_template(
        ctx,
        &r.spec.template,
        "spec.template",
        RestartRule::AlwaysOnly,
    );
    let selector = cv::selector_matching_template(ctx, &r.spec.selector, &template);
    ReplicaSet {
        meta,
        replicas,
        selector,
        template,
        min_ready_seconds: r.spec.min_ready_seconds.unwrap_or(0),
    }
}

/// A ReplicationController, simulated as the ReplicaSet it is equivalent to (its selector
/// is a plain label map that defaults to the template's labels).
pub fn replication_controller(ctx: &mut Ctx, r: &raw::ReplicationController) -> ReplicaSet {
    let meta = cv::meta(ctx, &r.metadata, "ReplicationController");
    let replicas = cv::non_negative(ctx, &r.spec.replicas, "spec.replicas", 1);
    let template = cv::pod_template(
        ctx,
        &r.spec.template,
        "spec.template",
        RestartRule::AlwaysOnly,
    );
    let selector = crate::model::labels::LabelSelector {
        match_labels: match &r.spec.selector {
            Some(s) => {
                let sel: crate::model::labels::Labels = s.value.clone();
                if !sel.iter().all(|(k, v)| template.labels.get(k) == Some(v)) {
                    let line = ctx.line_of(s);
                    ctx.error(
                        line,
                        "spec.selector",
                        "`selector` does not match template `labels` (spec.template.metadata.labels)",
                    );
                }
                sel
            }
            None => template.labels.clone(),
        },
        match_expressions: vec![],
    };
    if selector.is_empty() {
        ctx.error(
            ctx.doc_line,
            "spec.selector",
            "expected a selector or template labels",
        );
    }
    ReplicaSet {
        meta,
        replicas,
        selector,
        template,
        min_ready_seconds: r.spec.min_ready_seconds.unwrap_or(0),
    }
}

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

/// A StatefulSet.
pub fn stateful_set(ctx: &mut Ctx, r: &raw::Controller) -> StatefulSet {
    let meta = cv::meta(ctx, &r.metadata, "StatefulSet");
    let replicas = cv::non_negative(ctx, &r.spec.replicas, "spec.replicas", 1);
    let template = cv::pod_template(
        ctx,
        &r.spec.template,
        "spec.template",
        RestartRule::AlwaysOnly,
    );
    let selector = cv::selector_matching_template(ctx, &r.spec.selector, &template);
    let pod_management = match r.spec.pod_management_policy.as_ref() {
        None => PodManagementPolicy::OrderedReady,
        Some(p) => match p.value.as_str() {
            "OrderedReady" => PodManagementPolicy::OrderedReady,
            "Parallel" => PodManagementPolicy::Parallel,
            other => {
                let line = ctx.line_of(p);
                ctx.error(
                    line,
                    "spec.podManagementPolicy",
                    format!("expected OrderedReady or Parallel, found {other:?}"),
                );
                PodManagementPolicy::OrderedReady
            }
        },
    };
    let update_strategy = match r.spec.update_strategy.kind.as_ref() {
        Some(k) if k.value == "OnDelete" => StatefulSetUpdate::OnDelete,
        Some(k) if k.value != "RollingUpdate" => {
            let line = ctx.line_of(k);
            ctx.error(
                line,
                "spec.updateStrategy.type",
                format!("expected RollingUpdate or OnDelete, found {:?}", k.value),
            );
            StatefulSetUpdate::OnDelete
        }
        _ => {
            let ru = r.spec.update_strategy.rolling_update.as_ref();
            StatefulSetUpdate::RollingUpdate {
                partition: ru.and_then(|r| r.partition).unwrap_or(0),
                max_unavailable: ru
                    .and_then(|r| r.max_unavailable.as_ref())
                    .map(|v| {
                        cv::int_or_percent(
                            ctx,
                            v,
                            "spec.updateStrategy.rollingUpdate.maxUnavailable",
                        )
                    })
                    .unwrap_or(IntOrPercent::Int(1)),
            }
        }
    };
    let volume_claim_templates = r
        .spec
        .volume_claim_templates
        .iter()
        .enumerate()
        .map(|(i, t)| pvc(ctx, t, &format!("spec.volumeClaimTemplates[{i}].")))
        .collect();
    let retention = r
        .spec
        .persistent_volume_claim_retention_policy
        .as_ref()
        .map(|p| PvcRetentionPolicy {
            delete_when_deleted: p.when_deleted.as_deref() == Some("Delete"),
            delete_when_scaled: p.when_scaled.as_deref() == Some("Delete"),
        })
        .unwrap_or_default();
    StatefulSet {
        meta,
        replicas,
        selector,
        template,
        service_name: r.spec.service_name.clone().unwrap_or_default(),
        pod_management,
        update_strategy,
        volume_claim_templates,
        ordinals_start: r.spec.ordinals.as_ref().map(|o| o.start).unwrap_or(0),
        pvc_retention: retention,
        min_ready_seconds: r.spec.min_ready_seconds.unwrap_or(0),
        revision_history_limit: r
            .spec
            .revision_history_limit
            .unwrap_or(DEFAULT_REVISION_HISTORY_LIMIT),
    }
}

/// A DaemonSet.
pub fn daemon_set(ctx: &mut Ctx, r: &raw::Controller) -> DaemonSet {
    let meta = cv::meta(ctx, &r.metadata, "DaemonSet");
    let template = cv::pod_template(
        ctx,
        &r.spec.template,
        "spec.template",
        RestartRule::AlwaysOnly,
    );
    let selector = cv::selector_matching_template(ctx, &r.spec.selector, &template);
    let max_unavailable = match r.spec.update_strategy.kind.as_ref() {
        Some(k) if k.value == "OnDelete" => None,
        _ => Some(
            r.spec
                .update_strategy
                .rolling_update
                .as_ref()
                .and_then(|r| r.max_unavailable.as_ref())
                .map(|v| {
                    cv::int_or_percent(ctx, v, "spec.updateStrategy.rollingUpdate.maxUnavailable")
                })
                .unwrap_or(IntOrPercent::Int(1)),
        ),
    };
    DaemonSet {
        meta,
        selector,
        template,
        max_unavailable,
    }
}

/// A Job spec (of a Job or a CronJob's jobTemplate).
pub fn job_spec(ctx: &mut Ctx, s: &raw::JobSpec, field: &str) -> JobSpec {
    let completions = s
        .completions
        .as_ref()
        .map(|_| cv::non_negative(ctx, &s.completions, &format!("{field}.completions"), 1));
    let parallelism = cv::non_negative(ctx, &s.parallelism, &format!("{field}.parallelism"), 1);
    let completion_mode = match s.completion_mode.as_ref() {
        None => CompletionMode::NonIndexed,
        Some(m) => match m.value.as_str() {
            "NonIndexed" => CompletionMode::NonIndexed,
            "Indexed" => CompletionMode::Indexed,
            other => {
                let line = ctx.line_of(m);
                ctx.error(
                    line,
                    &format!("{field}.completionMode"),
                    format!("expected NonIndexed or Indexed, found {other:?}"),
                );
                CompletionMode::NonIndexed
            }
        },
    };
    if completion_mode == CompletionMode::Indexed && completions.is_none() {
        ctx.error(
            ctx.doc_line,
            &format!("{field}.completions"),
            "an Indexed Job needs completions",
        );
    }
    let rules = s
        .pod_failure_policy
        .as_ref()
        .map(|p| {
            p.rules
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let action_text = r.action.as_ref().map(|a| a.value.as_str()).unwrap_or("");
                    let action = match action_text {
                        "FailJob" => PodFailureAction::FailJob,
                        "Ignore" => PodFailureAction::Ignore,
                        "Count" => PodFailureAction::Count,
                        "FailIndex" => PodFailureAction::FailIndex,
                        other => {
                            let line = r
                                .action
                                .as_ref()
                                .map(|a| ctx.line_of(a))
                                .unwrap_or(ctx.doc_line);
                            ctx.error(
                                line,
                                &format!("{field}.podFailurePolicy.rules[{i}].action"),
                                format!(
                                    "expected FailJob, Ignore, Count or FailIndex, found {other:?}"
                                ),
                            );
                            PodFailureAction::Count
                        }
                    };
                    let codes = r.on_exit_codes.clone().unwrap_or_default();
                    PodFailureRule {
                        action,
                        exit_codes_in: codes.operator != "NotIn",
                        exit_codes: codes.values,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let template = cv::pod_template(
        ctx,
        &s.template,
        &format!("{field}.template"),
        RestartRule::NotAlways,
    );
    debug_assert!(template.spec.restart_policy != RestartPolicy::Always);
    let exit_codes = match template.annotations.get(EXIT_CODES_ANNOTATION) {
        None => Vec::new(),
        Some(text) => match parse_exit_codes(text) {
            Ok(codes) => codes,
            Err(e) => {
                ctx.error(
                    ctx.doc_line,
                    &format!("{field}.template.metadata.annotations[{EXIT_CODES_ANNOTATION}]"),
                    e,
                );
                Vec::new()
            }
        },
    };
    JobSpec {
        exit_codes,
        completions,
        parallelism,
        completion_mode,
        backoff_limit: cv::non_negative(ctx, &s.backoff_limit, &format!("{field}.backoffLimit"), 6),
        backoff_limit_per_index: s.backoff_limit_per_index,
        active_deadline_seconds: s.active_deadline_seconds,
        ttl_seconds_after_finished: s.ttl_seconds_after_finished,
        suspend: s.suspend,
        pod_failure_rules: rules,
        template,
    }
}

/// Template annotation listing the exit codes of a Job's successive container runs.
pub const EXIT_CODES_ANNOTATION: &str = "k8sim.io/exit-codes";

/// Parses `"1,1,0"`: comma-separated exit codes 0..=255.
pub fn parse_exit_codes(text: &str) -> Result<Vec<i32>, String> {
    text.split(',')
        .map(|p| {
            let p = p.trim();
            p.parse::<i32>()
                .ok()
                .filter(|c| (0..=255).contains(c))
                .ok_or_else(|| format!("expected comma-separated exit codes 0..255, found {p:?}"))
        })
        .collect()
}

/// A Job.
pub fn job(ctx: &mut Ctx, r: &raw::Job) -> Job {
    let meta = cv::meta(ctx, &r.metadata, "Job");
    let spec = job_spec(ctx, &r.spec, "spec");
    Job { meta, spec }
}

/// A CronJob.
pub fn cron_job(ctx: &mut Ctx, r: &raw::CronJob) -> CronJob {
    let meta = cv::meta(ctx, &r.metadata, "CronJob");
    let schedule = match &r.spec.schedule {
        Some(s) if !s.value.trim().is_empty() => s.value.clone(),
        _ => {
            ctx.error(ctx.doc_line, "spec.schedule", "a CronJob needs a schedule");
            String::new()
        }
    };
    if !schedule.is_empty() {
        if let Err(e) = crate::controllers::cronjob::parse_schedule(&schedule) {
            let line = r
                .spec
                .schedule
                .as_ref()
                .map(|s| ctx.line_of(s))
                .unwrap_or(ctx.doc_line);
            ctx.error(line, "spec.schedule", e);
        }
    }
    if let Err(e) = crate::controllers::cronjob::parse_time_zone(
        r.spec.time_zone.as_ref().map(|t| t.value.as_str()),
    ) {
        let line = r
            .spec
            .time_zone
            .as_ref()
            .map(|t| ctx.line_of(t))
            .unwrap_or(ctx.doc_line);
        ctx.error(line, "spec.timeZone", e);
    }
    let concurrency_policy = match r.spec.concurrency_policy.as_ref() {
        None => ConcurrencyPolicy::Allow,
        Some(p) => match p.value.as_str() {
            "Allow" => ConcurrencyPolicy::Allow,
            "Forbid" => ConcurrencyPolicy::Forbid,
            "Replace" => ConcurrencyPolicy::Replace,
            other => {
                let line = ctx.line_of(p);
                ctx.error(
                    line,
                    "spec.concurrencyPolicy",
                    format!("expected Allow, Forbid or Replace, found {other:?}"),
                );
                ConcurrencyPolicy::Allow
            }
        },
    };
    let job = job_spec(ctx, &r.spec.job_template.spec, "spec.jobTemplate.spec");
    CronJob {
        meta,
        schedule,
        time_zone: r.spec.time_zone.as_ref().map(|t| t.value.clone()),
        concurrency_policy,
        starting_deadline_seconds: r.spec.starting_deadline_seconds,
        suspend: r.spec.suspend,
        successful_jobs_history_limit: r.spec.successful_jobs_history_limit.unwrap_or(3),
        failed_jobs_history_limit: r.spec.failed_jobs_history_limit.unwrap_or(1),
        job,
        job_labels: r.spec.job_template.metadata.labels.clone(),
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
    let binding_mode = match r.volume_binding_mode.as_ref() {
        None => VolumeBindingMode::Immediate,
        Some(m) => match m.value.as_str() {
            "Immediate" => VolumeBindingMode::Immediate,
            "WaitForFirstConsumer" => VolumeBindingMode::WaitForFirstConsumer,
            other => {
                let line = ctx.line_of(m);
                ctx.error(
                    line,
                    "volumeBindingMode",
                    format!("expected Immediate or WaitForFirstConsumer, found {other:?}"),
                );
                VolumeBindingMode::Immediate
            }
        },
    };
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
