//! Timeline actions as the simulation applies them: what a kubectl command line or a node
//! fault of the timeline does, already parsed and checked.

use super::object::Object;
use crate::model::labels::{Taint, TaintEffect};
use crate::model::pod::RunDuration;
use crate::model::quantity::Quantity;
use crate::model::workload::PropagationPolicy;

/// Where the objects of an `apply` come from.
#[derive(Debug, Clone, PartialEq)]
pub enum ApplySource {
    /// `apply -f FILE` / `delete -f FILE`: a manifest file relative to the scenario.
    File(String),
    /// `create deployment` / `run`: a manifest kubectl would generate.
    Generated(String),
    /// An event of a replayed SimKube trace: `FILE#events[i]`.
    Trace(String),
}

/// A resource change of `kubectl set resources`: (resource name, quantity).
pub type ResourceAssignment = (String, Quantity);

/// One action of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `kubectl apply -f FILE`, `kubectl create deployment`, `kubectl run`.
    Apply {
        /// Where the objects come from.
        source: ApplySource,
        /// The objects, filled in at load time.
        objects: Vec<Object>,
    },
    /// `kubectl delete -f FILE`: deletes every object of the file.
    DeleteFile {
        /// The file.
        file: String,
        /// (kind, namespace, name) of each object, filled in at load time.
        targets: Vec<(&'static str, String, String)>,
        /// `--cascade`: what happens to the dependents of deleted owners.
        propagation: PropagationPolicy,
    },
    /// `kubectl scale KIND NAME --replicas=N`.
    Scale {
        /// Kind (Deployment, ReplicaSet, StatefulSet).
        kind: &'static str,
        /// Object name.
        name: String,
        /// Namespace.
        namespace: String,
        /// New replica count.
        replicas: i32,
    },
    /// `kubectl delete KIND NAME`.
    Delete {
        /// Kind.
        kind: &'static str,
        /// Object name.
        name: String,
        /// Namespace.
        namespace: String,
        /// `--grace-period` in seconds (pods only), if given.
        grace_period_s: Option<i64>,
        /// `--cascade`: what happens to the owner's dependents.
        propagation: PropagationPolicy,
    },
    /// `kubectl rollout undo deployment NAME [--to-revision=N]`.
    RolloutUndo {
        /// Deployment name.
        name: String,
        /// Namespace.
        namespace: String,
        /// Target revision (0 = previous).
        to_revision: i64,
    },
    /// `kubectl rollout restart KIND NAME`: stamps `kubectl.kubernetes.io/restartedAt`
    /// into the template, which starts a rollout.
    RolloutRestart {
        /// Kind (Deployment, StatefulSet).
        kind: &'static str,
        /// Name.
        name: String,
        /// Namespace.
        namespace: String,
    },
    /// `kubectl rollout pause|resume deployment NAME`.
    RolloutPause {
        /// Deployment name.
        name: String,
        /// Namespace.
        namespace: String,
        /// Pause (true) or resume (false).
        paused: bool,
    },
    /// `kubectl set image KIND/NAME CONTAINER=IMAGE ...`.
    SetImage {
        /// Kind.
        kind: &'static str,
        /// Object name.
        name: String,
        /// Namespace.
        namespace: String,
        /// (container, image) pairs; container `*` means every container.
        images: Vec<(String, String)>,
    },
    /// `kubectl set resources KIND NAME [-c C] --requests=cpu=..,memory=.. --limits=..`.
    SetResources {
        /// Kind.
        kind: &'static str,
        /// Object name.
        name: String,
        /// Namespace.
        namespace: String,
        /// `-c`/`--containers`: container name, `None` for all.
        container: Option<String>,
        /// Requests to set.
        requests: Vec<ResourceAssignment>,
        /// Limits to set.
        limits: Vec<ResourceAssignment>,
    },
    /// `kubectl patch KIND NAME -p JSON` changing replicas and/or container images, or a
    /// CronJob's `spec.suspend`.
    Patch {
        /// Kind.
        kind: &'static str,
        /// Name.
        name: String,
        /// Namespace.
        namespace: String,
        /// New spec.replicas, if patched.
        replicas: Option<i32>,
        /// (container, image) pairs patched into the template.
        images: Vec<(String, String)>,
        /// New spec.suspend of a CronJob, if patched.
        suspend: Option<bool>,
    },
    /// `kubectl cordon NODE` (true) / `uncordon NODE` (false).
    Cordon {
        /// Node name.
        node: String,
        /// Cordon or uncordon.
        unschedulable: bool,
    },
    /// `kubectl drain NODE`: cordon, then evict every pod through the eviction API,
    /// retrying every 5 s while a PodDisruptionBudget refuses.
    Drain {
        /// Node name.
        node: String,
        /// `--grace-period` seconds (negative: each pod's own).
        grace_period_s: i64,
        /// `--ignore-daemonsets`.
        ignore_daemonsets: bool,
        /// `--force`: also delete pods without a controller.
        force: bool,
        /// `--disable-eviction`: delete instead of evict (bypasses PDBs).
        disable_eviction: bool,
        /// `--timeout` in ms (0: infinite).
        timeout_ms: u64,
    },
    /// `kubectl label nodes NODE k=v k-`.
    Label {
        /// Node name.
        node: String,
        /// Labels to set.
        set: Vec<(String, String)>,
        /// Label keys to remove.
        remove: Vec<String>,
        /// `--overwrite`.
        overwrite: bool,
    },
    /// `kubectl taint nodes NODE k=v:Effect k:Effect-`.
    Taint {
        /// Node name.
        node: String,
        /// Taints to add.
        add: Vec<Taint>,
        /// Taints to remove: key and optional effect.
        remove: Vec<(String, Option<TaintEffect>)>,
        /// `--overwrite`.
        overwrite: bool,
    },
    /// `node: {fail: NAME}`: the node stops (kubelet heartbeats stop).
    NodeFail(String),
    /// `node: {recover: NAME}`.
    NodeRecover(String),
    /// `node: {add: GROUP, count: N}`: N more nodes like those of the group.
    NodeAdd {
        /// Node group.
        group: String,
        /// How many.
        count: u32,
    },
    /// `node: {remove: NAME}`: the Node object is deleted (pods on it are garbage-collected).
    NodeRemove(String),
    /// `zone: {fail: ZONE}`: every node labelled `topology.kubernetes.io/zone=ZONE` (or
    /// the given label) fails.
    ZoneFail {
        /// Label key.
        label: String,
        /// Label value.
        value: String,
    },
    /// `faults: {group: G, mtbf: exp(24h), mttr: 10m}`: from `at` on, each node of group
    /// G fails after a time drawn from `mtbf` and recovers after a time drawn from `mttr`,
    /// over and over.
    RandomFaults {
        /// Node group.
        group: String,
        /// Time between failures.
        mtbf: RunDuration,
        /// Time to repair.
        mttr: RunDuration,
    },
    /// `zone: {recover: ZONE}`.
    ZoneRecover {
        /// Label key.
        label: String,
        /// Label value.
        value: String,
    },
}

impl Action {
    /// Whether the action acts on nodes (cordon, drain, label, taint, node and zone faults,
    /// node additions, random faults) rather than on workloads.
    pub fn acts_on_nodes(&self) -> bool {
        matches!(
            self,
            Action::Cordon { .. }
                | Action::Drain { .. }
                | Action::Label { .. }
                | Action::Taint { .. }
                | Action::NodeFail(_)
                | Action::NodeRecover(_)
                | Action::NodeAdd { .. }
                | Action::NodeRemove(_)
                | Action::ZoneFail { .. }
                | Action::ZoneRecover { .. }
                | Action::RandomFaults { .. }
        )
    }
}
