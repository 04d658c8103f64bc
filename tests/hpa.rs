//! The HorizontalPodAutoscaler (issue 15, item 2): kube's replica calculator and
//! behavior normalization as data tables, the manifest's validation, a usage step driven
//! through calculator and behavior over simulated time, and whole runs for the cases that
//! need no usage (a missing target, missing metrics, replicas below minReplicas).

use k8sim::controllers::hpa::behavior::{self, Bounds, History};
use k8sim::controllers::hpa::calculator::{resource_replicas, CalculatorConfig, PodView, Sample};
use k8sim::engine::SimTime;
use k8sim::input::error::InputError;
use k8sim::input::manifest::{load_str, ManifestSet};
use k8sim::input::scenario::load;
use k8sim::model::autoscaling::*;
use k8sim::model::resources::ResourceNames;
use k8sim::scenario::object::Object;
use k8sim::sim::Simulation;
use std::path::Path;

// ---------------------------------------------------------------------------------------
// Replica calculator: cases of pkg/controller/podautoscaler/replica_calculator_test.go.
// kube's fixture gives each pod 2 containers with the listed request and level each; one
// container per pod is used here, which leaves every utilization and ratio unchanged.
// Pods are Ready, started 10 min before `now` (past the CPU initialization period) unless
// marked; "hot" pods started 30 s before `now` (inside it), as hotCPUCreationTime. Samples
// are taken at `now` over a 60 s window; a pod past the end of `levels` has no metrics.
// ---------------------------------------------------------------------------------------

const NOW: SimTime = SimTime::from_secs(3600);

#[derive(Clone, Copy)]
enum P {
    /// Running and Ready.
    Ok,
    /// Running, Ready condition False since its start.
    Unready,
    /// Ready, started 30 s ago (inside the CPU initialization period).
    Hot,
    /// Unready and started 30 s ago.
    HotUnready,
    /// Pending.
    Pending,
    /// Failed.
    Failed,
    /// deletionTimestamp set.
    Deleting,
}

fn pods(states: &[P], requests_milli: &[i64], levels: &[i64]) -> Vec<PodView> {
    states
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let start = match s {
                P::Hot | P::HotUnready => NOW.as_millis() - 30_000,
                _ => NOW.as_millis() - 600_000,
            };
            PodView {
                deleting: matches!(s, P::Deleting),
                failed: matches!(s, P::Failed),
                pending: matches!(s, P::Pending),
                ready: matches!(s, P::Ok | P::Hot | P::Deleting),
                start: Some(SimTime::from_millis(start)),
                ready_transition: SimTime::from_millis(start),
                request_milli: Ok(requests_milli[i.min(requests_milli.len() - 1)]),
                sample: levels.get(i).map(|v| Sample {
                    value_milli: *v,
                    timestamp: NOW,
                    window_ms: 60_000,
                }),
            }
        })
        .collect()
}

struct Case {
    name: &'static str,
    current: i32,
    states: &'static [P],
    requests: &'static [i64],
    levels: &'static [i64],
    target: MetricTarget,
    cpu: bool,
    expected: i32,
    utilization: Option<i32>,
}

use MetricTarget::{AverageValueMilli as Avg, Utilization as Util};

