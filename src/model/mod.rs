//! The validated, typed cluster model: quantities, resources, labels, nodes, pods and
//! workloads. No serde, no IO.

pub mod labels;
pub mod node;
pub mod pod;
pub mod quantity;
pub mod resources;
pub mod workload;
