//! A HorizontalPodAutoscaler as the manifest reader validated it (`autoscaling/v2`, or
//! `autoscaling/v1` converted to v2), with kube's defaults already applied.

use super::workload::ObjectMeta;

/// A HorizontalPodAutoscaler.
#[derive(Debug, Clone, PartialEq)]
pub struct HorizontalPodAutoscaler {
    /// metadata.
    pub meta: ObjectMeta,
    /// spec.scaleTargetRef.
    pub target: ScaleTargetRef,
    /// spec.minReplicas (default 1).
    pub min_replicas: i32,
    /// spec.maxReplicas.
    pub max_replicas: i32,
    /// spec.metrics (v2 default: cpu at 80 % utilization when none is given).
    pub metrics: Vec<ResourceMetric>,
    /// spec.behavior with every field defaulted; `None` when the manifest has none (kube
    /// then applies its older rules: horizontal.go `normalizeDesiredReplicas`).
    pub behavior: Option<Behavior>,
}

/// The workload kinds an HPA can scale in k8sim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TargetKind {
    /// apps/v1 Deployment.
    Deployment,
    /// apps/v1 StatefulSet.
    StatefulSet,
    /// apps/v1 ReplicaSet.
    ReplicaSet,
}

impl TargetKind {
    /// The kind as Kubernetes spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Deployment => "Deployment",
            TargetKind::StatefulSet => "StatefulSet",
            TargetKind::ReplicaSet => "ReplicaSet",
        }
    }
}

/// spec.scaleTargetRef.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleTargetRef {
    /// kind.
    pub kind: TargetKind,
    /// name (in the HPA's namespace).
    pub name: String,
}

/// The resource a Resource metric measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MetricResource {
    /// cpu (milli-cores).
    Cpu,
    /// memory (bytes).
    Memory,
}

impl MetricResource {
    /// The resource name as Kubernetes spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricResource::Cpu => "cpu",
            MetricResource::Memory => "memory",
        }
    }
}

/// A metric's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricTarget {
    /// averageUtilization: percent of the pods' requests.
    Utilization(i32),
    /// averageValue, in milli-units of the resource (millicores; milli-bytes for memory,
    /// as kube's `MilliValue()`).
    AverageValueMilli(i64),
}

/// A `type: Resource` metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceMetric {
    /// resource.name.
    pub resource: MetricResource,
    /// resource.target.
    pub target: MetricTarget,
}

/// spec.behavior: one rule set per direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behavior {
    /// scaleUp.
    pub scale_up: ScalingRules,
    /// scaleDown.
    pub scale_down: ScalingRules,
}

/// selectPolicy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectPolicy {
    /// The policy allowing the biggest change.
    Max,
    /// The policy allowing the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

/// The kind of a scaling policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// A number of pods.
    Pods,
    /// A percentage of the replicas at the start of the period.
    Percent,
}

/// One HPAScalingPolicy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScalingPolicy {
    /// type.
    pub kind: PolicyKind,
    /// value (> 0).
    pub value: i32,
    /// periodSeconds (1..=1800).
    pub period_s: i32,
}

/// HPAScalingRules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalingRules {
    /// stabilizationWindowSeconds (0..=3600).
    pub stabilization_window_s: i32,
    /// selectPolicy.
    pub select_policy: SelectPolicy,
    /// policies.
    pub policies: Vec<ScalingPolicy>,
}

impl ScalingRules {
    /// kube's default scale-up rules (pkg/apis/autoscaling/v2/defaults.go
    /// `GenerateHPAScaleUpRules`): no stabilization, the larger of 100 % or 4 pods per 15 s.
    pub fn default_scale_up() -> Self {
        ScalingRules {
            stabilization_window_s: 0,
            select_policy: SelectPolicy::Max,
            policies: vec![
                ScalingPolicy {
                    kind: PolicyKind::Pods,
                    value: 4,
                    period_s: 15,
                },
                ScalingPolicy {
                    kind: PolicyKind::Percent,
                    value: 100,
                    period_s: 15,
                },
            ],
        }
    }

    /// kube's default scale-down rules (`GenerateHPAScaleDownRules`): a 300 s
    /// stabilization window, up to 100 % per 15 s.
    pub fn default_scale_down() -> Self {
        ScalingRules {
            stabilization_window_s: 300,
            select_policy: SelectPolicy::Max,
            policies: vec![ScalingPolicy {
                kind: PolicyKind::Percent,
                value: 100,
                period_s: 15,
            }],
        }
    }
}

impl Default for Behavior {
    fn default() -> Self {
        Behavior {
            scale_up: ScalingRules::default_scale_up(),
            scale_down: ScalingRules::default_scale_down(),
        }
    }
}
