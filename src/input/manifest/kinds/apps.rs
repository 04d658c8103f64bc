//! Converters for the apps/v1 workloads (Deployment, ReplicaSet, StatefulSet, DaemonSet) and
//! the core/v1 ReplicationController.

use super::pvc;
use crate::input::limits::MAX_REPLICAS;
use crate::input::manifest::convert::{self as cv, Ctx, RestartRule};
use crate::input::manifest::raw;
use crate::model::workload::*;
use serde_saphyr::Spanned;

/// Default number of old ReplicaSets kept (apps/v1 default).
const DEFAULT_REVISION_HISTORY_LIMIT: i32 = 10;

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

/// What every replicated apps/v1 workload has: metadata, a replica count (default 1), a pod
/// template whose restartPolicy must be Always, and a selector that matches its labels.
struct Replicated {
    meta: ObjectMeta,
    replicas: i32,
    template: PodTemplate,
    selector: crate::model::labels::LabelSelector,
}

fn replicated(ctx: &mut Ctx, r: &raw::Controller, kind: &str) -> Replicated {
    let meta = cv::meta(ctx, &r.metadata, kind);
    let replicas =
        cv::non_negative_at_most(ctx, &r.spec.replicas, "spec.replicas", 1, MAX_REPLICAS);
    let template = cv::pod_template(
        ctx,
        &r.spec.template,
        "spec.template",
        RestartRule::AlwaysOnly,
    );
    let selector = cv::selector_matching_template(ctx, &r.spec.selector, &template);
    Replicated {
        meta,
        replicas,
        template,
        selector,
    }
}

/// A Deployment.
pub fn deployment(ctx: &mut Ctx, r: &raw::Controller) -> Deployment {
    let Replicated {
        meta,
        replicas,
        template,
        selector,
    } = replicated(ctx, r, "Deployment");
    let rolling_update = match &r.spec.strategy.kind {
        None => true,
        Some(k) => cv::enum_value(
            ctx,
            k,
            "spec.strategy.type",
            &[("RollingUpdate", true), ("Recreate", false)],
        )
        .unwrap_or(false),
    };
    let strategy = if rolling_update {
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
    } else {
        DeploymentStrategy::Recreate
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
        min_ready_seconds: min_ready_seconds(ctx, &r.spec.min_ready_seconds),
        progress_deadline_seconds: progress_deadline_seconds(
            ctx,
            &r.spec.progress_deadline_seconds,
            &r.spec.min_ready_seconds,
        ),
        paused: r.spec.paused,
    }
}

/// A ReplicaSet.
pub fn replica_set(ctx: &mut Ctx, r: &raw::Controller) -> ReplicaSet {
    let Replicated {
        meta,
        replicas,
        template,
        selector,
    } = replicated(ctx, r, "ReplicaSet");
    ReplicaSet {
        meta,
        replicas,
        selector,
        template,
        min_ready_seconds: min_ready_seconds(ctx, &r.spec.min_ready_seconds),
    }
}

/// A ReplicationController, simulated as the equivalent ReplicaSet: its map selector becomes
/// `matchLabels` and defaults to the template's labels (core/v1 defaulting,
/// pkg/apis/core/v1/defaults.go `SetDefaults_ReplicationController`).
pub fn replication_controller(ctx: &mut Ctx, r: &raw::ReplicationController) -> ReplicaSet {
    let meta = cv::meta(ctx, &r.metadata, "ReplicationController");
    let replicas =
        cv::non_negative_at_most(ctx, &r.spec.replicas, "spec.replicas", 1, MAX_REPLICAS);
    let raw_template = r.spec.template.clone().unwrap_or_default();
    let template = cv::pod_template(ctx, &raw_template, "spec.template", RestartRule::AlwaysOnly);
    let selector = match &r.spec.selector {
        Some(s) if !s.value.is_empty() => {
            let selector = Spanned::new(
                raw::LabelSelector {
                    match_labels: s.value.clone(),
                    match_expressions: vec![],
                },
                s.referenced,
                s.defined,
            );
            cv::selector_matching_template(ctx, &Some(selector), &template)
        }
        // Defaulted from the template's labels, so it matches them by construction.
        _ if !template.labels.is_empty() => crate::model::labels::LabelSelector {
            match_labels: template.labels.clone(),
            match_expressions: vec![],
        },
        _ => cv::selector_matching_template(ctx, &None, &template),
    };
    ReplicaSet {
        meta,
        replicas,
        selector,
        template,
        min_ready_seconds: min_ready_seconds(ctx, &r.spec.min_ready_seconds),
    }
}

