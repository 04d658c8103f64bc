//! The cluster's state is private to `cluster`: other layers read it through accessors and
//! change it through the `Cluster` methods that keep the derived columns, totals, indexes
//! and change log in step (issue 12, item 3). The methods that replaced direct writes are
//! checked here against the columns they must keep consistent.

use k8sim::cluster::{Cluster, NodeIdx, Owner, Pod, PodId};
use k8sim::engine::SimTime;
use k8sim::model::node::NodeSpec;
use k8sim::model::pod::PodSpec;
use k8sim::model::resources::{Resources, CPU, MEMORY};
use std::sync::Arc;

/// The field lines of `struct NAME { ... }` in `file`.
fn struct_fields(file: &str, name: &str) -> Vec<String> {
    let src = std::fs::read_to_string(file).unwrap();
    let start = src
        .find(&format!("pub struct {name} {{"))
        .unwrap_or_else(|| panic!("struct {name} not found in {file}"));
    let body = &src[start..];
    let end = body.find("\n}\n").unwrap();
    body[..end]
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && !l.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn cluster_and_node_table_fields_are_not_public() {
    let cluster = struct_fields("src/cluster/mod.rs", "Cluster");
    assert!(cluster.len() >= 15, "{cluster:?}");
    for f in &cluster {
        assert!(!f.starts_with("pub"), "Cluster field is public: {f}");
    }
    let nodes = struct_fields("src/cluster/node_table.rs", "NodeTable");
    assert!(nodes.len() >= 15, "{nodes:?}");
    for f in &nodes {
        // Visible inside `cluster` only.
        assert!(
            !f.starts_with("pub ") && !f.starts_with("pub(crate)"),
            "NodeTable field is visible outside cluster: {f}"
        );
    }
}

fn node(name: &str, cpu_millis: i64) -> NodeSpec {
    let mut allocatable = Resources::ZERO;
    allocatable.set(CPU, cpu_millis);
    allocatable.set(MEMORY, 1 << 30);
    NodeSpec {
        name: name.into(),
        allocatable,
        labels: Default::default(),
        taints: Vec::new(),
        unschedulable: false,
        images: Vec::new(),
        group: None,
    }
}

/// Adds an unowned pod `ns/p` with `spec`.
fn add_pod(c: &mut Cluster, spec: PodSpec) -> PodId {
    let pod = Pod::new(
        "p".into(),
        "ns".into(),
        Default::default(),
        Owner::None,
        Arc::new(spec),
        SimTime::ZERO,
    );
    c.add_pod(pod)
}

#[test]
fn removing_a_node_takes_it_out_of_the_totals_and_frees_its_name() {
    let mut c = Cluster::default();
    let a = c.add_node(node("a", 4000));
    let b = c.add_node(node("b", 2000));
    assert_eq!(c.allocatable_total().get(CPU), 6000);
    c.remove_node(a);
    // 6000 - 4000: only b is left in the total.
    assert_eq!(c.allocatable_total().get(CPU), 2000);
    assert!(!c.nodes().present()[a.ix()] && !c.nodes().ready()[a.ix()]);
    assert!(c.node_names().get("a").is_none());
    assert_eq!(c.node_names().get("b"), Some(&b));
    assert_eq!(c.present_node_count(), 1);
}

#[test]
fn a_new_allocatable_refreshes_the_free_columns_total_and_change_log() {
    let mut c = Cluster::default();
    let a = c.add_node(node("a", 4000));
    let mut spec = PodSpec::default();
    spec.requests.set(CPU, 1500);
    let p = add_pod(&mut c, spec);
    c.bind(p, a, SimTime::ZERO);
    let seq = c.node_changes().seq();
    let mut smaller = c.nodes().allocatable()[a.ix()];
    smaller.set(CPU, 1000);
    c.set_allocatable(a, smaller);
    // 1000 allocatable - 1500 requested: over-committed, as kube allows after a shrink.
    assert_eq!(c.nodes().free_cols()[CPU.0 as usize][a.ix()], -500);
    assert_eq!(c.nodes().free(NodeIdx(0)).get(CPU), -500);
    assert_eq!(c.nodes().cpu_mem()[a.ix()].allocatable[0], 1000);
    assert_eq!(c.allocatable_total().get(CPU), 1000);
    assert_eq!(c.node_changes().since(seq), Some(&[a][..]));
}

#[test]
fn status_writes_reach_the_pod_and_leave_its_binding_alone() {
    let mut c = Cluster::default();
    let a = c.add_node(node("a", 4000));
    let p = add_pod(&mut c, Default::default());
    c.bind(p, a, SimTime::ZERO);
    let status = c.pod_status_mut(p);
    assert_eq!(status.name, "p");
    *status.ready = true;
    *status.restarts += 2;
    status.times.ready = Some(SimTime::from_secs(3));
    let pod = &c.pods()[p.ix()];
    assert!(pod.ready);
    assert_eq!(pod.restarts, 2);
    assert_eq!(pod.times.ready, Some(SimTime::from_secs(3)));
    assert_eq!(pod.node, Some(a));
    assert_eq!(c.nodes().pods()[a.ix()], vec![p]);
}
