//! Converters for the batch/v1 workloads: Job and CronJob.

use crate::input::limits::{MAX_COMPLETIONS, MAX_PARALLELISM};
use crate::input::manifest::convert::{self as cv, Ctx, RestartRule};
use crate::input::manifest::raw;
use crate::model::pod::RestartPolicy;
use crate::model::workload::*;

/// The actions of a podFailurePolicy rule.
const POD_FAILURE_ACTIONS: &[(&str, PodFailureAction)] = &[
    ("FailJob", PodFailureAction::FailJob),
    ("Ignore", PodFailureAction::Ignore),
    ("Count", PodFailureAction::Count),
    ("FailIndex", PodFailureAction::FailIndex),
];

/// A Job spec (of a Job or a CronJob's jobTemplate).
pub fn job_spec(ctx: &mut Ctx, s: &raw::JobSpec, field: &str) -> JobSpec {
    let completions = s.completions.as_ref().map(|_| {
        cv::non_negative_at_most(
            ctx,
            &s.completions,
            &format!("{field}.completions"),
            1,
            MAX_COMPLETIONS,
        )
    });
    let parallelism = cv::non_negative_at_most(
        ctx,
        &s.parallelism,
        &format!("{field}.parallelism"),
        1,
        MAX_PARALLELISM,
    );
    let completion_mode = completion_mode(ctx, s, field);
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
                    pod_failure_rule(ctx, r, &format!("{field}.podFailurePolicy.rules[{i}]"))
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
    let exit_codes = exit_codes_annotation(ctx, &template, field);
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

/// `completionMode`: NonIndexed (the default) or Indexed.
fn completion_mode(ctx: &mut Ctx, s: &raw::JobSpec, field: &str) -> CompletionMode {
    s.completion_mode
        .as_ref()
        .and_then(|m| {
            cv::enum_value(
                ctx,
                m,
                &format!("{field}.completionMode"),
                &[
                    ("NonIndexed", CompletionMode::NonIndexed),
                    ("Indexed", CompletionMode::Indexed),
                ],
            )
        })
        .unwrap_or(CompletionMode::NonIndexed)
}

/// One podFailurePolicy rule (`field`): its action (Count when missing or unknown) and the
/// exit codes it matches.
fn pod_failure_rule(ctx: &mut Ctx, r: &raw::PodFailureRule, field: &str) -> PodFailureRule {
    let action_field = format!("{field}.action");
    let action = match &r.action {
        Some(a) => cv::enum_value(ctx, a, &action_field, POD_FAILURE_ACTIONS),
        None => {
            ctx.error(
                ctx.doc_line,
                &action_field,
                "a podFailurePolicy rule needs an action (FailJob, Ignore, Count or FailIndex)",
            );
            None
        }
    }
    .unwrap_or(PodFailureAction::Count);
    let codes = r.on_exit_codes.clone().unwrap_or_default();
    PodFailureRule {
        action,
        exit_codes_in: codes.operator != "NotIn",
        exit_codes: codes.values,
    }
}

/// The exit codes the template's `k8sim.io/exit-codes` annotation lists; none without it.
fn exit_codes_annotation(ctx: &mut Ctx, template: &PodTemplate, field: &str) -> Vec<i32> {
    match template.annotations.get(EXIT_CODES_ANNOTATION) {
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
        let checked = crate::input::cron::check_fields(&schedule)
            .map_err(|e| format!("invalid schedule {schedule:?}: {e}"))
            .and_then(|()| crate::model::cron::parse_schedule(&schedule).map(|_| ()));
        if let Err(e) = checked {
            let line = r
                .spec
                .schedule
                .as_ref()
                .map(|s| ctx.line_of(s))
                .unwrap_or(ctx.doc_line);
            ctx.error(line, "spec.schedule", e);
        }
    }
    if let Err(e) =
        crate::model::cron::parse_time_zone(r.spec.time_zone.as_ref().map(|t| t.value.as_str()))
    {
        let line = r
            .spec
            .time_zone
            .as_ref()
            .map(|t| ctx.line_of(t))
            .unwrap_or(ctx.doc_line);
        ctx.error(line, "spec.timeZone", e);
    }
    let concurrency_policy = r
        .spec
        .concurrency_policy
        .as_ref()
        .and_then(|p| {
            cv::enum_value(
                ctx,
                p,
                "spec.concurrencyPolicy",
                &[
                    ("Allow", ConcurrencyPolicy::Allow),
                    ("Forbid", ConcurrencyPolicy::Forbid),
                    ("Replace", ConcurrencyPolicy::Replace),
                ],
            )
        })
        .unwrap_or(ConcurrencyPolicy::Allow);
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
        job_labels: cv::string_map(
            ctx,
            &r.spec.job_template.metadata.labels,
            "spec.jobTemplate.metadata.labels",
        ),
    }
}
