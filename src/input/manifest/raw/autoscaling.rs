//! Raw `autoscaling/v2` and `autoscaling/v1` HorizontalPodAutoscaler documents.

use super::{Meta, NotSimulated, Scalar};
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A HorizontalPodAutoscaler of `autoscaling/v2`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct HorizontalPodAutoscalerV2 {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: HpaSpecV2,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
    #[serde(rename = "status")]
    pub status_: NotSimulated,
}

/// spec of `autoscaling/v2`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct HpaSpecV2 {
    /// scaleTargetRef.
    pub scale_target_ref: Option<Spanned<ScaleTargetRef>>,
    /// minReplicas.
    pub min_replicas: Option<Spanned<i64>>,
    /// maxReplicas.
    pub max_replicas: Option<Spanned<i64>>,
    /// metrics.
    pub metrics: Vec<Spanned<MetricSpec>>,
    /// behavior.
    pub behavior: Option<Behavior>,
}

/// A HorizontalPodAutoscaler of `autoscaling/v1`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct HorizontalPodAutoscalerV1 {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: HpaSpecV1,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
    #[serde(rename = "status")]
    pub status_: NotSimulated,
}

/// spec of `autoscaling/v1`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct HpaSpecV1 {
    /// scaleTargetRef.
    pub scale_target_ref: Option<Spanned<ScaleTargetRef>>,
    /// minReplicas.
    pub min_replicas: Option<Spanned<i64>>,
    /// maxReplicas.
    pub max_replicas: Option<Spanned<i64>>,
    /// targetCPUUtilizationPercentage.
    #[serde(rename = "targetCPUUtilizationPercentage")]
    pub target_cpu_utilization_percentage: Option<Spanned<i64>>,
}

/// CrossVersionObjectReference.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct ScaleTargetRef {
    /// kind.
    pub kind: Option<Spanned<String>>,
    /// name.
    pub name: Option<Spanned<String>>,
    /// apiVersion.
    pub api_version: Option<Spanned<String>>,
}

/// MetricSpec.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct MetricSpec {
    /// type.
    #[serde(rename = "type")]
    pub type_: Option<Spanned<String>>,
    /// resource.
    pub resource: Option<ResourceMetricSource>,
    // Sources of metric types k8sim does not simulate: `type` names them in the error.
    #[serde(rename = "pods")]
    pub pods_: NotSimulated,
    #[serde(rename = "object")]
    pub object_: NotSimulated,
    #[serde(rename = "external")]
    pub external_: NotSimulated,
    #[serde(rename = "containerResource")]
    pub container_resource_: NotSimulated,
}

/// ResourceMetricSource.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ResourceMetricSource {
    /// name.
    pub name: Option<Spanned<String>>,
    /// target.
    pub target: Option<Spanned<MetricTarget>>,
}

/// MetricTarget.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct MetricTarget {
    /// type.
    #[serde(rename = "type")]
    pub type_: Option<Spanned<String>>,
    /// averageUtilization.
    pub average_utilization: Option<Spanned<i64>>,
    /// averageValue.
    pub average_value: Option<Spanned<Scalar>>,
    /// value.
    pub value: Option<Spanned<Scalar>>,
}

/// HorizontalPodAutoscalerBehavior.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Behavior {
    /// scaleUp.
    pub scale_up: Option<ScalingRules>,
    /// scaleDown.
    pub scale_down: Option<ScalingRules>,
}

/// HPAScalingRules.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct ScalingRules {
    /// stabilizationWindowSeconds.
    pub stabilization_window_seconds: Option<Spanned<i64>>,
    /// selectPolicy.
    pub select_policy: Option<Spanned<String>>,
    /// policies.
    pub policies: Option<Vec<Spanned<ScalingPolicy>>>,
    /// tolerance (HPAConfigurableTolerance): read only to reject it by name.
    pub tolerance: Option<Spanned<Scalar>>,
}

/// HPAScalingPolicy.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct ScalingPolicy {
    /// type.
    #[serde(rename = "type")]
    pub type_: Option<Spanned<String>>,
    /// value.
    pub value: Option<Spanned<i64>>,
    /// periodSeconds.
    pub period_seconds: Option<Spanned<i64>>,
}