#[rustfmt::skip]
const CASES: &[Case] = &[
    // 1500m of 3000m = 50 %; 50/30 = 1.667; ceil(1.667 × 3 ready) = 5.
    Case { name: "TestReplicaCalcScaleUp", current: 3, states: &[P::Ok, P::Ok, P::Ok], requests: &[1000], levels: &[300, 500, 700], target: Util(30), cpu: true, expected: 5, utilization: Some(50) },
    // Ready pods: 1200m/2000m = 60 % -> ratio 2 > 1 with an unready pod: it counts as 0:
    // 1200/3000 = 40 % -> 1.333; ceil(1.333 × 3) = 4.
    Case { name: "TestReplicaCalcScaleUpUnreadyLessScale", current: 3, states: &[P::Unready, P::Ok, P::Ok], requests: &[1000], levels: &[300, 500, 700], target: Util(30), cpu: true, expected: 4, utilization: Some(60) },
    // The same with the first pod inside the CPU initialization period.
    Case { name: "TestReplicaCalcScaleUpHotCpuLessScale", current: 3, states: &[P::Hot, P::Ok, P::Ok], requests: &[1000], levels: &[300, 500, 700], target: Util(30), cpu: true, expected: 4, utilization: Some(60) },
    // 400/1000 = 40 % -> 1.333; two unready at 0: 400/3000 = 13 % -> 0.43 flips
    // direction: keep 3.
    Case { name: "TestReplicaCalcScaleUpUnreadyNoScale", current: 3, states: &[P::Ok, P::Unready, P::Unready], requests: &[1000], levels: &[400, 500, 700], target: Util(30), cpu: true, expected: 3, utilization: Some(40) },
    // 1400/5000 = 28 % -> 0.56; ceil(0.56 × 5) = 3.
    Case { name: "TestReplicaCalcScaleDown", current: 5, states: &[P::Ok, P::Ok, P::Ok, P::Ok, P::Ok], requests: &[1000], levels: &[100, 300, 500, 250, 250], target: Util(50), cpu: true, expected: 3, utilization: Some(28) },
    // Ready: 900/3000 = 30 % -> 0.6; a scale-down ignores the unready: ceil(0.6 × 3) = 2.
    Case { name: "TestReplicaCalcScaleDownIncludeUnreadyPods", current: 5, states: &[P::Ok, P::Ok, P::Ok, P::Unready, P::Unready], requests: &[1000], levels: &[100, 300, 500, 250, 250], target: Util(50), cpu: true, expected: 2, utilization: Some(30) },
    // Pending pods are unready, not missing: 100/1000 = 10 % -> 0.2; ceil(0.2 × 1) = 1.
    Case { name: "TestReplicaCalcScaleDownExcludeUnscheduledPods", current: 5, states: &[P::Ok, P::Pending, P::Pending, P::Pending, P::Pending], requests: &[1000], levels: &[100], target: Util(50), cpu: true, expected: 1, utilization: Some(10) },
    // Hot pods are unready for CPU: as IncludeUnreadyPods, 2.
    Case { name: "TestReplicaCalcScaleDownIgnoreHotCpuPods", current: 5, states: &[P::Ok, P::Ok, P::Ok, P::Hot, P::Hot], requests: &[1000], levels: &[100, 300, 500, 250, 250], target: Util(50), cpu: true, expected: 2, utilization: Some(30) },
    // Failed pods are left out: as ScaleDown, 3.
    Case { name: "TestReplicaCalcScaleDownIgnoresFailedPods", current: 5, states: &[P::Ok, P::Ok, P::Ok, P::Ok, P::Ok, P::Failed, P::Failed], requests: &[1000], levels: &[100, 300, 500, 250, 250], target: Util(50), cpu: true, expected: 3, utilization: Some(28) },
    // Pods being deleted are left out (even with metrics): 3.
    Case { name: "TestReplicaCalcScaleDownIgnoresDeletionPods", current: 5, states: &[P::Ok, P::Ok, P::Ok, P::Ok, P::Ok, P::Deleting, P::Deleting], requests: &[1000], levels: &[100, 300, 500, 250, 250, 900, 900], target: Util(50), cpu: true, expected: 3, utilization: Some(28) },
    // 3060/3000 = 102 % -> 1.02, within the 0.1 tolerance: 3.
    Case { name: "TestReplicaCalcTolerance", current: 3, states: &[P::Ok, P::Ok, P::Ok], requests: &[900, 1000, 1100], levels: &[1010, 1030, 1020], target: Util(100), cpu: true, expected: 3, utilization: Some(102) },
    // Ready 495/2000 = 24 % -> 0.24; the 2 missing count 100 % of request on a
    // scale-down: 2495/4000 = 62 % -> 0.62; ceil(0.62 × 4) = 3.
    Case { name: "TestReplicaCalcMissingMetrics", current: 4, states: &[P::Ok, P::Ok, P::Ok, P::Ok], requests: &[1000], levels: &[400, 95], target: Util(100), cpu: true, expected: 3, utilization: Some(24) },
    // 100 % exactly: the missing pod is not filled in; ratio 1 -> 2.
    Case { name: "TestReplicaCalcMissingMetricsNoChangeEq", current: 2, states: &[P::Ok, P::Ok], requests: &[1000], levels: &[1000], target: Util(100), cpu: true, expected: 2, utilization: Some(100) },
    // 190 % -> 1.9; the missing at 0: 1900/2000 = 95 % flips direction: 2.
    Case { name: "TestReplicaCalcMissingMetricsNoChangeGt", current: 2, states: &[P::Ok, P::Ok], requests: &[1000], levels: &[1900], target: Util(100), cpu: true, expected: 2, utilization: Some(190) },
    // 60 % -> 0.6; the missing at 100 %: 1600/2000 = 80 % -> ceil(0.8 × 2) = 2.
    Case { name: "TestReplicaCalcMissingMetricsNoChangeLt", current: 2, states: &[P::Ok, P::Ok], requests: &[1000], levels: &[600], target: Util(100), cpu: true, expected: 2, utilization: Some(60) },
    // Ready 450/1000 = 45 % -> 0.9; missing at 100 %: 1450/2000 = 72 % -> 1.44 flips: 3.
    Case { name: "TestReplicaCalcMissingMetricsUnreadyChange", current: 3, states: &[P::Unready, P::Ok, P::Ok], requests: &[1000], levels: &[100, 450], target: Util(50), cpu: true, expected: 3, utilization: Some(45) },
    Case { name: "TestReplicaCalcMissingMetricsHotCpuNoChange", current: 3, states: &[P::Hot, P::Ok, P::Ok], requests: &[1000], levels: &[100, 450], target: Util(50), cpu: true, expected: 3, utilization: Some(45) },
    // Ready 2000/1000 = 200 % -> 4; unready and missing at 0: 2000/3000 = 66 % -> 1.32;
    // ceil(1.32 × 3) = 4.
    Case { name: "TestReplicaCalcMissingMetricsUnreadyScaleUp", current: 3, states: &[P::Unready, P::Ok, P::Ok], requests: &[1000], levels: &[100, 2000], target: Util(50), cpu: true, expected: 4, utilization: Some(200) },
    Case { name: "TestReplicaCalcMissingMetricsHotCpuScaleUp", current: 3, states: &[P::HotUnready, P::Ok, P::Ok], requests: &[1000], levels: &[100, 2000], target: Util(50), cpu: true, expected: 4, utilization: Some(200) },
    // Ready 200/2000 = 10 % -> 0.2; missing at 100 %: 1200/3000 = 40 % -> 0.8;
    // ceil(0.8 × 3) = 3.
    Case { name: "TestReplicaCalcMissingMetricsUnreadyScaleDown", current: 4, states: &[P::Unready, P::Ok, P::Ok, P::Ok], requests: &[1000], levels: &[100, 100, 100], target: Util(50), cpu: true, expected: 3, utilization: Some(10) },
    // 3 pods for 2 replicas (a surge pod without metrics): 200/2000 -> 0.2; the surge pod
    // at 100 %: 1200/3000 -> 0.8; ceil(2.4) = 3 > 2 on a scale-down: keep 2.
    Case { name: "TestReplicaCalcDuringRollingUpdateWithMaxSurge", current: 2, states: &[P::Ok, P::Ok, P::Ok], requests: &[1000], levels: &[100, 100], target: Util(50), cpu: true, expected: 2, utilization: Some(10) },
    // 10 pods using 150m of 300m on average (requests 400, 200, 310, 290, 302, 298, 301,
    // 299, 300, 300: 3000m): 50 %; target int(100 × (1/(2 × 0.9) + 0.01)) = 56:
    // 50/56 = 0.893, |1 - 0.893| > 0.1 -> ceil(8.93) = 9.
    Case { name: "TestReplicaCalcComputedToleranceAlgImplementation", current: 10, states: &[P::Ok; 10], requests: &[400, 200, 310, 290, 302, 298, 301, 299, 300, 300], levels: &[150; 10], target: Util(56), cpu: true, expected: 9, utilization: Some(50) },
    // Its second half: target int(100 × (1/1.8 + 0.004)) = 55: 50/55 = 0.909, within: 10.
    Case { name: "TestReplicaCalcComputedToleranceAlgImplementation (unscaling)", current: 10, states: &[P::Ok; 10], requests: &[400, 200, 310, 290, 302, 298, 301, 299, 300, 300], levels: &[150; 10], target: Util(55), cpu: true, expected: 10, utilization: Some(50) },
    // Average-value targets (calcPlainMetricReplicas) on memory, where no CPU readiness
    // rule applies, as kube's pod-metric cases: average 20000 / 15000 = 1.333 ->
    // ceil(1.333 × 3) = 4.
    Case { name: "TestReplicaCalcScaleUpCM", current: 3, states: &[P::Ok, P::Ok, P::Ok], requests: &[1000], levels: &[20000, 10000, 30000], target: Avg(15000), cpu: false, expected: 4, utilization: None },
    // 12000 / 20000 = 0.6 -> ceil(3.0) = 3.
    Case { name: "TestReplicaCalcScaleDownCM", current: 5, states: &[P::Ok, P::Ok, P::Ok, P::Ok, P::Ok], requests: &[1000], levels: &[12000; 5], target: Avg(20000), cpu: false, expected: 3, utilization: None },
    // 62000/3 = 20666 / 20000 = 1.033, within: 3.
    Case { name: "TestReplicaCalcToleranceCM", current: 3, states: &[P::Ok, P::Ok, P::Ok], requests: &[1000], levels: &[20000, 21000, 21000], target: Avg(20000), cpu: false, expected: 3, utilization: None },
];

