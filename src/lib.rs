//! k8sim: a deterministic discrete-event simulator of a Kubernetes cluster.
//!
//! Data flows one way: `input` (scenario, manifests) -> `model` (typed, validated) ->
//! `sim` (engine + cluster + controllers + kubelet + scheduler) -> `metrics` -> `output`.

pub mod autoscaler;
pub mod cli;
pub mod cluster;
pub mod controllers;
pub mod engine;
pub mod gpu;
pub mod input;
pub mod kubectl;
pub mod kubelet;
pub mod metrics;
pub mod model;
pub mod output;
pub mod plan;
pub mod scenario;
pub mod scheduler;
pub mod sim;
pub mod sweep;
