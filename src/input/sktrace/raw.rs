//! The SimKube trace file (`.sktrace`, msgpack, format version 2) as written by SimKube's
//! `sk-store` (`ExportedTrace`): a map of `version`, `config`, `events`, `index` and
//! `pod_lifecycles` (acrlabs/simkube docs/ref/trace-files.md, sk-store/src/store.rs).

use serde::Deserialize;
use std::collections::BTreeMap;

/// The trace format version this module reads.
pub const FORMAT_VERSION: u64 = 2;

/// Only the version, read first so a trace of another version fails with a clear message.
#[derive(Debug, Deserialize)]
pub struct Header {
    /// `version`.
    pub version: Option<u64>,
}

/// A whole version-2 trace.
#[derive(Debug, Deserialize)]
pub struct Trace {
    /// `version`: 2.
    pub version: u64,
    /// `config`: the sk-tracer configuration the trace was recorded with.
    pub config: TracerConfig,
    /// `events`: each a [`TraceEvent`], kept generic here and decoded one by one so an
    /// error names the event.
    pub events: Vec<serde_json::Value>,
    /// `index`: GVK (`apps/v1.Deployment`) → `namespace/name` → pod-spec hash of every
    /// tracked object present at the end of the trace.
    pub index: BTreeMap<String, BTreeMap<String, u64>>,
    /// `pod_lifecycles`: (owner GVK, owner `namespace/name`) → pod-spec hash → the
    /// lifecycles of that owner's pods with that hash, in launch order
    /// (sk-store/src/pod_owners_map.rs).
    pub pod_lifecycles: BTreeMap<(String, String), BTreeMap<u64, Vec<PodLifecycleData>>>,
}

/// `config` (sk-store/src/config.rs `TracerConfig`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TracerConfig {
    /// GVK → how it is tracked.
    pub tracked_objects: BTreeMap<String, TrackedObjectConfig>,
}

/// One entry of `config.trackedObjects`.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct TrackedObjectConfig {
    /// JSON pointers to the pod templates inside the object.
    #[serde(default)]
    pub pod_spec_template_paths: Option<Vec<String>>,
    /// Whether pod lifecycles of this kind were recorded.
    #[serde(default)]
    pub track_lifecycle: bool,
    /// Whether objects owned by another tracked object were skipped.
    #[serde(default)]
    pub skip_owned: bool,
}

/// One entry of `events` (sk-store/src/event.rs `TraceEvent`).
#[derive(Debug, Deserialize)]
pub struct TraceEvent {
    /// Unix seconds.
    pub ts: i64,
    /// Objects created or updated at `ts`, as Kubernetes JSON.
    pub applied_objs: Vec<serde_json::Value>,
    /// Objects deleted at `ts`, as Kubernetes JSON.
    pub deleted_objs: Vec<serde_json::Value>,
}

/// What was seen of one pod (sk-core/src/k8s/pod_lifecycle.rs `PodLifecycleData`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum PodLifecycleData {
    /// Nothing recorded.
    Empty,
    /// Started at this Unix second, still running when the trace ended.
    Running(i64),
    /// Ran from the first to the second Unix second.
    Finished(i64, i64),
}
