//! Preemption end to end: a high-priority pod preempts the lowest-priority pods, waits
//! for their graceful termination and binds to its nominated node; a PDB steers the
//! choice of node; `preemptionPolicy: Never`; and space freed for a nominated pod is not
//! taken by a lower-priority pod that arrives meanwhile (kube-scheduler's
//! framework/preemption and RunFilterPluginsWithNominatedPods).

use k8sim::input::scenario::load;
use k8sim::metrics::EventRecord;
use k8sim::sim::Simulation;
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

const CLASSES: &str = r#"
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: low}
value: 10
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: mid}
value: 500
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
"#;

/// A bare pod manifest.
fn pod(name: &str, class: &str, cpu: &str, extra: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{app: {name}}}}}\nspec:\n  priorityClassName: {class}\n{extra}  containers:\n  - name: c\n    image: busybox\n    resources: {{requests: {{cpu: \"{cpu}\", memory: 1Gi}}}}\n"
    )
}

fn write(tag: &str, scenario: &str, files: &[(&str, String)]) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "k8sim-preempt-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        fs::write(dir.join(name), text).unwrap();
    }
    let path = dir.join("scenario.yaml");
    fs::write(&path, scenario).unwrap();
    path
}

/// Runs a scenario whose pods are busybox containers: their PID 1 ignores SIGTERM, so a
/// victim only stops when its grace period ends (`default_termination: 1h`, capped by
/// terminationGracePeriodSeconds: kuberuntime_container.go killContainer).
fn run(
    tag: &str,
    nodes: &str,
    workloads: String,
    timeline: &str,
    later: &[(&str, String)],
) -> Simulation {
    let scenario = format!(
        "name: {tag}\nduration: 10m\nworkloads: [classes.yaml, base.yaml]\nruntime: {{image_pull: 0s, container_start: 0s, default_termination: 1h}}\ncluster:\n  nodes:\n{nodes}timeline:\n{timeline}"
    );
    let mut files = vec![
        ("classes.yaml", CLASSES.to_string()),
        ("base.yaml", workloads),
    ];
    files.extend(later.iter().cloned());
    let path = write(tag, &scenario, &files);
    let sc = load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    sim
}

fn events<'a>(sim: &'a Simulation, reason: &str) -> Vec<&'a EventRecord> {
    sim.recorder
        .events
        .iter()
        .filter(|e| e.reason == reason)
        .collect()
}

fn scheduled(sim: &Simulation, pod: &str) -> Option<(f64, String)> {
    events(sim, "Scheduled")
        .into_iter()
        .find(|e| e.object == pod)
        .map(|e| {
            let node = e.message.rsplit(' ').next().unwrap().to_string();
            (e.time.as_secs_f64(), node)
        })
}

fn node_of(sim: &Simulation, pod: &str) -> String {
    scheduled(sim, pod)
        .unwrap_or_else(|| panic!("{pod} never scheduled"))
        .1
}

#[test]
fn a_high_priority_pod_preempts_the_lowest_priority_pod_and_binds_after_its_grace_period() {
    // Two 4-cpu nodes full of 2-cpu pods: a `mid` and a `low` pod on each. The urgent pod
    // (high, 2 cpu) preempts one low pod only, never a mid one.
    let mut base = String::new();
    for (name, class) in [
        ("mid-a", "mid"),
        ("mid-b", "mid"),
        ("low-a", "low"),
        ("low-b", "low"),
    ] {
        base += &pod(name, class, "2", "  terminationGracePeriodSeconds: 20\n");
    }
    let sim = run(
        "basic",
        "    - {name: n, count: 2, allocatable: {cpu: \"4\", memory: 16Gi}}\n",
        base,
        "  - at: 1m\n    kubectl: kubectl apply -f urgent.yaml\n",
        &[("urgent.yaml", pod("urgent", "high", "2", ""))],
    );
    let preempted = events(&sim, "Preempted");
    assert_eq!(preempted.len(), 1, "{preempted:?}");
    let victim = &preempted[0].object;
    assert!(victim.starts_with("low-"), "victim {victim}");
    let victim_node = node_of(&sim, victim);
    assert_eq!(
        preempted[0].message,
        format!("Preempted by pod default/urgent on node {victim_node}")
    );
    assert_eq!(preempted[0].time.as_secs_f64(), 60.0);
    // The preemptor failed first, then bound to the nominated node once the victim's
    // 20 s grace period ended (not before).
    let failed = events(&sim, "FailedScheduling");
    assert!(failed
        .iter()
        .any(|e| e.object == "urgent" && e.time.as_secs_f64() == 60.0));
    let (at, node) = scheduled(&sim, "urgent").expect("urgent binds");
    assert_eq!(node, victim_node);
    assert!((80.0..90.0).contains(&at), "bound at {at}");
    // Everything but the victim still runs; the nomination is gone once bound.
    let urgent = sim.cluster.pod_names()[&("default".to_string(), "urgent".to_string())];
    assert_eq!(sim.scheduler.nominator.node_of(urgent), None);
    let running = sim
        .cluster
        .pods()
        .values()
        .filter(|p| p.is_active())
        .count();
    assert_eq!(running, 4);
}

