//! In-tree plugins, one file each, and the registry from name to constructor.

pub mod balanced_allocation;
pub mod best_fit;
pub mod default_binder;
pub mod default_preemption;
pub mod drf;
pub mod first_fit;
pub mod image_locality;
pub mod inter_pod_affinity;
pub mod names;
pub mod node_affinity;
pub mod node_name;
pub mod node_ports;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod normalize;
pub mod pod_matching;
pub mod pod_topology_spread;
pub mod priority_sort;
pub mod registry;
pub mod round_robin;
pub mod scheduling_gates;
pub mod taint_toleration;
pub mod tetris;
pub mod worst_fit;
