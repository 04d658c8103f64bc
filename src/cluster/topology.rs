//! Topology index: each node's domain id per indexed topology key (interned when the node's
//! labels or presence change) and counts of bound pods per (label class, node) and per
//! (label class, domain), kept in step on bind, unbind, deletion and node changes, so the
//! PodTopologySpread and InterPodAffinity plugins sum counts over a few label classes
//! instead of scanning every pod each cycle.

use super::count_row::CountRow;
use super::{NodeIdx, PodId};
use crate::model::labels::Labels;
use std::collections::BTreeMap;

/// Domain id of a node that lacks the key or is not present.
pub const NO_DOMAIN: u32 = u32::MAX;

/// Keys indexed from the start: kube's well-known `kubernetes.io/hostname` and
/// `topology.kubernetes.io/zone` (the system default spread constraints use both).
const WELL_KNOWN_KEYS: [&str; 2] = ["kubernetes.io/hostname", "topology.kubernetes.io/zone"];

/// One indexed topology key.
#[derive(Debug, Clone, Default)]
pub struct KeyDomains {
    /// The label key.
    pub key: String,
    /// Per node: id of the node's value of `key`, or [`NO_DOMAIN`] when the node lacks the
    /// key or is not present.
    pub domain_of: Vec<u32>,
    /// Domain values by id (ids are never reused; a domain may have no node left).
    pub values: Vec<String>,
    ids: BTreeMap<String, u32>,
    /// Per domain: present nodes in it.
    pub nodes_in: Vec<u32>,
    /// Present nodes that have the key.
    pub nodes_with_key: u32,
    /// Per label class, per domain: counted pods (missing entries are 0).
    pub class_counts: Vec<CountRow>,
}

impl KeyDomains {
    /// Number of domain ids handed out.
    pub fn domain_count(&self) -> usize {
        self.values.len()
    }

    /// Counted pods of class `c` in domain `d`.
    #[inline]
    pub fn count(&self, c: u32, d: u32) -> u32 {
        self.class_counts
            .get(c as usize)
            .map_or(0, |v| v.get(d as usize))
    }

    /// The domains of `key` over nodes with `labels` and presence `present`, without pod
    /// counts (for a key that is not indexed: interned for one scheduling cycle).
    pub fn for_nodes(key: &str, labels: &[Labels], present: &[bool]) -> KeyDomains {
        let mut k = KeyDomains {
            key: key.to_string(),
            domain_of: vec![NO_DOMAIN; labels.len()],
            ..Default::default()
        };
        for (i, (l, p)) in labels.iter().zip(present).enumerate() {
            let d = k.domain_for(l, *p);
            k.set_domain(i, d);
        }
        k
    }

    fn intern(&mut self, value: &str) -> u32 {
        if let Some(id) = self.ids.get(value) {
            return *id;
        }
        let id = self.values.len() as u32;
        self.values.push(value.to_string());
        self.ids.insert(value.to_string(), id);
        self.nodes_in.push(0);
        id
    }

    /// The domain node labels `labels` put a present node in.
    fn domain_for(&mut self, labels: &Labels, present: bool) -> u32 {
        match labels.get(&self.key) {
            Some(v) if present => self.intern(v),
            _ => NO_DOMAIN,
        }
    }

    /// Moves node `i` to domain `d`, keeping the node counts.
    fn set_domain(&mut self, i: usize, d: u32) {
        let old = self.domain_of[i];
        if old != NO_DOMAIN {
            self.nodes_in[old as usize] -= 1;
            self.nodes_with_key -= 1;
        }
        if d != NO_DOMAIN {
            self.nodes_in[d as usize] += 1;
            self.nodes_with_key += 1;
        }
        self.domain_of[i] = d;
    }

    fn add(&mut self, class: u32, d: u32, delta: i32) {
        if d == NO_DOMAIN {
            return;
        }
        grow(&mut self.class_counts, class as usize).add(d as usize, delta);
    }
}

/// `outer[i]`, growing `outer` with empty rows as needed.
fn grow(outer: &mut Vec<CountRow>, i: usize) -> &mut CountRow {
    if outer.len() <= i {
        outer.resize_with(i + 1, CountRow::default);
    }
    &mut outer[i]
}

/// The index. A pod is *counted* when it is bound, not released, not being deleted and
/// its node is present: exactly the pods kube's PodTopologySpread and InterPodAffinity
/// PreFilter count (`Cluster::recount_pod` keeps the flag and the counts in step).
#[derive(Debug, Clone)]
pub struct TopologyIndex {
    /// Indexed keys.
    pub keys: Vec<KeyDomains>,
    key_ids: BTreeMap<String, usize>,
    /// Per label class, per node: counted pods (missing entries are 0).
    pub class_node: Vec<CountRow>,
    /// Per label class: counted pods.
    pub class_total: Vec<u32>,
    /// Per label class: one pod of the class (its namespace and labels stand for all).
    pub class_rep: Vec<PodId>,
    /// Classes with at least one counted pod, in no particular order.
    pub live_classes: Vec<u32>,
    live_pos: Vec<u32>,
    /// Counted pods with required pod anti-affinity, in no particular order.
    pub anti_pods: Vec<PodId>,
    anti_pos: BTreeMap<PodId, usize>,
    /// Per pod: counted.
    pub counted: Vec<bool>,
    /// Present nodes.
    pub present_nodes: u32,
}

