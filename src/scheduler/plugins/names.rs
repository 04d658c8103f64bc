//! Plugin names, in one place, spelled as kube-scheduler spells them
//! (pkg/scheduler/framework/plugins/names/names.go), plus k8sim's own policy plugins.

/// PrioritySort (QueueSort).
pub const PRIORITY_SORT: &str = "PrioritySort";
/// SchedulingGates (PreEnqueue).
pub const SCHEDULING_GATES: &str = "SchedulingGates";
/// NodeUnschedulable (Filter).
pub const NODE_UNSCHEDULABLE: &str = "NodeUnschedulable";
/// NodeName (Filter).
pub const NODE_NAME: &str = "NodeName";
/// NodePorts (Filter).
pub const NODE_PORTS: &str = "NodePorts";
/// NodeAffinity (Filter, Score).
pub const NODE_AFFINITY: &str = "NodeAffinity";
/// TaintToleration (Filter, Score).
pub const TAINT_TOLERATION: &str = "TaintToleration";
/// NodeResourcesFit (Filter, Score).
pub const NODE_RESOURCES_FIT: &str = "NodeResourcesFit";
/// NodeResourcesBalancedAllocation (Score).
pub const NODE_RESOURCES_BALANCED_ALLOCATION: &str = "NodeResourcesBalancedAllocation";
/// ImageLocality (Score).
pub const IMAGE_LOCALITY: &str = "ImageLocality";
/// PodTopologySpread (Filter, Score).
pub const POD_TOPOLOGY_SPREAD: &str = "PodTopologySpread";
/// InterPodAffinity (Filter, Score).
pub const INTER_POD_AFFINITY: &str = "InterPodAffinity";
/// VolumeBinding (written with the storage model).
pub const VOLUME_BINDING: &str = "VolumeBinding";
/// VolumeZone (written with the storage model).
pub const VOLUME_ZONE: &str = "VolumeZone";
/// VolumeRestrictions (written with the storage model).
pub const VOLUME_RESTRICTIONS: &str = "VolumeRestrictions";
/// DefaultPreemption (PostFilter).
pub const DEFAULT_PREEMPTION: &str = "DefaultPreemption";
/// DefaultBinder (Bind).
pub const DEFAULT_BINDER: &str = "DefaultBinder";

/// k8sim: dominant resource fairness across namespaces (QueueSort).
pub const DOMINANT_RESOURCE_FAIRNESS: &str = "DominantResourceFairness";
/// k8sim: the feasible node with the lowest index wins (Score).
pub const FIRST_FIT: &str = "FirstFit";
/// k8sim: the feasible node left with the least free capacity wins (Score).
pub const BEST_FIT: &str = "BestFit";
/// k8sim: the feasible node left with the most free capacity wins (Score).
pub const WORST_FIT: &str = "WorstFit";
/// k8sim: the next feasible node after the last one chosen wins (Score, Reserve).
pub const ROUND_ROBIN: &str = "RoundRobin";
/// k8sim: dot product of the pod's demand and the node's free capacity (Score).
pub const TETRIS: &str = "Tetris";
