//! Normalizing a recommendation as kube's HPA does (pkg/controller/podautoscaler/
//! horizontal.go): the stabilization windows over the recommendation history, the
//! scaling policies over the scale-event history, and min/max clamping, with the reason
//! and message of the AbleToScale and ScalingLimited conditions.

use crate::engine::SimTime;
use crate::model::autoscaling::{Behavior, PolicyKind, ScalingRules, SelectPolicy};

/// `--horizontal-pod-autoscaler-downscale-stabilization` (5 min), the window used when an
/// HPA has no `behavior`.
pub const DOWNSCALE_STABILIZATION_MS: u64 = 5 * 60 * 1000;

/// A recommendation the HPA made, kept for the stabilization windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recommendation {
    /// Replicas recommended (before stabilization).
    pub replicas: i32,
    /// When.
    pub at: SimTime,
}

/// A scaling the HPA made, kept for the policies' periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleEvent {
    /// Replicas added (scale-up history) or removed (scale-down history).
    pub change: i32,
    /// When.
    pub at: SimTime,
    /// Older than the longest policy period: the slot may be reused.
    pub outdated: bool,
}

/// Per HPA, the histories kube's controller keeps in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Recent recommendations.
    pub recommendations: Vec<Recommendation>,
    /// Recent scale-ups.
    pub scale_up_events: Vec<ScaleEvent>,
    /// Recent scale-downs.
    pub scale_down_events: Vec<ScaleEvent>,
}

/// A condition's status, reason and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The reason (CamelCase).
    pub reason: &'static str,
    /// The message.
    pub message: &'static str,
}

/// The outcome of normalization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The replicas to scale to.
    pub replicas: i32,
    /// AbleToScale (status True) reason.
    pub able_to_scale: Reason,
    /// ScalingLimited reason; `limited` is its status.
    pub scaling_limited: Reason,
    /// ScalingLimited status: the rules changed the stabilized recommendation.
    pub limited: bool,
}

/// A condition reason and its message.
const fn reason(reason: &'static str, message: &'static str) -> Reason {
    Reason { reason, message }
}

const READY: Reason = reason("ReadyForNewScale", "recommended size matches current size");
const UP_STABILIZED: Reason = reason(
    "ScaleUpStabilized",
    "recent recommendations were lower than current one, applying the lowest recent recommendation",
);
const DOWN_STABILIZED: Reason = reason("ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation");
const WITHIN_RANGE: Reason = reason(
    "DesiredWithinRange",
    "the desired count is within the acceptable range",
);
const TOO_MANY: Reason = reason(
    "TooManyReplicas",
    "the desired replica count is more than the maximum replica count",
);
const TOO_FEW: Reason = reason(
    "TooFewReplicas",
    "the desired replica count is less than the minimum replica count",
);
const UP_LIMIT: Reason = reason(
    "ScaleUpLimit",
    "the desired replica count is increasing faster than the maximum scale rate",
);
const DOWN_LIMIT: Reason = reason(
    "ScaleDownLimit",
    "the desired replica count is decreasing faster than the maximum scale rate",
);

/// The bounds a normalization works within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// The target's spec.replicas.
    pub current: i32,
    /// minReplicas.
    pub min: i32,
    /// maxReplicas.
    pub max: i32,
}

/// Whether `at` is strictly after `now - window_ms` (Go's `timestamp.After(cutoff)`).
fn within(at: SimTime, now: SimTime, window_ms: u64) -> bool {
    at.as_millis() as i128 > now.as_millis() as i128 - window_ms as i128
}