impl Default for TopologyIndex {
    fn default() -> Self {
        let mut t = TopologyIndex {
            keys: Vec::new(),
            key_ids: BTreeMap::new(),
            class_node: Vec::new(),
            class_total: Vec::new(),
            class_rep: Vec::new(),
            live_classes: Vec::new(),
            live_pos: Vec::new(),
            anti_pods: Vec::new(),
            anti_pos: BTreeMap::new(),
            counted: Vec::new(),
            present_nodes: 0,
        };
        for k in WELL_KNOWN_KEYS {
            t.key_ids.insert(k.to_string(), t.keys.len());
            t.keys.push(KeyDomains {
                key: k.to_string(),
                ..Default::default()
            });
        }
        t
    }
}

impl TopologyIndex {
    /// The index of `key`, if indexed.
    #[inline]
    pub fn key(&self, key: &str) -> Option<&KeyDomains> {
        self.key_ids.get(key).map(|&i| &self.keys[i])
    }

    /// The position of `key` in `keys`, if indexed.
    #[inline]
    pub fn key_index(&self, key: &str) -> Option<usize> {
        self.key_ids.get(key).copied()
    }

    /// Counted pods of class `c` on node `n`.
    #[inline]
    pub fn node_count(&self, c: u32, n: NodeIdx) -> u32 {
        self.class_node.get(c as usize).map_or(0, |v| v.get(n.ix()))
    }

    /// True if `key` is indexed.
    pub fn has_key(&self, key: &str) -> bool {
        self.key_ids.contains_key(key)
    }

    /// Adds a new (present) node with `labels`.
    pub(super) fn add_node(&mut self, labels: &Labels) {
        self.present_nodes += 1;
        for k in &mut self.keys {
            k.domain_of.push(NO_DOMAIN);
            let i = k.domain_of.len() - 1;
            let d = k.domain_for(labels, true);
            k.set_domain(i, d);
        }
    }

    /// Registers a new pod of label class `class`.
    pub(super) fn add_pod(&mut self, p: PodId, class: u32) {
        self.counted.push(false);
        if class as usize == self.class_rep.len() {
            self.class_rep.push(p);
        }
    }

    /// Adds a key, indexing the nodes (`labels`, `present`) and the counted pods
    /// (`(class, node)` of each).
    pub(super) fn add_key(
        &mut self,
        key: &str,
        labels: &[Labels],
        present: &[bool],
        counted: impl Iterator<Item = (u32, NodeIdx)>,
    ) {
        let mut k = KeyDomains::for_nodes(key, labels, present);
        for (class, n) in counted {
            let d = k.domain_of[n.ix()];
            k.add(class, d, 1);
        }
        self.key_ids.insert(key.to_string(), self.keys.len());
        self.keys.push(k);
    }

    /// Node `n` now has `labels` and presence `present`; `pods` are its counted pods'
    /// classes. Moves their counts between domains as the node's domains change.
    pub(super) fn node_changed(
        &mut self,
        n: NodeIdx,
        labels: &Labels,
        present: bool,
        pods: &[u32],
    ) {
        for k in &mut self.keys {
            let old = k.domain_of[n.ix()];
            let new = k.domain_for(labels, present);
            if old == new {
                continue;
            }
            for &c in pods {
                k.add(c, old, -1);
                k.add(c, new, 1);
            }
            k.set_domain(n.ix(), new);
        }
    }

    /// Pod `p` of class `class` on node `n` becomes counted (`delta` 1) or uncounted (-1).
    pub(super) fn count_pod(&mut self, p: PodId, class: u32, n: NodeIdx, anti: bool, delta: i32) {
        self.counted[p.ix()] = delta > 0;
        let c = class as usize;
        grow(&mut self.class_node, c).add(n.ix(), delta);
        for k in &mut self.keys {
            let d = k.domain_of[n.ix()];
            k.add(class, d, delta);
        }
        if self.class_total.len() <= c {
            self.class_total.resize(c + 1, 0);
            self.live_pos.resize(c + 1, u32::MAX);
        }
        let before = self.class_total[c];
        self.class_total[c] = before.wrapping_add_signed(delta);
        if before == 0 {
            self.live_pos[c] = self.live_classes.len() as u32;
            self.live_classes.push(class);
        } else if self.class_total[c] == 0 {
            // Free the class's rows: short-lived classes (one per Job) would pile up.
            self.class_node[c] = CountRow::default();
            for k in &mut self.keys {
                if let Some(v) = k.class_counts.get_mut(c) {
                    *v = CountRow::default();
                }
            }
            let pos = self.live_pos[c] as usize;
            self.live_classes.swap_remove(pos);
            if let Some(&moved) = self.live_classes.get(pos) {
                self.live_pos[moved as usize] = pos as u32;
            }
            self.live_pos[c] = u32::MAX;
        }
        if anti {
            if delta > 0 {
                self.anti_pos.insert(p, self.anti_pods.len());
                self.anti_pods.push(p);
            } else if let Some(pos) = self.anti_pos.remove(&p) {
                self.anti_pods.swap_remove(pos);
                if let Some(&moved) = self.anti_pods.get(pos) {
                    self.anti_pos.insert(moved, pos);
                }
            }
        }
    }
}
