//! Preemption's dry run leaves the cluster untouched: DefaultPreemption's PostFilter and
//! `filter_with_nominated` run their what-ifs in a `DryRun` scope (kube dry-runs on copies
//! of NodeInfo: framework/preemption/preemption.go `DryRunPreemption`,
//! plugins/defaultpreemption/default_preemption.go `SelectVictimsOnNode`,
//! runtime/framework.go `RunFilterPluginsWithNominatedPods`), so after a failed or a
//! successful dry run every node column, counter, topology count and the node change log
//! (which the score cache reads) are as before.

mod sched_common;

use k8sim::cluster::{Cluster, DryRun, PodId};
use k8sim::model::resources::ResourceNames;
use k8sim::scheduler::builtin_profile;
use k8sim::scheduler::framework::{
    filter_with_nominated, Code, NodeVerdict, Nominator, PostFilterHandle, PostFilterPlugin, Status,
};
use k8sim::scheduler::plugins::default_preemption::DefaultPreemption;
use sched_common::{cluster, selector, NodeBuilder, PodBuilder};

const LOW: i32 = 0;
const HIGH: i32 = 1000;
const VERY_HIGH: i32 = 10000;

/// Everything a dry run could disturb, in a comparable form: the node table, the affinity
/// counters, per pod whether it is topology-counted, per (label class, node) the counted
/// pods, and the change log's identity and position.
fn fingerprint(c: &Cluster) -> String {
    let t = &c.topology();
    let counts: Vec<Vec<u32>> = (0..t.class_total.len() as u32)
        .map(|class| {
            c.nodes()
                .indices()
                .map(|n| t.node_count(class, n))
                .collect()
        })
        .collect();
    format!(
        "{:?}\n{} {}\n{:?}\n{:?} {:?}\n{} {}",
        c.nodes(),
        c.pods_with_required_anti_affinity(),
        c.pods_with_pod_affinity(),
        t.counted,
        t.class_total,
        counts,
        c.node_changes().id(),
        c.node_changes().seq()
    )
}

/// node1 (1000m cpu): p1 (LOW, 300m, a host port, required anti-affinity), p2 (LOW, 300m)
/// and p3 (VERY_HIGH, 300m, not a victim); `nominee` (HIGH, 100m) waits nominated to
/// node1. Returns the cluster, the nominator and the nominee.
fn setup() -> (Cluster, Nominator, PodId) {
    let nodes = vec![NodeBuilder::new("node1").cpu(1000).mem(1000)];
    let anti = selector(&[("app", "other")]);
    let existing = vec![
        (
            "node1",
            PodBuilder::new("p1")
                .priority(LOW)
                .req(300, 10)
                .label("app", "a")
                .host_ports(&[("TCP", "", 8080)])
                .pod_anti_affinity(anti, "kubernetes.io/hostname")
                .build(),
        ),
        (
            "node1",
            PodBuilder::new("p2")
                .priority(LOW)
                .req(300, 10)
                .label("app", "a")
                .build(),
        ),
        (
            "node1",
            PodBuilder::new("p3")
                .priority(VERY_HIGH)
                .req(300, 10)
                .build(),
        ),
    ];
    let mut c = cluster(nodes, existing);
    let nominee = c.add_pod(
        PodBuilder::new("nominee")
            .priority(HIGH)
            .req(100, 10)
            .build(),
    );
    let mut nominator = Nominator::default();
    nominator.set(nominee, Some(c.node_names()["node1"]));
    (c, nominator, nominee)
}