/// `normalizeDesiredReplicasWithBehaviors`: stabilize, then limit by the policies and
/// min/max. Records the unstabilized recommendation in `history`.
pub fn with_behavior(
    history: &mut History,
    behavior: &Behavior,
    bounds: Bounds,
    desired: i32,
    now: SimTime,
) -> Normalized {
    let stabilized = stabilize_with_behavior(history, behavior, bounds.current, desired, now);
    let able_to_scale = if stabilized == desired {
        READY
    } else if desired >= bounds.current {
        UP_STABILIZED
    } else {
        DOWN_STABILIZED
    };
    let (replicas, scaling_limited) = limit_with_rates(history, behavior, bounds, stabilized, now);
    Normalized {
        replicas,
        able_to_scale,
        scaling_limited,
        limited: replicas != stabilized,
    }
}

/// `stabilizeRecommendationWithBehaviors`: the current replicas raised to the lowest
/// recommendation within the scale-up window and lowered to the highest within the
/// scale-down window; the recommendation replaces one older than both windows.
fn stabilize_with_behavior(
    history: &mut History,
    behavior: &Behavior,
    current: i32,
    desired: i32,
    now: SimTime,
) -> i32 {
    let up_ms = behavior.scale_up.stabilization_window_s as u64 * 1000;
    let down_ms = behavior.scale_down.stabilization_window_s as u64 * 1000;
    let (mut up, mut down) = (desired, desired);
    let mut old = None;
    for (i, r) in history.recommendations.iter().enumerate() {
        let in_up = within(r.at, now, up_ms);
        let in_down = within(r.at, now, down_ms);
        if in_up {
            up = up.min(r.replicas);
        }
        if in_down {
            down = down.max(r.replicas);
        }
        if before(r.at, now, up_ms) && before(r.at, now, down_ms) {
            old = Some(i);
        }
    }
    record(
        &mut history.recommendations,
        old,
        Recommendation {
            replicas: desired,
            at: now,
        },
    );
    current.max(up).min(down)
}

/// Go's `timestamp.Before(now - window)`.
fn before(at: SimTime, now: SimTime, window_ms: u64) -> bool {
    (at.as_millis() as i128) < now.as_millis() as i128 - window_ms as i128
}

/// Replaces slot `old` or appends.
fn record<T>(list: &mut Vec<T>, old: Option<usize>, item: T) {
    match old {
        Some(i) => list[i] = item,
        None => list.push(item),
    }
}

/// `convertDesiredReplicasWithBehaviorRate`.
fn limit_with_rates(
    history: &History,
    behavior: &Behavior,
    bounds: Bounds,
    desired: i32,
    now: SimTime,
) -> (i32, Reason) {
    if desired > bounds.current {
        let limit =
            scale_up_limit(history, &behavior.scale_up, bounds.current, now).max(bounds.current);
        let (allowed, reason) = if bounds.max > limit {
            (limit, UP_LIMIT)
        } else {
            (bounds.max, TOO_MANY)
        };
        if desired > allowed {
            return (allowed, reason);
        }
    } else if desired < bounds.current {
        let limit = scale_down_limit(history, &behavior.scale_down, bounds.current, now)
            .min(bounds.current);
        let (allowed, reason) = if bounds.min < limit {
            (limit, DOWN_LIMIT)
        } else {
            (bounds.min, TOO_FEW)
        };
        if desired < allowed {
            return (allowed, reason);
        }
    }
    (desired, WITHIN_RANGE)
}

/// `getReplicasChangePerPeriod`: the replicas changed by events within the period.
fn change_in_period(events: &[ScaleEvent], period_s: i32, now: SimTime) -> i32 {
    events
        .iter()
        .filter(|e| within(e.at, now, period_s as u64 * 1000))
        .map(|e| e.change)
        .sum()
}

/// Per policy, the replicas at the start of its period.
fn period_starts<'a>(
    history: &'a History,
    rules: &'a ScalingRules,
    current: i32,
    now: SimTime,
) -> impl Iterator<Item = (PolicyKind, i32, i32)> + 'a {
    rules.policies.iter().map(move |p| {
        let added = change_in_period(&history.scale_up_events, p.period_s, now);
        let removed = change_in_period(&history.scale_down_events, p.period_s, now);
        (p.kind, p.value, current - added + removed)
    })
}

