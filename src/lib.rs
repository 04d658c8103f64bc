//! k8sim: a deterministic discrete-event simulator of a Kubernetes cluster.

pub mod output;