#[test]
fn replica_calculator_matches_kube_cases() {
    let cfg = CalculatorConfig::default();
    for c in CASES {
        let views = pods(c.states, c.requests, c.levels);
        let got = resource_replicas(&views, c.current, c.cpu, c.target, &cfg, NOW)
            .unwrap_or_else(|e| panic!("{}: {e}", c.name));
        assert_eq!(got.replicas, c.expected, "{}", c.name);
        assert_eq!(got.utilization, c.utilization, "{}", c.name);
    }
}

#[test]
fn replica_calculator_errors_as_kube() {
    let cfg = CalculatorConfig::default();
    // TestReplicaCalcEmptyMetrics: no pod has metrics.
    let views = pods(&[P::Ok, P::Ok, P::Ok], &[1000], &[]);
    let e = resource_replicas(&views, 4, true, Util(100), &cfg, NOW).unwrap_err();
    assert_eq!(e, "no metrics returned from resource metrics API");
    // TestReplicaCalcEmptyCPURequest: a container without a cpu request.
    let mut views = pods(&[P::Ok], &[1000], &[200]);
    views[0].request_milli = Err("app of Pod web-1".into());
    let e = resource_replicas(&views, 1, true, Util(100), &cfg, NOW).unwrap_err();
    assert!(
        e.starts_with("missing request for cpu in container app"),
        "{e}"
    );
    // Only unready pods have metrics: "did not receive metrics for any ready pods".
    let views = pods(&[P::Unready, P::Unready], &[1000], &[500, 500]);
    let e = resource_replicas(&views, 2, true, Util(50), &cfg, NOW).unwrap_err();
    assert_eq!(e, "did not receive metrics for any ready pods");
}

