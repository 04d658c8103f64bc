//! Plugin names, in one place, spelled as kube-scheduler spells them
//! (pkg/scheduler/framework/plugins/names/names.go).

/// PrioritySort.
pub const PRIORITY_SORT: &str = "PrioritySort";
/// NodeUnschedulable.
pub const NODE_UNSCHEDULABLE: &str = "NodeUnschedulable";
/// NodeAffinity.
pub const NODE_AFFINITY: &str = "NodeAffinity";
/// TaintToleration.
pub const TAINT_TOLERATION: &str = "TaintToleration";
/// NodeResourcesFit.
pub const NODE_RESOURCES_FIT: &str = "NodeResourcesFit";
/// VolumeBinding.
pub const VOLUME_BINDING: &str = "VolumeBinding";
/// VolumeZone.
pub const VOLUME_ZONE: &str = "VolumeZone";
/// VolumeRestrictions.
pub const VOLUME_RESTRICTIONS: &str = "VolumeRestrictions";