#[test]
fn a_pdb_steers_preemption_to_the_node_whose_victims_do_not_violate_it() {
    // web-* on node n-0 are covered by a PDB with no disruption left; batch-* on n-1 are
    // not. Without the PDB, n-0 is the first of two equal candidates.
    let mut base = String::new();
    for (name, node) in [
        ("web-1", "n-0"),
        ("web-2", "n-0"),
        ("batch-1", "n-1"),
        ("batch-2", "n-1"),
    ] {
        let app = name.split('-').next().unwrap();
        base += &format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{app: {app}}}}}\nspec:\n  nodeName: {node}\n  priorityClassName: low\n  terminationGracePeriodSeconds: 5\n  containers:\n  - name: c\n    image: busybox\n    resources: {{requests: {{cpu: \"2\", memory: 1Gi}}}}\n"
        );
    }
    let pdb = "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  minAvailable: 2\n  selector: {matchLabels: {app: web}}\n";
    let nodes = "    - {name: n, count: 2, allocatable: {cpu: \"4\", memory: 16Gi}}\n";
    let timeline = "  - at: 1m\n    kubectl: kubectl apply -f urgent.yaml\n";
    let urgent = [("urgent.yaml", pod("urgent", "high", "2", ""))];
    let with = run("pdb", nodes, format!("{base}{pdb}"), timeline, &urgent);
    let without = run("nopdb", nodes, base, timeline, &urgent);
    let victim = |sim: &Simulation| events(sim, "Preempted")[0].object.clone();
    assert!(victim(&with).starts_with("batch-"), "{}", victim(&with));
    assert_eq!(node_of(&with, "urgent"), "n-1");
    assert!(victim(&without).starts_with("web-"), "{}", victim(&without));
    assert_eq!(node_of(&without, "urgent"), "n-0");
}

#[test]
fn preemption_policy_never_does_not_preempt() {
    let base = pod("low-a", "low", "4", "");
    let sim = run(
        "never",
        "    - {name: solo, allocatable: {cpu: \"4\", memory: 16Gi}}\n",
        base,
        "  - at: 1m\n    kubectl: kubectl apply -f urgent.yaml\n",
        &[(
            "urgent.yaml",
            pod("urgent", "high", "2", "  preemptionPolicy: Never\n"),
        )],
    );
    assert!(events(&sim, "Preempted").is_empty());
    assert!(scheduled(&sim, "urgent").is_none());
    let failed = events(&sim, "FailedScheduling");
    let msg = &failed
        .iter()
        .find(|e| e.object == "urgent")
        .unwrap()
        .message;
    assert_eq!(
        msg,
        "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."
    );
}

#[test]
fn space_freed_for_a_nominated_pod_is_not_taken_by_a_lower_priority_pod() {
    // One 4-cpu node with two low pods: quick (5 s grace) and slow (60 s grace). Urgent
    // (4 cpu) preempts both at 60 s; quick is gone at 65 s, leaving 2 cpu free until slow
    // ends at 120 s. A mid filler (2 cpu, never preempts) arriving at 70 s would fit in
    // those 2 cpu, but they are promised to the nominated urgent pod.
    let mut base = pod("quick", "low", "2", "  terminationGracePeriodSeconds: 5\n");
    base += &pod("slow", "low", "2", "  terminationGracePeriodSeconds: 60\n");
    let sim = run(
        "nominated",
        "    - {name: solo, allocatable: {cpu: \"4\", memory: 16Gi}}\n",
        base,
        "  - at: 1m\n    kubectl: kubectl apply -f urgent.yaml\n  - at: 70s\n    kubectl: kubectl apply -f filler.yaml\n",
        &[
            ("urgent.yaml", pod("urgent", "high", "4", "")),
            (
                "filler.yaml",
                pod("filler", "mid", "2", "  preemptionPolicy: Never\n"),
            ),
        ],
    );
    let victims: Vec<&str> = events(&sim, "Preempted")
        .iter()
        .map(|e| e.object.as_str())
        .collect();
    assert_eq!(victims.len(), 2, "{victims:?}");
    let (at, node) = scheduled(&sim, "urgent").expect("urgent binds");
    assert_eq!(node, "solo");
    assert!((120.0..130.0).contains(&at), "bound at {at}");
    assert!(
        scheduled(&sim, "filler").is_none(),
        "filler stole the space"
    );
    // While the slow victim terminated, the urgent pod did not preempt again.
    let urgent_failures: Vec<&String> = events(&sim, "FailedScheduling")
        .into_iter()
        .filter(|e| e.object == "urgent" && e.time.as_secs_f64() > 60.0)
        .map(|e| &e.message)
        .collect();
    assert!(
        urgent_failures.iter().all(|m| m
            .ends_with("preemption: not eligible due to a terminating pod on the nominated node.")),
        "{urgent_failures:?}"
    );
    let filler_failed = events(&sim, "FailedScheduling").into_iter().any(|e| {
        e.object == "filler" && e.time.as_secs_f64() >= 70.0 && e.time.as_secs_f64() < 120.0
    });
    assert!(filler_failed);
}
