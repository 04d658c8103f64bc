//! In-tree plugins, one file each, and the registry from name to constructor.

pub mod names;
pub mod node_affinity;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod normalize;
pub mod taint_toleration;
pub mod volume_binding;
pub mod volume_restrictions;
pub mod volume_zone;