/// TestGroupPods' CPU readiness cases, through whole calculations: a ready pod inside
/// the initialization period counts only once a full window of metrics follows its
/// readiness; after the period, an unready pod that was once ready counts.
#[test]
fn cpu_initialization_and_readiness_delay() {
    let cfg = CalculatorConfig::default();
    let mut views = pods(&[P::Ok, P::Ok], &[1000], &[1000, 1000]);
    // Pod 0 became ready 1 min after its start 2 min ago; its sample (window 60 s) is at
    // `now` = ready + 60 s: fresh, it counts. 2000/2000 = 100 % of a 50 % target -> 4.
    views[0].start = Some(SimTime::from_millis(NOW.as_millis() - 120_000));
    views[0].ready_transition = SimTime::from_millis(NOW.as_millis() - 60_000);
    let r = resource_replicas(&views, 2, true, Util(50), &cfg, NOW).unwrap();
    assert_eq!(r.replicas, 4);
    // Ready only 30 s ago: its sample predates ready + window: unready, at 0 on a
    // scale-up: ready pod 1 alone is 100 % -> ratio 2; with pod 0 at 0, 1000/2000 = 50 %
    // -> ratio 1.0, within tolerance: keep 2.
    views[0].ready_transition = SimTime::from_millis(NOW.as_millis() - 30_000);
    let r = resource_replicas(&views, 2, true, Util(50), &cfg, NOW).unwrap();
    assert_eq!(r.replicas, 2);
    // After the period (start 10 min ago), unready since 9 min (ready once, lost it well
    // after the 30 s initial readiness delay): it counts: 4.
    views[0].start = Some(SimTime::from_millis(NOW.as_millis() - 600_000));
    views[0].ready = false;
    views[0].ready_transition = SimTime::from_millis(NOW.as_millis() - 540_000);
    let r = resource_replicas(&views, 2, true, Util(50), &cfg, NOW).unwrap();
    assert_eq!(r.replicas, 4);
    // Never ready (condition last changed 10 s after start, within the 30 s delay):
    // ignored: keep 2 as above.
    views[0].ready_transition = SimTime::from_millis(NOW.as_millis() - 590_000);
    let r = resource_replicas(&views, 2, true, Util(50), &cfg, NOW).unwrap();
    assert_eq!(r.replicas, 2);
}

// ---------------------------------------------------------------------------------------
// Behavior (horizontal.go normalizeDesiredReplicasWithBehaviors, stabilizeRecommendation-
// WithBehaviors, convertDesiredReplicasWithBehaviorRate, calculateScaleUpLimitWith-
// ScalingRules, calculateScaleDownLimitWithBehaviors, storeScaleEvent, and the older
// normalizeDesiredReplicas), the functions horizontal_test.go covers in
// TestNormalizeDesiredReplicasWithBehavior, TestScalingWithRules and
// TestStabilizeRecommendationWithBehaviors; the cases are computed by hand.
// ---------------------------------------------------------------------------------------

fn at(s: u64) -> SimTime {
    SimTime::from_secs(s)
}

fn rules(window_s: i32, select: SelectPolicy, policies: &[(PolicyKind, i32, i32)]) -> ScalingRules {
    ScalingRules {
        stabilization_window_s: window_s,
        select_policy: select,
        policies: policies
            .iter()
            .map(|&(kind, value, period_s)| ScalingPolicy {
                kind,
                value,
                period_s,
            })
            .collect(),
    }
}

fn bounds(current: i32, min: i32, max: i32) -> Bounds {
    Bounds { current, min, max }
}

#[test]
fn default_behavior_limits_scale_up_to_max_of_4_pods_or_100_percent() {
    let b = Behavior::default();
    // 5 -> 100 wanted: Pods 5 + 4 = 9, Percent ceil(5 × 2) = 10; Max -> 10; ScaleUpLimit.
    let mut h = History::default();
    let n = behavior::with_behavior(&mut h, &b, bounds(5, 1, 200), 100, at(100));
    assert_eq!(n.replicas, 10);
    assert!(n.limited);
    assert_eq!(n.scaling_limited.reason, "ScaleUpLimit");
    // 1 -> 100 wanted: Pods 1 + 4 = 5 beats Percent 2.
    let mut h = History::default();
    assert_eq!(
        behavior::with_behavior(&mut h, &b, bounds(1, 1, 200), 100, at(100)).replicas,
        5
    );
    // maxReplicas below the rate limit: TooManyReplicas.
    let mut h = History::default();
    let n = behavior::with_behavior(&mut h, &b, bounds(5, 1, 7), 100, at(100));
    assert_eq!(
        (n.replicas, n.scaling_limited.reason),
        (7, "TooManyReplicas")
    );
}

#[test]
fn scale_events_within_the_period_count_against_the_policy() {
    // Pods 2 per 60 s. 3 -> 4 at t = 100 s is stored; at t = 130 s (within 60 s) the
    // period started at 3, so the limit is 3 + 2 = 5 from current 4; at t = 161 s the
    // event is 61 s old: limit 4 + 2 = 6.
    let b = Behavior {
        scale_up: rules(0, SelectPolicy::Max, &[(PolicyKind::Pods, 2, 60)]),
        scale_down: ScalingRules::default_scale_down(),
    };
    let mut h = History::default();
    behavior::store_scale_event(&mut h, &b, 3, 4, at(100));
    assert_eq!(
        behavior::with_behavior(&mut h, &b, bounds(4, 1, 50), 20, at(130)).replicas,
        5
    );
    assert_eq!(
        behavior::with_behavior(&mut h, &b, bounds(4, 1, 50), 20, at(161)).replicas,
        6
    );
}

