//! Everything that reads files: scenarios, Kubernetes manifests, durations. Only this module
//! (and `output`) does IO or knows serde.

pub mod cron;
pub mod duration;
pub mod error;
pub mod limits;
pub mod manifest;
pub mod overrides;
pub mod path_name;
pub mod scenario;
pub mod scheduler_config;
pub mod seeds;
pub mod sktrace;
pub mod suggest;
pub mod sweep;
pub mod timeline;
pub mod yaml;
