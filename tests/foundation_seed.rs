//! The seed scenario end to end: the Deployment scaled to 5 by the timeline, one stateful
//! pod with a stable name, and the `pi` CronJob completing 10 pods per run with at most 5
//! at a time; plus determinism and real manifests from the Kubernetes docs.

mod prereq;

use k8sim::cluster::{Owner, PodPhase};
use k8sim::engine::SimTime;
use k8sim::input::manifest;
use k8sim::input::scenario::load_builtin;
use k8sim::model::resources::{ResourceNames, CPU};
use k8sim::sim::Simulation;
use std::path::Path;

fn run_seed(seed: u64) -> Simulation {
    let sc = load_builtin().expect("built-in scenario loads");
    let mut sim = Simulation::new(&sc, seed, "default").expect("simulation builds");
    sim.run().expect("runs to the end");
    sim
}

#[test]
fn nginx_has_five_running_pods_after_the_scale() {
    let sim = run_seed(42);
    let running: Vec<_> = sim
        .cluster
        .pods()
        .values()
        .filter(|p| p.name.starts_with("nginx-deployment-basic-") && p.phase == PodPhase::Running)
        .collect();
    assert_eq!(running.len(), 5);
    // Pod names are <deployment>-<pod-template-hash>-<5 random chars>.
    for p in &running {
        let parts: Vec<&str> = p.name.rsplitn(3, '-').collect();
        assert_eq!(parts[0].len(), 5, "{}", p.name);
        assert_eq!(
            p.labels.get("pod-template-hash").map(|s| s.as_str()),
            Some(parts[1])
        );
        // cpu limit "0.1" defaults the request to 100m.
        assert_eq!(p.spec.requests.get(CPU), 100);
    }
    // Two pods from the start, three more at the scale (10m).
    let created_at_scale = running
        .iter()
        .filter(|p| p.times.created == SimTime::from_secs(600))
        .count();
    assert_eq!(created_at_scale, 3);
}

#[test]
fn one_stateful_pod_with_its_ordinal_name() {
    let sim = run_seed(42);
    let sts: Vec<_> = sim
        .cluster
        .pods()
        .values()
        .filter(|p| matches!(p.owner, Owner::StatefulSet(_)))
        .collect();
    assert_eq!(sts.len(), 1);
    assert_eq!(sts[0].name, "my-stateful-app-0");
    assert_eq!(sts[0].phase, PodPhase::Running);
}

#[test]
fn every_cronjob_run_completes_ten_pods_at_most_five_at_a_time() {
    let sim = run_seed(42);
    let jobs = &sim.workloads.jobs;
    // */1 * * * * over [0, 30 min] from 00:00: 31 runs, at 0, 60, ..., 1800 s.
    assert_eq!(jobs.len(), 31);
    for (i, j) in jobs.iter().enumerate() {
        assert!(j.name.starts_with("pi-"), "{}", j.name);
        assert_eq!(j.start, SimTime::from_secs(60 * i as u64));
        assert!(
            j.max_active <= 5,
            "{} ran {} pods at once",
            j.name,
            j.max_active
        );
        if j.finished.is_some() {
            assert_eq!(j.succeeded, 10, "{}", j.name);
        }
    }
    // Every run but the ones started in the last minute finished within the 30 minutes.
    assert!(jobs.iter().filter(|j| j.finished.is_some()).count() >= 29);
    // Job names are <cronjob>-<minutes since the Unix epoch of the scheduled time>.
    // 2026-01-01T00:00:00Z is 29_453_760 minutes after the epoch.
    assert_eq!(jobs[0].name, "pi-29453760");
    assert_eq!(jobs[1].name, "pi-29453761");
}

fn output_bytes(seed: u64, tag: &str) -> Vec<(String, Vec<u8>)> {
    let sc = load_builtin().unwrap();
    let out = std::env::temp_dir().join(format!("k8sim-det-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let (_, dir) = k8sim::cli::run::run_scenario(&sc, seed, "default", &out).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(&dir).unwrap().display().to_string();
                files.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    let _ = std::fs::remove_dir_all(&out);
    files
}

#[test]
fn same_seed_gives_byte_identical_results() {
    let a = output_bytes(7, "a");
    let b = output_bytes(7, "b");
    assert!(
        a.len() >= 5,
        "expected the CSVs, plots and report: {}",
        a.len()
    );
    for ((na, ba), (nb, bb)) in a.iter().zip(&b) {
        assert_eq!(na, nb);
        assert!(
            ba == bb,
            "{na} differs between two runs with seed 7 (reproduce: k8sim run --seed 7)"
        );
    }
    assert_eq!(a.len(), b.len());
    let c = output_bytes(8, "c");
    let pods =
        |v: &Vec<(String, Vec<u8>)>| v.iter().find(|(n, _)| n == "pods.csv").unwrap().1.clone();
    assert_ne!(
        pods(&a),
        pods(&c),
        "a different seed gives different pod names"
    );
}

fn shared(name: &str) -> Option<std::path::PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/manifests")
        .join(name);
    let what = format!("{} (real manifest)", p.display());
    prereq::available(p.exists(), &what).then_some(p)
}

#[test]
fn real_manifests_from_the_kubernetes_docs_load() {
    for (file, simulated) in [
        // Deployments plus their Services (simulated for endpoint availability).
        ("online-boutique-kubernetes-manifests.yaml", 24),
        ("k8s-examples-guestbook-all-in-one.yaml", 6),
        ("k8s-examples-cassandra-statefulset.yaml", 2),
    ] {
        let Some(path) = shared(file) else { continue };
        let set = manifest::load_file(&path, &mut ResourceNames::default())
            .unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert_eq!(set.objects.len(), simulated, "{file}");
        if file.starts_with("online") {
            let services = set
                .objects
                .iter()
                .filter(|o| o.object.kind() == "Service")
                .count();
            assert_eq!(services, 12);
            assert_eq!(set.not_simulated.get("ServiceAccount"), Some(&11));
        }
    }
}