#[test]
fn select_policy_min_max_and_disabled() {
    // Scale down from 10 with Pods 3 and Percent 50 (per 60 s): proposals 7 and 5.
    let policies = [(PolicyKind::Pods, 3, 60), (PolicyKind::Percent, 50, 60)];
    let down = |select| Behavior {
        scale_up: ScalingRules::default_scale_up(),
        scale_down: rules(0, select, &policies),
    };
    let mut h = History::default();
    // Max (the biggest change) allows down to 5; Min (the smallest) only to 7.
    let n = behavior::with_behavior(
        &mut h,
        &down(SelectPolicy::Max),
        bounds(10, 1, 20),
        1,
        at(0),
    );
    assert_eq!(
        (n.replicas, n.scaling_limited.reason),
        (5, "ScaleDownLimit")
    );
    let mut h = History::default();
    assert_eq!(
        behavior::with_behavior(
            &mut h,
            &down(SelectPolicy::Min),
            bounds(10, 1, 20),
            1,
            at(0)
        )
        .replicas,
        7
    );
    // Disabled: no scale-down at all.
    let mut h = History::default();
    assert_eq!(
        behavior::with_behavior(
            &mut h,
            &down(SelectPolicy::Disabled),
            bounds(10, 1, 20),
            1,
            at(0)
        )
        .replicas,
        10
    );
    // Percent 50 of 5 truncates: int(5 × 0.5) = 2.
    let b = Behavior {
        scale_up: ScalingRules::default_scale_up(),
        scale_down: rules(0, SelectPolicy::Max, &[(PolicyKind::Percent, 50, 60)]),
    };
    let mut h = History::default();
    assert_eq!(
        behavior::with_behavior(&mut h, &b, bounds(5, 1, 20), 1, at(0)).replicas,
        2
    );
    // minReplicas above the rate limit: TooFewReplicas.
    let mut h = History::default();
    let n = behavior::with_behavior(&mut h, &b, bounds(5, 4, 20), 1, at(0));
    assert_eq!(
        (n.replicas, n.scaling_limited.reason),
        (4, "TooFewReplicas")
    );
}

#[test]
fn stabilization_windows_hold_the_extreme_recommendation() {
    // Scale-down window 300 s, scale-up window 60 s (policies generous).
    let b = Behavior {
        scale_up: rules(60, SelectPolicy::Max, &[(PolicyKind::Percent, 1000, 15)]),
        scale_down: rules(300, SelectPolicy::Max, &[(PolicyKind::Percent, 100, 15)]),
    };
    let mut h = History::default();
    // t=0: 8 recommended, current 8.
    assert_eq!(
        behavior::with_behavior(&mut h, &b, bounds(8, 1, 100), 8, at(0)).replicas,
        8
    );
    // t=15: 3 recommended: the window still holds 8 -> 8, ScaleDownStabilized.
    let n = behavior::with_behavior(&mut h, &b, bounds(8, 1, 100), 3, at(15));
    assert_eq!(
        (n.replicas, n.able_to_scale.reason),
        (8, "ScaleDownStabilized")
    );
    // t=300: the 8 of t=0 is exactly 300 s old, not after the cutoff (0): out of the
    // window; the highest left is 3 (t=15) -> 3.
    assert_eq!(
        behavior::with_behavior(&mut h, &b, bounds(8, 1, 100), 3, at(300)).replicas,
        3
    );
    // Scale-up window: from 3, recommendations 3 (t=300) then 10 at t=330: the lowest of
    // the last 60 s is 3 -> stays 3, ScaleUpStabilized; at t=361 the 3 of t=300 left the
    // window: min(10 (t=330), 10) = 10.
    let n = behavior::with_behavior(&mut h, &b, bounds(3, 1, 100), 10, at(330));
    assert_eq!(
        (n.replicas, n.able_to_scale.reason),
        (3, "ScaleUpStabilized")
    );
    assert_eq!(
        behavior::with_behavior(&mut h, &b, bounds(3, 1, 100), 10, at(361)).replicas,
        10
    );
}

#[test]
fn without_behavior_uses_the_older_rules() {
    // normalizeDesiredReplicas: scale-up limit max(2 × 3, 4) = 6.
    let mut h = History::default();
    let n = behavior::without_behavior(&mut h, bounds(3, 1, 100), 50, at(0));
    assert_eq!((n.replicas, n.scaling_limited.reason), (6, "ScaleUpLimit"));
    // Downscale stabilization 5 min: at t=299 the 50 of t=0 still holds, so the HPA
    // still scales up, limited to max(2 × 6, 4) = 12.
    let n = behavior::without_behavior(&mut h, bounds(6, 1, 100), 2, at(299));
    assert_eq!(
        (n.replicas, n.able_to_scale.reason),
        (12, "ScaleDownStabilized")
    );
    // At t=301 the 50 of t=0 is out: the highest is 2 (t=299 and now).
    assert_eq!(
        behavior::without_behavior(&mut h, bounds(6, 1, 100), 2, at(301)).replicas,
        2
    );
    // Below minReplicas: TooFewReplicas.
    let mut h = History::default();
    let n = behavior::without_behavior(&mut h, bounds(3, 2, 100), 1, at(0));
    assert_eq!(
        (n.replicas, n.scaling_limited.reason),
        (2, "TooFewReplicas")
    );
}

// ---------------------------------------------------------------------------------------
// A usage step, driven through the calculator and the default behavior every 15 s: a
// service with a total CPU demand shared by its ready pods (each requests 500m, target
// 50 %). The done-when case of issue 15: the step moves the HPA to the replica count
// kube's formula gives, within its behaviour limits, and back only after the
// stabilization window.
// ---------------------------------------------------------------------------------------