/// A StatefulSet.
pub fn stateful_set(ctx: &mut Ctx, r: &raw::Controller) -> StatefulSet {
    let Replicated {
        meta,
        replicas,
        template,
        selector,
    } = replicated(ctx, r, "StatefulSet");
    let pod_management = r
        .spec
        .pod_management_policy
        .as_ref()
        .and_then(|p| {
            cv::enum_value(
                ctx,
                p,
                "spec.podManagementPolicy",
                &[
                    ("OrderedReady", PodManagementPolicy::OrderedReady),
                    ("Parallel", PodManagementPolicy::Parallel),
                ],
            )
        })
        .unwrap_or(PodManagementPolicy::OrderedReady);
    let update_strategy = if !update_strategy_is_rolling(ctx, &r.spec.update_strategy) {
        StatefulSetUpdate::OnDelete
    } else {
        let ru = r.spec.update_strategy.rolling_update.as_ref();
        StatefulSetUpdate::RollingUpdate {
            partition: ru.and_then(|r| r.partition).unwrap_or(0),
            max_unavailable: ru
                .and_then(|r| r.max_unavailable.as_ref())
                .map(|v| {
                    cv::int_or_percent(ctx, v, "spec.updateStrategy.rollingUpdate.maxUnavailable")
                })
                .unwrap_or(IntOrPercent::Int(1)),
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
        min_ready_seconds: min_ready_seconds(ctx, &r.spec.min_ready_seconds),
        revision_history_limit: r
            .spec
            .revision_history_limit
            .unwrap_or(DEFAULT_REVISION_HISTORY_LIMIT),
    }
}

/// Whether a StatefulSet's or DaemonSet's `updateStrategy.type` is RollingUpdate (the
/// default) rather than OnDelete; an unknown type is an error and counts as OnDelete.
fn update_strategy_is_rolling(ctx: &mut Ctx, s: &raw::Strategy) -> bool {
    match &s.kind {
        None => true,
        Some(k) => cv::enum_value(
            ctx,
            k,
            "spec.updateStrategy.type",
            &[("RollingUpdate", true), ("OnDelete", false)],
        )
        .unwrap_or(false),
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
    let max_unavailable = update_strategy_is_rolling(ctx, &r.spec.update_strategy).then(|| {
        r.spec
            .update_strategy
            .rolling_update
            .as_ref()
            .and_then(|r| r.max_unavailable.as_ref())
            .map(|v| cv::int_or_percent(ctx, v, "spec.updateStrategy.rollingUpdate.maxUnavailable"))
            .unwrap_or(IntOrPercent::Int(1))
    });
    DaemonSet {
        meta,
        selector,
        template,
        max_unavailable,
    }
}

/// `spec.minReadySeconds` (default 0); a negative value is an error, as in kube's
/// apps validation (pkg/apis/apps/validation `ValidateNonnegativeField` on every
/// workload's minReadySeconds).
fn min_ready_seconds(ctx: &mut Ctx, value: &Option<Spanned<i32>>) -> i32 {
    let Some(s) = value else {
        return 0;
    };
    if s.value < 0 {
        let line = ctx.line_of(s);
        ctx.error(
            line,
            "spec.minReadySeconds",
            format!("{} must be greater than or equal to 0", s.value),
        );
        return 0;
    }
    s.value
}

/// A Deployment's `spec.progressDeadlineSeconds` (default 600): non-negative and greater
/// than minReadySeconds (kube's `ValidateDeploymentSpec`, checked after defaulting, so a
/// minReadySeconds of 600 or more needs an explicit, larger deadline).
fn progress_deadline_seconds(
    ctx: &mut Ctx,
    value: &Option<Spanned<i32>>,
    min_ready: &Option<Spanned<i32>>,
) -> i32 {
    let v = value.as_ref().map_or(600, |s| s.value);
    let min_ready_seconds = min_ready.as_ref().map_or(0, |s| s.value);
    let line = match (value, min_ready) {
        (Some(s), _) | (None, Some(s)) => ctx.line_of(s),
        (None, None) => ctx.doc_line,
    };
    if v < 0 {
        ctx.error(
            line,
            "spec.progressDeadlineSeconds",
            format!("{v} must be greater than or equal to 0"),
        );
    } else if v <= min_ready_seconds {
        ctx.error(
            line,
            "spec.progressDeadlineSeconds",
            format!("{v} must be greater than minReadySeconds ({min_ready_seconds})"),
        );
    }
    v
}
