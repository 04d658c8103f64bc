//! The validated, typed cluster model: quantities, resources, labels, nodes, pods and
//! workloads. No serde, no IO.

/// The one Kubernetes release k8sim follows, as a literal (for `concat!`): defaults,
/// the default scheduler plugins and weights, event wording and version strings all
/// follow it.
#[macro_export]
macro_rules! kubernetes_version {
    () => {
        "v1.36"
    };
}

/// The one Kubernetes release k8sim follows (see [`kubernetes_version!`]).
pub const KUBERNETES_VERSION: &str = kubernetes_version!();

pub mod autoscaling;
pub mod cron;
pub mod events_file;
pub mod labels;
pub mod node;
pub mod pod;
pub mod quantity;
pub mod resources;
pub mod runtime;
pub mod thousands;
pub mod usage;
pub mod workload;