/// Runs the loop for `until_s` seconds with `demand_milli(t)`; returns replicas per sync.
fn drive(
    initial: i32,
    b: &Behavior,
    until_s: u64,
    demand_milli: impl Fn(u64) -> i64,
) -> Vec<(u64, i32)> {
    let cfg = CalculatorConfig::default();
    let mut h = History::default();
    let mut replicas = initial;
    let mut out = Vec::new();
    let mut t = 600; // pods have run 10 min: past the CPU initialization period
    while t <= until_s {
        let now = SimTime::from_secs(t);
        let per_pod = demand_milli(t) / replicas as i64;
        let views: Vec<PodView> = (0..replicas)
            .map(|_| PodView {
                deleting: false,
                failed: false,
                pending: false,
                ready: true,
                start: Some(SimTime::ZERO),
                ready_transition: SimTime::ZERO,
                request_milli: Ok(500),
                sample: Some(Sample {
                    value_milli: per_pod,
                    timestamp: now,
                    window_ms: 60_000,
                }),
            })
            .collect();
        let p = resource_replicas(&views, replicas, true, Util(50), &cfg, now).unwrap();
        let n = behavior::with_behavior(&mut h, b, bounds(replicas, 2, 20), p.replicas, now);
        if n.replicas != replicas {
            behavior::store_scale_event(&mut h, b, replicas, n.replicas, now);
            replicas = n.replicas; // new pods are ready by the next sync
        }
        out.push((t, replicas));
        t += 15;
    }
    out
}

#[test]
fn usage_step_moves_replicas_by_kubes_formula_and_back_after_stabilization() {
    // Demand 1000m on 4 pods (250m each = 50 %) until t=900 s, then 3000m until t=1200 s,
    // then 1000m again.
    let demand = |t: u64| if (900..1200).contains(&t) { 3000 } else { 1000 };
    let runs = drive(4, &Behavior::default(), 1800, demand);
    let at = |t: u64| runs.iter().find(|(s, _)| *s == t).unwrap().1;
    // Before the step: 250m of 500m = 50 % -> ratio 1: stays 4.
    assert_eq!(at(885), 4);
    // t=900: 750m each = 150 % -> ratio 3; ceil(3 × 4) = 12; limit max(4 + 4, 4 × 2) = 8.
    assert_eq!(at(900), 8);
    // t=915: 3000/8 = 375m = 75 % -> 1.5 -> ceil(12) = 12, limit max(12, 16) -> 12.
    assert_eq!(at(915), 12);
    // t=930: 3000/12 = 250m = 50 %: steady at kube's formula's 12 = ceil(3000/250).
    assert_eq!(at(930), 12);
    // Demand falls at t=1200: 1000/12 = 83m = 16 % -> ceil(0.32 × 12) = 4, but the
    // recommendations of the last 300 s (12) hold it until they age out: the last 12
    // was recommended at t=1185, inside the window up to t=1470; at t=1485 it is exactly
    // 300 s old, no longer after the cutoff, and the HPA drops to 4 (the default
    // scale-down policy allows 100 % per 15 s).
    assert_eq!(at(1200), 12);
    assert_eq!(at(1470), 12);
    assert_eq!(at(1485), 4);
    assert_eq!(at(1800), 4);
}

// ---------------------------------------------------------------------------------------
// Manifests.
// ---------------------------------------------------------------------------------------

fn load_manifest(text: &str) -> Result<ManifestSet, Vec<InputError>> {
    load_str(Path::new("hpa.yaml"), text, &mut ResourceNames::default())
}

fn hpa_of(set: &ManifestSet) -> &HorizontalPodAutoscaler {
    match &set.objects[0].object {
        Object::HorizontalPodAutoscaler(h) => h,
        other => panic!("expected an HPA, found {}", other.kind()),
    }
}

fn first_error(text: &str) -> String {
    match load_manifest(text) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e[0].to_string(),
    }
}

const V2: &str = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 200Mi}}
";

#[test]
fn v2_manifest_with_kube_defaults() {
    let set = load_manifest(V2).unwrap_or_else(|e| panic!("{e:?}"));
    let h = hpa_of(&set);
    assert_eq!(
        h.target,
        ScaleTargetRef {
            kind: TargetKind::Deployment,
            name: "web".into()
        }
    );
    assert_eq!((h.min_replicas, h.max_replicas), (1, 10));
    assert_eq!(h.metrics[0].target, Util(60));
    // 200Mi = 209715200 bytes, in milli-units.
    assert_eq!(h.metrics[1].target, Avg(209_715_200_000));
    assert_eq!(h.behavior, None);
    // A behavior with only scaleDown's window: the rest filled with kube's defaults.
    let text = format!("{V2}  behavior:\n    scaleDown: {{stabilizationWindowSeconds: 60}}\n");
    let set = load_manifest(&text).unwrap_or_else(|e| panic!("{e:?}"));
    let b = hpa_of(&set).behavior.clone().unwrap();
    assert_eq!(b.scale_up, ScalingRules::default_scale_up());
    assert_eq!(b.scale_down.stabilization_window_s, 60);
    assert_eq!(
        b.scale_down.policies,
        ScalingRules::default_scale_down().policies
    );
}

#[test]
fn v1_manifest_is_a_cpu_utilization_metric() {
    let text = "apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {kind: StatefulSet, name: db}
  minReplicas: 2
  maxReplicas: 5
  targetCPUUtilizationPercentage: 70
";
    let set = load_manifest(text).unwrap_or_else(|e| panic!("{e:?}"));
    let h = hpa_of(&set);
    assert_eq!(h.target.kind, TargetKind::StatefulSet);
    assert_eq!((h.min_replicas, h.max_replicas), (2, 5));
    assert_eq!(
        h.metrics,
        vec![ResourceMetric {
            resource: MetricResource::Cpu,
            target: Util(70)
        }]
    );
    // Without a metric, v2 defaults to cpu at 80 %.
    let without_metrics = V2.split("  metrics:\n").next().unwrap();
    let set = load_manifest(without_metrics).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(hpa_of(&set).metrics[0].target, Util(80));
}