/// `calculateScaleUpLimitWithScalingRules`.
fn scale_up_limit(history: &History, rules: &ScalingRules, current: i32, now: SimTime) -> i32 {
    let proposals =
        period_starts(history, rules, current, now).map(|(kind, value, start)| match kind {
            PolicyKind::Pods => start + value,
            PolicyKind::Percent => (start as f64 * (1.0 + value as f64 / 100.0)).ceil() as i32,
        });
    match rules.select_policy {
        SelectPolicy::Disabled => current,
        SelectPolicy::Min => proposals.fold(i32::MAX, i32::min),
        SelectPolicy::Max => proposals.fold(i32::MIN, i32::max),
    }
}

/// `calculateScaleDownLimitWithBehaviors` (the Percent proposal truncates).
fn scale_down_limit(history: &History, rules: &ScalingRules, current: i32, now: SimTime) -> i32 {
    let proposals =
        period_starts(history, rules, current, now).map(|(kind, value, start)| match kind {
            PolicyKind::Pods => start - value,
            PolicyKind::Percent => (start as f64 * (1.0 - value as f64 / 100.0)) as i32,
        });
    match rules.select_policy {
        SelectPolicy::Disabled => current,
        SelectPolicy::Min => proposals.fold(i32::MIN, i32::max),
        SelectPolicy::Max => proposals.fold(i32::MAX, i32::min),
    }
}

/// `storeScaleEvent`: a scaling from `previous` to `new` replicas joins the history of
/// its direction, reusing the slot of an event older than the direction's longest policy
/// period.
pub fn store_scale_event(
    history: &mut History,
    behavior: &Behavior,
    previous: i32,
    new: i32,
    now: SimTime,
) {
    let (events, rules, change) = if new > previous {
        (
            &mut history.scale_up_events,
            &behavior.scale_up,
            new - previous,
        )
    } else {
        (
            &mut history.scale_down_events,
            &behavior.scale_down,
            previous - new,
        )
    };
    let longest_ms = rules.policies.iter().map(|p| p.period_s).max().unwrap_or(0) as u64 * 1000;
    let mut old = None;
    for (i, e) in events.iter_mut().enumerate() {
        if before(e.at, now, longest_ms) {
            e.outdated = true;
        }
        if e.outdated {
            old = Some(i);
        }
    }
    record(
        events,
        old,
        ScaleEvent {
            change,
            at: now,
            outdated: false,
        },
    );
}

/// `normalizeDesiredReplicas`, for an HPA without `behavior`: the highest recommendation
/// of the downscale stabilization window, then at most max(2 × current, 4) and within
/// min/max.
pub fn without_behavior(
    history: &mut History,
    bounds: Bounds,
    desired: i32,
    now: SimTime,
) -> Normalized {
    let mut stabilized = desired;
    let mut old = None;
    for (i, r) in history.recommendations.iter().enumerate() {
        if before(r.at, now, DOWNSCALE_STABILIZATION_MS) {
            old = Some(i);
        } else if r.replicas > stabilized {
            stabilized = r.replicas;
        }
    }
    record(
        &mut history.recommendations,
        old,
        Recommendation {
            replicas: desired,
            at: now,
        },
    );
    let able_to_scale = if stabilized != desired {
        DOWN_STABILIZED
    } else {
        READY
    };
    let scale_up_limit = (2.0 * bounds.current as f64).max(4.0) as i32;
    let (max_allowed, max_reason) = if bounds.max > scale_up_limit {
        (scale_up_limit, UP_LIMIT)
    } else {
        (bounds.max, TOO_MANY)
    };
    let (replicas, scaling_limited) = if stabilized < bounds.min {
        (bounds.min, TOO_FEW)
    } else if stabilized > max_allowed {
        (max_allowed, max_reason)
    } else {
        (stabilized, WITHIN_RANGE)
    };
    Normalized {
        replicas,
        able_to_scale,
        scaling_limited,
        limited: replicas != stabilized,
    }
}