/// Runs DefaultPreemption's PostFilter for a HIGH pod asking `cpu_millis` on node1 and
/// returns the nominated node's name (if any), the victims' names and the status.
fn preempt(c: &mut Cluster, nominator: &Nominator, cpu_millis: i64) -> (Vec<String>, Status) {
    let pod = PodBuilder::new("preemptor")
        .priority(HIGH)
        .req(cpu_millis, 10)
        .build();
    let pid = c.add_pod(pod.clone());
    let profile = builtin_profile("default", &ResourceNames::default()).unwrap();
    let handle = PostFilterHandle {
        pod: pid,
        fits: &profile,
        pdbs: &[],
        nominator,
        preempted: &[],
    };
    let failed = vec![NodeVerdict {
        node: c.node_names()["node1"],
        status: Status::new(Code::Unschedulable, "Insufficient cpu"),
    }];
    let before = fingerprint(c);
    let (result, status) =
        DefaultPreemption::default().post_filter(&pod, &mut DryRun::new(c), &failed, &handle);
    assert_eq!(
        fingerprint(c),
        before,
        "the dry run left the cluster as it was"
    );
    let victims = result
        .map(|r| r.victims)
        .unwrap_or_default()
        .iter()
        .map(|v| c.pods()[v.ix()].name.clone())
        .collect();
    (victims, status)
}

#[test]
fn failed_preemption_dry_run_leaves_cluster_and_change_log_untouched() {
    let (mut c, nominator, _) = setup();
    // Without p1 and p2, node1 holds p3 (300m) and the nominee (100m): 1000 - 400 = 600m
    // free < 800m, so no candidate.
    let (victims, status) = preempt(&mut c, &nominator, 800);
    assert!(victims.is_empty());
    assert_eq!(status.code, Code::Unschedulable);
    assert!(
        status.reasons[0].contains("Insufficient cpu"),
        "{:?}",
        status.reasons
    );
}

#[test]
fn successful_preemption_dry_run_leaves_cluster_and_change_log_untouched() {
    let (mut c, nominator, _) = setup();
    // Without p1 and p2: 600m free >= 500m. Putting either back: 300 + 300 + 100 + 500 =
    // 1200m > 1000m, so both are victims (equal priority and start: p1 first by id).
    let (victims, status) = preempt(&mut c, &nominator, 500);
    assert_eq!(status, Status::success());
    assert_eq!(victims, vec!["p1".to_string(), "p2".to_string()]);
}

#[test]
fn dry_run_edits_are_visible_inside_the_scope_and_undone_after_it() {
    let (mut c, nominator, nominee) = setup();
    let n = c.node_names()["node1"];
    let p1 = c.pod_names()[&("default".to_string(), "p1".to_string())];
    let before = fingerprint(&c);
    let requested_cpu = |c: &Cluster| c.nodes().requested()[n.ix()].0[0];
    {
        let mut dry = DryRun::new(&mut c);
        dry.remove(p1, n);
        // 900m requested - p1's 300m = 600m; p1 no longer counted or on the node.
        assert_eq!(requested_cpu(dry.cluster()), 600);
        assert!(!dry.cluster().topology().counted[p1.ix()]);
        assert!(dry.cluster().nodes().host_ports()[n.ix()].is_empty());
        {
            let mut inner = dry.scope();
            inner.add(nominee, n);
            // 600m + the nominee's 100m.
            assert_eq!(requested_cpu(inner.cluster()), 700);
        }
        assert_eq!(requested_cpu(dry.cluster()), 600, "inner scope undone");
        // filter_with_nominated counts the nominee only while it filters.
        let profile = builtin_profile("default", &ResourceNames::default()).unwrap();
        let pod = c_pod(350);
        let ge = nominator.pods_on(n).to_vec();
        // 600m + 100m nominee + 350m = 1050m > 1000m: fails with the nominee counted
        // (without it, 950m would fit).
        let status = filter_with_nominated(&profile, &pod, &mut dry, n, &ge);
        assert!(!status.is_success());
        assert_eq!(requested_cpu(dry.cluster()), 600);
    }
    assert_eq!(fingerprint(&c), before);
}

/// A pending HIGH pod asking `cpu_millis`.
fn c_pod(cpu_millis: i64) -> k8sim::cluster::Pod {
    PodBuilder::new("probe")
        .priority(HIGH)
        .req(cpu_millis, 10)
        .build()
}
