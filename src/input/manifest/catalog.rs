//! The catalog of Kubernetes kinds: which are simulated (with their accepted apiVersions),
//! which are known but not simulated, which were removed, and which API groups are built in.

/// Kinds that are real Kubernetes kinds but do not affect scheduling in k8sim.
pub(super) const NOT_SIMULATED: &[&str] = &[
    "ConfigMap",
    "Secret",
    "Ingress",
    "IngressClass",
    "VerticalPodAutoscaler",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "NetworkPolicy",
    "Namespace",
    "LimitRange",
    "ResourceQuota",
    "Endpoints",
    "EndpointSlice",
    "CustomResourceDefinition",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "RuntimeClass",
    "Lease",
    "APIService",
    "CSIDriver",
    "VolumeAttachment",
    "PodTemplate",
    "ControllerRevision",
    "Event",
    "PodSecurityPolicy",
    "CSINode",
    "CSIStorageCapacity",
    "VolumeAttributesClass",
    "StorageVersionMigration",
    "CertificateSigningRequest",
    "ClusterTrustBundle",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "ServiceCIDR",
    "IPAddress",
    "ResourceClaim",
    "ResourceClaimTemplate",
    "DeviceClass",
    "ResourceSlice",
    "PodTemplateList",
    "Binding",
    "ComponentStatus",
];

/// Not-simulated kinds that a current API server no longer serves, with the release that
/// removed them (kubectl apply fails on such a cluster; k8sim only warns).
pub(super) const REMOVED: &[(&str, &str)] = &[(
    "PodSecurityPolicy",
    "policy/v1beta1 PodSecurityPolicy was removed in Kubernetes 1.25",
)];

/// API groups whose kinds are built into Kubernetes; a kind from any other group is a custom
/// resource, which k8sim cannot know.
pub(super) const BUILTIN_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "networking.k8s.io",
    "storage.k8s.io",
    "scheduling.k8s.io",
    "rbac.authorization.k8s.io",
    "apiextensions.k8s.io",
    "admissionregistration.k8s.io",
    "apiregistration.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "node.k8s.io",
    "certificates.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "resource.k8s.io",
    "storagemigration.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "internal.apiserver.k8s.io",
];

/// The apiVersions accepted for each simulated kind; a deprecated one is marked.
pub(super) fn accepted_versions(
    kind: &str,
) -> Option<&'static [(&'static str, Option<&'static str>)]> {
    Some(match kind {
        "Pod"
        | "Node"
        | "PersistentVolume"
        | "PersistentVolumeClaim"
        | "ReplicationController"
        | "List" => &[("v1", None)],
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => &[("apps/v1", None)],
        "Job" => &[("batch/v1", None)],
        "CronJob" => &[
            ("batch/v1", None),
            (
                "batch/v1beta1",
                Some("batch/v1beta1 CronJob was removed in Kubernetes 1.25; treated as batch/v1"),
            ),
        ],
        "StorageClass" => &[("storage.k8s.io/v1", None)],
        "PriorityClass" => &[("scheduling.k8s.io/v1", None)],
        "Service" => &[("v1", None)],
        "PodDisruptionBudget" => &[("policy/v1", None)],
        "HorizontalPodAutoscaler" => &[("autoscaling/v2", None), ("autoscaling/v1", None)],
        _ => return None,
    })
}