#[test]
fn bad_hpa_manifests_name_file_line_and_field() {
    // minReplicas above maxReplicas (validation.go: "must be greater than or equal to
    // `minReplicas`").
    let e = first_error(&V2.replace("  maxReplicas: 10", "  minReplicas: 12\n  maxReplicas: 10"));
    assert!(
        e.contains("hpa.yaml:7") && e.contains("spec.maxReplicas") && e.contains("minReplicas"),
        "{e}"
    );
    // A metric type k8sim does not simulate is named.
    for kind in ["External", "Object", "Pods", "ContainerResource"] {
        let e = first_error(&V2.replacen(
            "  - type: Resource\n    resource: {name: cpu",
            &format!("  - type: {kind}\n    resource: {{name: cpu"),
            1,
        ));
        assert!(
            e.contains("hpa.yaml:8") && e.contains(&format!("metric type {kind} is not simulated")),
            "{e}"
        );
    }
    // A resource other than cpu and memory.
    let e = first_error(&V2.replace("name: cpu", "name: ephemeral-storage"));
    assert!(
        e.contains("spec.metrics[0].resource.name") && e.contains("not simulated"),
        "{e}"
    );
    // Both a utilization and a value.
    let e = first_error(&V2.replace(
        "averageUtilization: 60",
        "averageUtilization: 60, averageValue: 1",
    ));
    assert!(e.contains("may not set both"), "{e}");
    // Utilization 0.
    let e = first_error(&V2.replace("averageUtilization: 60", "averageUtilization: 0"));
    assert!(
        e.contains("averageUtilization") && e.contains("must be greater than 0"),
        "{e}"
    );
    // A typo is an unknown field.
    let e = first_error(&V2.replace("maxReplicas", "maxReplica"));
    assert!(e.contains("maxReplica"), "{e}");
    // maxReplicas missing.
    let e = first_error(&V2.replace("  maxReplicas: 10\n", ""));
    assert!(
        e.contains("spec.maxReplicas") && e.contains("required"),
        "{e}"
    );
    // A target kind that cannot be scaled in k8sim.
    let e = first_error(&V2.replace("kind: Deployment", "kind: DaemonSet"));
    assert!(
        e.contains("spec.scaleTargetRef.kind") && e.contains("DaemonSet"),
        "{e}"
    );
    // Behavior: periodSeconds above 1800, a bad selectPolicy, a window above 3600.
    let with = |b: &str| format!("{V2}  behavior:\n    scaleUp:\n{b}");
    let e = first_error(&with(
        "      policies: [{type: Pods, value: 4, periodSeconds: 1801}]\n",
    ));
    assert!(
        e.contains("spec.behavior.scaleUp.policies[0].periodSeconds") && e.contains("1800"),
        "{e}"
    );
    let e = first_error(&with("      selectPolicy: Largest\n"));
    assert!(
        e.contains("selectPolicy") && e.contains("Max, Min, Disabled"),
        "{e}"
    );
    let e = first_error(&with("      stabilizationWindowSeconds: 3601\n"));
    assert!(
        e.contains("stabilizationWindowSeconds") && e.contains("3600"),
        "{e}"
    );
    let e = first_error(&with(
        "      policies: [{type: Percent, value: 0, periodSeconds: 15}]\n",
    ));
    assert!(
        e.contains("policies[0].value") && e.contains("greater than zero"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------
// Whole runs (metrics are not modelled on this branch: pod_metrics is None).
// ---------------------------------------------------------------------------------------

const SCENARIO: &str = "name: t
seed: 1
duration: 2m
cluster:
  nodes:
    - name: n
      count: 2
      allocatable: {cpu: \"8\", memory: 32Gi, pods: 110}
runtime:
  image_pull: 2s
  container_start: 1s
workloads:
  - objects.yaml
";

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1
        resources: {requests: {cpu: 500m, memory: 128Mi}}
";

fn run(tag: &str, objects: &str) -> Simulation {
    let dir = std::env::temp_dir().join(format!("k8sim-hpa-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("objects.yaml"), objects).unwrap();
    std::fs::write(dir.join("scenario.yaml"), SCENARIO).unwrap();
    let sc = load(&dir.join("scenario.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    sim
}

fn hpa_yaml(target: &str, min: i32) -> String {
    format!(
        "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: web}}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {target}}}\n  minReplicas: {min}\n  maxReplicas: 10\n"
    )
}

#[test]
fn missing_target_is_a_condition_not_a_crash() {
    let sim = run("missing", &format!("{DEPLOYMENT}{}", hpa_yaml("nope", 1)));
    let h = &sim.workloads.hpas[0];
    let c = h.status.condition("AbleToScale").unwrap();
    assert!(!c.status);
    assert_eq!(c.reason, "FailedGetScale");
    assert!(
        c.message.contains("deployments.apps \"nope\" not found"),
        "{}",
        c.message
    );
    // One Warning event (repeats fold into it), and a sync every 15 s over 2 min: 9.
    let warnings: Vec<_> = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.reason == "FailedGetScale")
        .collect();
    assert_eq!(warnings.len(), 1);
    assert_eq!(h.records.len(), 9);
}

#[test]
fn missing_metrics_deactivate_scaling() {
    let sim = run("nometrics", &format!("{DEPLOYMENT}{}", hpa_yaml("web", 1)));
    let h = &sim.workloads.hpas[0];
    let c = h.status.condition("ScalingActive").unwrap();
    assert_eq!(
        (c.status, c.reason.as_str()),
        (false, "FailedGetResourceMetric")
    );
    assert!(
        c.message
            .contains("no metrics returned from resource metrics API"),
        "{}",
        c.message
    );
    assert!(sim.recorder.events.iter().any(|e| e.reason == "FailedComputeMetricsReplicas"
        && e.message.starts_with("invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value")));
    assert_eq!(sim.workloads.deployments[0].spec.replicas, 1);
}

#[test]
fn replicas_below_min_are_raised_at_the_first_sync() {
    let sim = run("belowmin", &format!("{DEPLOYMENT}{}", hpa_yaml("web", 3)));
    assert_eq!(sim.workloads.deployments[0].spec.replicas, 3);
    let e = sim
        .recorder
        .events
        .iter()
        .find(|e| e.reason == "SuccessfulRescale")
        .unwrap();
    assert_eq!(
        e.message,
        "New size: 3; reason: Current number of replicas below Spec.MinReplicas"
    );
    assert_eq!(e.time, SimTime::ZERO);
    let h = &sim.workloads.hpas[0];
    assert_eq!(h.status.last_scale_time, Some(SimTime::ZERO));
    assert_eq!(h.status.current_replicas, 3);
}

fn kubectl(sim: &Simulation, words: &str) -> String {
    let words: Vec<String> = words.split_whitespace().map(String::from).collect();
    let req = k8sim::kubectl::parse(&words).unwrap();
    k8sim::kubectl::render(sim, &req).unwrap_or_else(|e| e)
}

#[test]
fn kubectl_get_and_describe_hpa_and_hpa_csv() {
    let mut sim = run("views", &format!("{DEPLOYMENT}{}", hpa_yaml("web", 3)));
    // The run ends at 2m: the HPA (created at 0) is 2m old; no metrics: <unknown>.
    let get = kubectl(&sim, "get hpa");
    let lines: Vec<&str> = get.lines().collect();
    let cells: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "NAME",
            "REFERENCE",
            "TARGETS",
            "MINPODS",
            "MAXPODS",
            "REPLICAS",
            "AGE"
        ]
    );
    let row: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        row,
        [
            "web",
            "Deployment/web",
            "cpu:",
            "<unknown>/80%",
            "3",
            "10",
            "3",
            "2m"
        ]
    );
    let d = kubectl(&sim, "describe hpa web");
    assert!(
        d.contains("Reference:") && d.contains("Deployment/web"),
        "{d}"
    );
    assert!(
        d.contains("resource cpu on pods  (as a percentage of request):  <unknown> / 80%"),
        "{d}"
    );
    assert!(
        d.contains("Deployment pods:") && d.contains("3 current / 3 desired"),
        "{d}"
    );
    assert!(
        d.contains("ScalingActive") && d.contains("FailedGetResourceMetric"),
        "{d}"
    );
    assert!(
        d.contains("SuccessfulRescale")
            && d.contains("New size: 3; reason: Current number of replicas below Spec.MinReplicas"),
        "{d}"
    );
    assert!(kubectl(&sim, "describe hpa nope").contains("NotFound"));
    // hpa.csv: one row per sync and metric; 9 syncs (0, 15, ..., 120 s).
    let dir = std::env::temp_dir().join(format!("k8sim-hpa-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let record = sim.take_record(sim.summary());
    k8sim::output::table_file::write(&k8sim::output::hpa_file::hpa_table(&record, &dir)).unwrap();
    let csv = std::fs::read_to_string(dir.join("hpa.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], k8sim::output::hpa_file::HPA_HEADER);
    assert_eq!(rows.len(), 1 + 9);
    // At 0 the target had 0 pods; desired 3 (raised to minReplicas); no metric yet.
    assert_eq!(
        rows[1],
        "0.000,default,web,Deployment/web,0,3,cpu_utilization_percent,,80"
    );
    assert!(
        rows[9].starts_with("120.000,default,web,Deployment/web,3,3,"),
        "{}",
        rows[9]
    );
}

/// `kubectl apply` of an HPA that exists changes its spec (one HPA, not two): minReplicas
/// 3 applied at 30 s raises the Deployment from 1 to 3 at the next sync.
#[test]
fn reapplying_an_hpa_updates_it() {
    let dir = std::env::temp_dir().join(format!("k8sim-hpa-{}-reapply", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("objects.yaml"),
        format!("{DEPLOYMENT}{}", hpa_yaml("web", 1)),
    )
    .unwrap();
    std::fs::write(dir.join("hpa3.yaml"), hpa_yaml("web", 3)).unwrap();
    let scenario =
        format!("{SCENARIO}timeline:\n  - at: 30s\n    kubectl: kubectl apply -f hpa3.yaml\n");
    std::fs::write(dir.join("scenario.yaml"), scenario).unwrap();
    let sc = load(&dir.join("scenario.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    assert_eq!(sim.workloads.hpas.len(), 1);
    assert_eq!(sim.workloads.hpas[0].spec.min_replicas, 3);
    assert_eq!(sim.workloads.deployments[0].spec.replicas, 3);
    let e = sim
        .recorder
        .events
        .iter()
        .find(|e| e.reason == "SuccessfulRescale")
        .unwrap();
    // Syncs at 0, 15, 30, 45 s: the apply at 30 s lands after or before the 30 s sync;
    // the rescale is at 30 or 45 s, never before the apply.
    assert!(
        e.time >= SimTime::from_secs(30) && e.time <= SimTime::from_secs(45),
        "{:?}",
        e.time
    );
}
