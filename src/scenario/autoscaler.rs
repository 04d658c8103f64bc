//! The Cluster Autoscaler's settings as the simulation consumes them: the flags of the
//! top-level `autoscaler:` section (defaults of the cluster-autoscaler FAQ, "What are the
//! parameters to CA?") and each autoscaled node group's bounds, template and
//! provisioning time.

use crate::model::node::NodeSpec;
use crate::model::pod::RunDuration;

/// One expander: how CA picks among the node groups that could help (`--expander`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expander {
    /// Any option, uniformly at random.
    Random,
    /// The option that schedules the most pods.
    MostPods,
    /// The option that leaves the least CPU and memory idle on the new nodes.
    LeastWaste,
    /// The cheapest option per pod helped (group `price_per_hour`).
    Price,
    /// The option of the highest-priority group (`priorities`).
    Priority,
}

impl Expander {
    /// Spelling in the scenario file and in CA's flag.
    pub fn as_str(&self) -> &'static str {
        match self {
            Expander::Random => "random",
            Expander::MostPods => "most-pods",
            Expander::LeastWaste => "least-waste",
            Expander::Price => "price",
            Expander::Priority => "priority",
        }
    }
}

/// An autoscaled node group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupScaling {
    /// Group name (node names are `<name>-<k>`).
    pub name: String,
    /// Fewest nodes CA keeps.
    pub min: u32,
    /// Most nodes CA creates.
    pub max: u32,
    /// Time from the scale-up decision to a Ready node.
    pub provisioning: RunDuration,
    /// The node a new member of the group is (CA's template node).
    pub template: NodeSpec,
    /// Price of one node-hour, if the group is priced (for the `price` expander).
    pub price_per_hour: Option<f64>,
}

/// The priority expander's configuration: groups whose name matches one of a priority's
/// regular expressions get that priority (the `cluster-autoscaler-priority-expander`
/// ConfigMap's `priorities`).
#[derive(Debug, Clone, PartialEq)]
pub struct PriorityTier {
    /// The priority (higher wins).
    pub priority: i32,
    /// Regular expressions over group names (Go RE2 syntax, unanchored as in CA).
    pub patterns: Vec<String>,
}

/// The Cluster Autoscaler of a scenario (present only when a node group is autoscaled).
#[derive(Debug, Clone, PartialEq)]
pub struct AutoscalerSpec {
    /// `--scan-interval` (10s).
    pub scan_interval_ms: u64,
    /// `--expander` (least-waste), applied in order, ties broken at random.
    pub expanders: Vec<Expander>,
    /// `--max-nodes-total` (0: unlimited).
    pub max_nodes_total: u32,
    /// `--max-node-provision-time` (15m).
    pub max_node_provision_ms: u64,
    /// `--initial-node-group-backoff-duration` (5m).
    pub initial_backoff_ms: u64,
    /// `--max-node-group-backoff-duration` (30m).
    pub max_backoff_ms: u64,
    /// `--scale-down-enabled` (true).
    pub scale_down_enabled: bool,
    /// `--scale-down-utilization-threshold` (0.5).
    pub scale_down_utilization_threshold: f64,
    /// `--scale-down-unneeded-time` (10m).
    pub scale_down_unneeded_ms: u64,
    /// `--scale-down-delay-after-add` (10m).
    pub scale_down_delay_after_add_ms: u64,
    /// `--scale-down-delay-after-delete` (0s).
    pub scale_down_delay_after_delete_ms: u64,
    /// `--scale-down-delay-after-failure` (3m).
    pub scale_down_delay_after_failure_ms: u64,
    /// `--new-pod-scale-up-delay` (0s).
    pub new_pod_scale_up_delay_ms: u64,
    /// `--max-empty-bulk-delete` (10).
    pub max_empty_bulk_delete: u32,
    /// `--max-graceful-termination-sec` (600).
    pub max_graceful_termination_s: i64,
    /// `--skip-nodes-with-local-storage` (true).
    pub skip_nodes_with_local_storage: bool,
    /// `--skip-nodes-with-system-pods` (true).
    pub skip_nodes_with_system_pods: bool,
    /// The priority expander's tiers.
    pub priorities: Vec<PriorityTier>,
    /// The autoscaled node groups, in file order.
    pub groups: Vec<GroupScaling>,
}

impl Default for AutoscalerSpec {
    fn default() -> Self {
        AutoscalerSpec {
            scan_interval_ms: 10_000,
            expanders: vec![Expander::LeastWaste],
            max_nodes_total: 0,
            max_node_provision_ms: 15 * 60_000,
            initial_backoff_ms: 5 * 60_000,
            max_backoff_ms: 30 * 60_000,
            scale_down_enabled: true,
            scale_down_utilization_threshold: 0.5,
            scale_down_unneeded_ms: 10 * 60_000,
            scale_down_delay_after_add_ms: 10 * 60_000,
            scale_down_delay_after_delete_ms: 0,
            scale_down_delay_after_failure_ms: 3 * 60_000,
            new_pod_scale_up_delay_ms: 0,
            max_empty_bulk_delete: 10,
            max_graceful_termination_s: 600,
            skip_nodes_with_local_storage: true,
            skip_nodes_with_system_pods: true,
            priorities: Vec::new(),
            groups: Vec::new(),
        }
    }
}
