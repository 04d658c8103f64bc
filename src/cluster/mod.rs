//! The live cluster state: nodes and pods in vectors indexed by typed ids, with per-node
//! aggregates (requested resources, pods, images, host ports) kept up to date on bind and
//! unbind.

mod access;
pub mod changes;
pub mod count_row;
pub mod divide;
pub mod dry_run;
pub mod label_pairs;
pub mod node_table;
pub mod pod;
pub mod pod_metrics;
pub mod pod_status;
pub mod pod_table;
pub mod retire;
pub mod storage;
pub mod test_support;
pub mod topology;
mod what_if;

use crate::engine::SimTime;
use crate::model::labels::{Labels, Taint};
use crate::model::node::NodeSpec;
use crate::model::resources::Resources;
pub use divide::ExactDiv;
pub use dry_run::DryRun;
pub use node_table::{CpuMemRow, NodeTable};
pub use pod::{Owner, Pod, PodId, PodPhase};
pub use pod_status::PodStatusMut;
pub use pod_table::PodTable;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Index of a node in [`NodeTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeIdx(pub u32);

impl NodeIdx {
    /// As a vector index.
    #[inline]
    pub fn ix(self) -> usize {
        self.0 as usize
    }
}

/// Interned image name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImageId(pub u32);

/// (has required pod anti-affinity, has any pod affinity or anti-affinity).
fn affinity_flags(pod: &Pod) -> (bool, bool) {
    let a = &pod.spec.affinity;
    (
        !a.pod_anti_affinity.required.is_empty(),
        !a.pod_affinity.is_empty() || !a.pod_anti_affinity.is_empty(),
    )
}

/// Number of PreferNoSchedule taints in `taints`.
fn prefer_no_schedule(taints: &[Taint]) -> usize {
    taints
        .iter()
        .filter(|t| t.effect == crate::model::labels::TaintEffect::PreferNoSchedule)
        .count()
}

/// kube's `normalizedImageName` (imagelocality): an image reference without a tag or
/// digest gets `:latest`, so a pod's `nginx` matches a node's `nginx:latest`.
pub fn normalized_image_name(name: &str) -> std::borrow::Cow<'_, str> {
    let last = name.rsplit('/').next().unwrap_or(name);
    if name.contains('@') || last.contains(':') {
        std::borrow::Cow::Borrowed(name)
    } else {
        std::borrow::Cow::Owned(format!("{name}:latest"))
    }
}

/// The whole simulated cluster.
/// Cloning gives an independent what-if copy (the Cluster Autoscaler's snapshot) with its
/// own change-log identity.
#[derive(Debug, Default, Clone)]
pub struct Cluster {
    /// Nodes.
    nodes: NodeTable,
    /// Every pod created and not yet retired (terminated and deleted ones included until
    /// their record is taken, see [`retire`]).
    pods: PodTable,
    /// Live pods by (namespace, name).
    pod_names: BTreeMap<(String, String), PodId>,
    /// Node index by name.
    node_names: BTreeMap<String, NodeIdx>,
    /// Interned images.
    image_names: Vec<String>,
    image_ids: BTreeMap<String, ImageId>,
    /// For each image, on how many present nodes it is (kube's `ImageStateSummary.NumNodes`,
    /// ImageLocality's spread factor); kept by `add_image` and `set_node_present`.
    image_node_count: Vec<u32>,
    /// For each image, its size in bytes as a node reports it (`status.images[].sizeBytes`);
    /// 0 when unknown.
    image_sizes: Vec<i64>,
    /// For each image, a bitmap over node indices of the nodes holding it (present or
    /// not): `has_image` is one bit test, with no per-node list to chase.
    image_nodes: Vec<Vec<u64>>,
    /// Sum of `requested` over all nodes.
    requested_total: Resources,
    /// Sum of `allocatable` over present nodes.
    allocatable_total: Resources,
    /// Number of nodes with at least one bound, unterminated pod.
    nodes_used: usize,
    /// Bound, unreleased pods with required pod anti-affinity (lets InterPodAffinity skip).
    pods_with_required_anti_affinity: usize,
    /// Bound, unreleased pods with any pod affinity or anti-affinity.
    pods_with_pod_affinity: usize,
    /// StorageClasses, PersistentVolumes and PersistentVolumeClaims.
    storage: storage::Storage,
    /// Every node mutation, in order (see [`changes`]); appended by the `Cluster` methods
    /// that change a node and by [`Cluster::mark_node_changed`].
    node_changes: changes::NodeChangeLog,
    /// Per pod (by `PodId`), the id of its (namespace, labels) class: pods of one class
    /// match every selector and affinity term alike, so the spread and affinity plugins
    /// evaluate a selector once per class per cycle. Pod labels are fixed at `add_pod`.
    pod_label_class: Vec<u32>,
    /// Label class ids by namespace, then labels: two levels so `add_pod` looks a pod's
    /// class up with borrowed keys and clones them only for a new class.
    label_classes: BTreeMap<String, BTreeMap<Arc<Labels>, u32>>,
    /// Live label classes by (namespace, label key, label value).
    label_pairs: label_pairs::LabelPairIndex,
    /// Per label class, its pods not yet retired (a class with none is released).
    class_pods: Vec<u32>,
    /// Per-topology-key node domains and per-(label class, domain) pod counts; kept in step
    /// by `bind`, `unbind`, `mark_deleting`, `set_node_labels` and `set_node_present`,
    /// the only writers of the pod and node fields it depends on.
    topology: topology::TopologyIndex,
}

impl Cluster {
    /// Interns an image name (normalised: `nginx` and `nginx:latest` are one image).
    pub fn image_id(&mut self, name: &str) -> ImageId {
        let name = normalized_image_name(name);
        if let Some(id) = self.image_ids.get(name.as_ref()) {
            return *id;
        }
        let id = ImageId(self.image_names.len() as u32);
        self.image_names.push(name.to_string());
        self.image_ids.insert(name.into_owned(), id);
        self.image_node_count.push(0);
        self.image_sizes.push(0);
        self.image_nodes.push(Vec::new());
        id
    }

    /// The image id of `name` (normalised), if interned.
    pub fn lookup_image(&self, name: &str) -> Option<ImageId> {
        self.image_ids
            .get(normalized_image_name(name).as_ref())
            .copied()
    }

    /// Records the size of image `name` in bytes (interning it).
    pub fn set_image_size(&mut self, name: &str, bytes: i64) {
        let id = self.image_id(name);
        self.image_sizes[id.0 as usize] = bytes;
    }

    /// Adds a node and returns its index.
    pub fn add_node(&mut self, spec: NodeSpec) -> NodeIdx {
        let idx = NodeIdx(self.nodes.len() as u32);
        let images: Vec<ImageId> = spec.images.iter().map(|i| self.image_id(i)).collect();
        self.node_names.insert(spec.name.clone(), idx);
        let t = &mut self.nodes;
        t.taint_count += spec.taints.len();
        t.prefer_no_schedule_count += prefer_no_schedule(&spec.taints);
        t.names.push(spec.name);
        t.labels.push(spec.labels);
        t.taints.push(spec.taints);
        t.allocatable.push(spec.allocatable);
        t.requested.push(Resources::ZERO);
        t.nonzero_requested.push([0, 0]);
        t.unschedulable.push(spec.unschedulable);
        t.ready.push(true);
        t.present.push(true);
        t.pods.push(Vec::new());
        t.images.push(Vec::new());
        t.host_ports.push(Vec::new());
        t.group.push(spec.group);
        for col in &mut t.free_cols {
            col.push(0);
        }
        t.cpu_mem.push(CpuMemRow::default());
        t.refresh_columns(idx.ix());
        self.topology.add_node(&t.labels[idx.ix()]);
        self.allocatable_total += spec.allocatable;
        for img in images {
            self.add_image(idx, img);
        }
        self.mark_node_changed(idx);
        idx
    }

    /// Records that node `n` changed outside the `Cluster` methods that log it themselves
    /// (any write to a `NodeTable` column must be followed by this call).
    pub fn mark_node_changed(&mut self, n: NodeIdx) {
        self.node_changes.push(n, self.nodes.len());
    }

    /// Replaces the taints of node `n`, keeping the taint counts right.
    pub fn set_taints(&mut self, n: NodeIdx, taints: Vec<Taint>) {
        let t = &mut self.nodes;
        t.taint_count = t.taint_count - t.taints[n.ix()].len() + taints.len();
        t.prefer_no_schedule_count = t.prefer_no_schedule_count
            - prefer_no_schedule(&t.taints[n.ix()])
            + prefer_no_schedule(&taints);
        t.taints[n.ix()] = taints;
        self.mark_node_changed(n);
    }

    /// Sets `spec.unschedulable` (cordon/uncordon) of node `n`.
    pub fn set_unschedulable(&mut self, n: NodeIdx, unschedulable: bool) {
        self.nodes.unschedulable[n.ix()] = unschedulable;
        self.mark_node_changed(n);
    }

    /// Records that `img` is now present on node `n`.
    pub fn add_image(&mut self, n: NodeIdx, img: ImageId) {
        let list = &mut self.nodes.images[n.ix()];
        if let Err(pos) = list.binary_search(&img) {
            list.insert(pos, img);
            let bits = &mut self.image_nodes[img.0 as usize];
            if bits.len() <= n.ix() / 64 {
                bits.resize(n.ix() / 64 + 1, 0);
            }
            bits[n.ix() / 64] |= 1 << (n.ix() % 64);
            if self.nodes.present[n.ix()] {
                self.image_node_count[img.0 as usize] += 1;
            }
            self.mark_node_changed(n);
        }
    }

    /// Number of present nodes (kube's snapshot size, ImageLocality's `totalNumNodes`).
    pub fn present_node_count(&self) -> usize {
        self.topology.present_nodes as usize
    }

    /// True if image `img` is present on node `n`.
    #[inline]
    pub fn has_image(&self, n: NodeIdx, img: ImageId) -> bool {
        self.image_nodes[img.0 as usize]
            .get(n.ix() / 64)
            .is_some_and(|w| (w >> (n.ix() % 64)) & 1 == 1)
    }

    /// Binds pod `p` to node `n`: adds its requests and ports to the node.
    pub fn bind(&mut self, p: PodId, n: NodeIdx, now: SimTime) {
        let pod = &mut self.pods[p.ix()];
        assert!(pod.node.is_none(), "pod {} bound twice", pod.name);
        pod.node = Some(n);
        pod.times.scheduled = Some(now);
        let requests = pod.spec.requests;
        let ports: Vec<(String, String, i32)> = pod
            .spec
            .host_ports()
            .map(|p| (p.protocol.clone(), p.host_ip.clone(), p.host_port))
            .collect();
        let nonzero = pod.spec.nonzero_requests;
        let (anti, any) = affinity_flags(pod);
        self.pods_with_required_anti_affinity += anti as usize;
        self.pods_with_pod_affinity += any as usize;
        self.requested_total += requests;
        let t = &mut self.nodes;
        if t.pods[n.ix()].is_empty() {
            self.nodes_used += 1;
        }
        t.requested[n.ix()] += requests;
        t.nonzero_requested[n.ix()][0] += nonzero[0];
        t.nonzero_requested[n.ix()][1] += nonzero[1];
        t.pods[n.ix()].push(p);
        t.host_ports[n.ix()].extend(ports);
        t.refresh_columns(n.ix());
        self.node_changes.push(n, t.len());
        assert!(
            t.requested[n.ix()].fits_in(&t.allocatable[n.ix()]),
            "node {} over-committed after binding {}",
            t.names[n.ix()],
            self.pods[p.ix()].name
        );
        self.recount_pod(p);
    }

    /// Releases the node resources held by pod `p` (when it terminates or is deleted).
    pub fn unbind(&mut self, p: PodId) {
        let pod = &mut self.pods[p.ix()];
        let Some(n) = pod.node else {
            return;
        };
        if pod.released {
            return;
        }
        pod.released = true;
        self.recount_pod(p);
        let pod = &self.pods[p.ix()];
        let requests = pod.spec.requests;
        let nonzero = pod.spec.nonzero_requests;
        let (anti, any) = affinity_flags(pod);
        self.pods_with_required_anti_affinity -= anti as usize;
        self.pods_with_pod_affinity -= any as usize;
        self.requested_total -= requests;
        let t = &mut self.nodes;
        t.requested[n.ix()] -= requests;
        t.nonzero_requested[n.ix()][0] -= nonzero[0];
        t.nonzero_requested[n.ix()][1] -= nonzero[1];
        t.refresh_columns(n.ix());
        self.node_changes.push(n, t.len());
        assert!(
            t.requested[n.ix()].0.iter().all(|v| *v >= 0),
            "node {} requested went negative after releasing {}",
            t.names[n.ix()],
            pod.name
        );
        t.pods[n.ix()].retain(|x| *x != p);
        if t.pods[n.ix()].is_empty() {
            self.nodes_used -= 1;
        }
        for port in pod.spec.host_ports() {
            if let Some(i) = t.host_ports[n.ix()].iter().position(|(proto, ip, hp)| {
                *hp == port.host_port && *proto == port.protocol && *ip == port.host_ip
            }) {
                t.host_ports[n.ix()].swap_remove(i);
            }
        }
    }

    /// Adds a new pod and returns its id. Panics if a live pod has the same name: controllers
    /// must generate unique names.
    pub fn add_pod(&mut self, mut pod: Pod) -> PodId {
        let id = PodId(self.pods.len() as u32);
        let key = (pod.namespace.clone(), pod.name.clone());
        let previous = self.pod_names.insert(key, id);
        assert!(previous.is_none(), "duplicate live pod name {}", pod.name);
        let (class, labels) = self.label_class_of(&pod.namespace, &pod.labels);
        pod.labels = labels;
        self.class_pods[class as usize] += 1;
        self.pod_label_class.push(class);
        self.topology.add_pod(id, class);
        let spec = pod.spec.clone();
        self.pods.push(pod);
        let a = &spec.affinity;
        let terms = [&a.pod_affinity, &a.pod_anti_affinity]
            .into_iter()
            .flat_map(|t| t.required.iter().chain(t.preferred.iter().map(|(_, t)| t)));
        for key in spec
            .topology_spread_constraints
            .iter()
            .map(|c| &c.topology_key)
            .chain(terms.map(|t| &t.topology_key))
        {
            self.index_topology_key(key);
        }
        id
    }

    /// The label class id of (`namespace`, `labels`) and the class's shared labels, a new
    /// class (with no pods yet) when no live pod has them.
    fn label_class_of(&mut self, namespace: &str, labels: &Arc<Labels>) -> (u32, Arc<Labels>) {
        let existing = self
            .label_classes
            .get(namespace)
            .and_then(|m| m.get_key_value(&**labels));
        if let Some((shared, class)) = existing {
            return (*class, Arc::clone(shared));
        }
        let class = self.class_pods.len() as u32;
        self.class_pods.push(0);
        (self.label_classes.entry(namespace.to_string()).or_default())
            .insert(Arc::clone(labels), class);
        self.label_pairs.add(namespace, labels, class);
        (class, Arc::clone(labels))
    }

    /// Indexes topology key `key` (node domains and pod counts) if it is not yet.
    pub fn index_topology_key(&mut self, key: &str) {
        if self.topology.has_key(key) {
            return;
        }
        let counted: Vec<(u32, NodeIdx)> = (self.pods.iter())
            .filter(|(id, _)| self.topology.counted[id.ix()])
            .filter_map(|(id, p)| Some((self.pod_label_class[id.ix()], p.node?)))
            .collect();
        self.topology.add_key(
            key,
            &self.nodes.labels,
            &self.nodes.present,
            counted.into_iter(),
        );
    }

    /// Brings pod `p`'s entry in the topology index in step with its state: counted while
    /// bound, unreleased, not being deleted and on a present node.
    fn recount_pod(&mut self, p: PodId) {
        let pod = &self.pods[p.ix()];
        let Some(n) = pod.node else {
            return;
        };
        let want = !pod.released && !pod.deleting && self.nodes.present[n.ix()];
        if want != self.topology.counted[p.ix()] {
            let anti = affinity_flags(pod).0;
            let class = self.pod_label_class[p.ix()];
            self.topology
                .count_pod(p, class, n, anti, if want { 1 } else { -1 });
        }
    }

    /// Preemption's dry run: takes pod `p` out of the topology counts (`false`) or puts it
    /// back as its state says (`true`) without changing the pod.
    pub fn set_pod_counted(&mut self, p: PodId, counted: bool) {
        if counted {
            self.recount_pod(p);
        } else if self.topology.counted[p.ix()] {
            let pod = &self.pods[p.ix()];
            let n = pod.node.expect("a counted pod is bound");
            let anti = affinity_flags(pod).0;
            let class = self.pod_label_class[p.ix()];
            self.topology.count_pod(p, class, n, anti, -1);
        }
    }

    /// Sets pod `p`'s topology-counted flag to `counted` exactly (a [`DryRun`] restoring
    /// the flag it found); the pod must be bound if the flag changes.
    fn set_topology_counted(&mut self, p: PodId, counted: bool) {
        if self.topology.counted[p.ix()] == counted {
            return;
        }
        let pod = &self.pods[p.ix()];
        let n = pod.node.expect("a pod counted in a dry run is bound");
        let anti = affinity_flags(pod).0;
        let class = self.pod_label_class[p.ix()];
        self.topology
            .count_pod(p, class, n, anti, if counted { 1 } else { -1 });
    }

    /// Marks pod `p` as being deleted (deletionTimestamp set): it no longer counts for
    /// topology spreading or pod affinity, even while it still holds its node's resources.
    pub fn mark_deleting(&mut self, p: PodId) {
        self.pods[p.ix()].deleting = true;
        self.recount_pod(p);
    }

    /// Replaces node `n`'s labels, re-interning its topology domains.
    pub fn set_node_labels(&mut self, n: NodeIdx, labels: Labels) {
        let classes: Vec<u32> = self.nodes.pods[n.ix()]
            .iter()
            .filter(|p| self.topology.counted[p.ix()])
            .map(|p| self.pod_label_class[p.ix()])
            .collect();
        self.nodes.labels[n.ix()] = labels;
        let present = self.nodes.present[n.ix()];
        self.topology
            .node_changed(n, &self.nodes.labels[n.ix()], present, &classes);
        self.mark_node_changed(n);
    }

    /// Sets whether node `n` is part of the cluster (false once it is removed); pods on a
    /// node that is not present do not count for topology spreading or pod affinity.
    pub fn set_node_present(&mut self, n: NodeIdx, present: bool) {
        if self.nodes.present[n.ix()] == present {
            return;
        }
        self.nodes.present[n.ix()] = present;
        self.mark_node_changed(n);
        for img in &self.nodes.images[n.ix()] {
            let count = &mut self.image_node_count[img.0 as usize];
            *count = if present { *count + 1 } else { *count - 1 };
        }
        let pods = self.nodes.pods[n.ix()].clone();
        if present {
            self.topology.present_nodes += 1;
            self.topology
                .node_changed(n, &self.nodes.labels[n.ix()], true, &[]);
            for p in pods {
                self.recount_pod(p);
            }
        } else {
            self.topology.present_nodes -= 1;
            for p in pods {
                self.recount_pod(p);
            }
            self.topology
                .node_changed(n, &self.nodes.labels[n.ix()], false, &[]);
        }
    }

    /// Removes node `n` from the cluster: not present, not Ready, its allocatable out of
    /// the total and its name free (its index is never reused).
    pub fn remove_node(&mut self, n: NodeIdx) {
        self.set_node_present(n, false);
        self.nodes.ready[n.ix()] = false;
        self.allocatable_total -= self.nodes.allocatable[n.ix()];
        let name = self.nodes.names[n.ix()].clone();
        self.node_names.remove(&name);
    }

    /// Sets node `n`'s Ready condition. The scheduler sees readiness only through the
    /// not-ready and unreachable taints, so this is not a node change for its cache.
    pub fn set_node_ready(&mut self, n: NodeIdx, ready: bool) {
        self.nodes.ready[n.ix()] = ready;
    }

    /// StorageClasses, PersistentVolumes and claims, writable: no cluster index depends
    /// on them; `Storage`'s own methods keep its invariants.
    pub fn storage_mut(&mut self) -> &mut storage::Storage {
        &mut self.storage
    }

    /// Number of label class ids ever given out (the bound of `pod_label_class`).
    pub fn label_class_count(&self) -> usize {
        self.class_pods.len()
    }

    /// Forgets the name of pod `p` so that a replacement may reuse it (StatefulSet).
    pub fn forget_name(&mut self, p: PodId) {
        let pod = &self.pods[p.ix()];
        let key = (pod.namespace.clone(), pod.name.clone());
        if self.pod_names.get(&key) == Some(&p) {
            self.pod_names.remove(&key);
        }
    }
}
