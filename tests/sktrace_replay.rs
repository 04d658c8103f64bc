//! Replaying SimKube traces (`.sktrace`): objects created and deleted at the recorded times,
//! pods running for their recorded lifetimes, deterministic runs, and clear errors for bad
//! trace files. The example traces under tests/data/sktrace/ were recorded by SimKube
//! (acrlabs/simkube, MIT licence).

use k8sim::cluster::PodPhase;
use k8sim::input::scenario::load;
use k8sim::scenario::action::{Action, ApplySource};
use k8sim::scenario::Scenario;
use k8sim::sim::Simulation;
use serde::Deserialize;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sktrace")
        .join(name)
}

/// A scenario in a temp dir replaying `trace` (copied next to it) on three nodes.
fn scenario_with(tag: &str, trace_name: &str, trace: &[u8], extra: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "k8sim-sktrace-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(trace_name), trace).unwrap();
    let path = dir.join("scenario.yaml");
    fs::write(
        &path,
        format!(
            "cluster:\n  nodes:\n    - name: w\n      count: 3\n      allocatable: {{cpu: \"16\", memory: 64Gi}}\nworkloads:\n  - {trace_name}\n{extra}"
        ),
    )
    .unwrap();
    path
}

fn replay(name: &str, extra: &str) -> (Scenario, Simulation) {
    let bytes = fs::read(data(name)).unwrap();
    let path = scenario_with(name, name, &bytes, extra);
    let sc = load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    (sc, sim)
}

/// The events of a trace, decoded independently of k8sim's reader.
#[derive(Deserialize)]
struct Events {
    events: Vec<Event>,
}

#[derive(Deserialize)]
struct Event {
    ts: i64,
    applied_objs: Vec<serde_json::Value>,
    deleted_objs: Vec<serde_json::Value>,
}

fn events(name: &str) -> Vec<Event> {
    let e: Events = rmp_serde::from_slice(&fs::read(data(name)).unwrap()).unwrap();
    e.events
}

/// (time ms, object count) of each apply and of each delete.
type Changes = (Vec<(u64, usize)>, Vec<(u64, usize)>);

/// The applies and deletes of the scenario's trace entries.
fn trace_entries(sc: &Scenario) -> Changes {
    let (mut applied, mut deleted) = (Vec::new(), Vec::new());
    for e in &sc.timeline {
        match &e.action {
            Action::Apply {
                source: ApplySource::Trace(_),
                objects,
            } => applied.push((e.at.as_millis(), objects.len())),
            Action::DeleteFile { targets, .. } => deleted.push((e.at.as_millis(), targets.len())),
            _ => {}
        }
    }
    (applied, deleted)
}

fn expected(name: &str) -> Changes {
    let ev = events(name);
    let t0 = ev[0].ts;
    let at = |e: &Event| (e.ts - t0) as u64 * 1000;
    (
        ev.iter()
            .filter(|e| !e.applied_objs.is_empty())
            .map(|e| (at(e), e.applied_objs.len()))
            .collect(),
        ev.iter()
            .filter(|e| !e.deleted_objs.is_empty())
            .map(|e| (at(e), e.deleted_objs.len()))
            .collect(),
    )
}

#[test]
fn objects_are_applied_and_deleted_at_the_recorded_times() {
    for name in [
        "bare-pods.sktrace",
        "cronjob.sktrace",
        "dsb-scaling.sktrace",
    ] {
        let bytes = fs::read(data(name)).unwrap();
        let sc = load(&scenario_with("times", name, &bytes, "")).unwrap();
        assert_eq!(trace_entries(&sc), expected(name), "{name}");
        assert_eq!(
            sc.start_epoch_s,
            events(name)[0].ts,
            "{name}: clock starts at the trace"
        );
    }
}

#[test]
fn dsb_deployments_end_with_the_last_recorded_replicas() {
    let (_, sim) = replay("dsb-scaling.sktrace", "");
    let mut last = std::collections::BTreeMap::new();
    for e in events("dsb-scaling.sktrace") {
        for o in &e.applied_objs {
            let name = o["metadata"]["name"].as_str().unwrap().to_string();
            last.insert(name, o["spec"]["replicas"].as_i64().unwrap_or(1) as i32);
        }
    }
    assert_eq!(last.len(), 27);
    assert_eq!(sim.workloads.deployments.len(), 27);
    for d in &sim.workloads.deployments {
        assert_eq!(
            d.spec.replicas, last[&d.spec.meta.name],
            "{}",
            d.spec.meta.name
        );
    }
    let running = sim
        .cluster
        .pods()
        .values()
        .filter(|p| p.phase == PodPhase::Running && !p.deleting)
        .count() as i32;
    assert_eq!(running, last.values().sum::<i32>());
}

/// bare-pods.sktrace records, per pod, Finished [start, end] (12 s, 30 s, 30 s) or Running
/// (the last pod): the simulated pods run exactly that long, or until the end.
#[test]
fn bare_pods_run_for_their_recorded_lifetimes() {
    let (_, sim) = replay("bare-pods.sktrace", "");
    let life = |name: &str| {
        let p = sim
            .cluster
            .pods()
            .values()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("pod {name} was created"));
        (p.phase, p.times.started, p.times.finished)
    };
    for (name, secs) in [
        ("bare-pod-1781282449", 12),
        ("bare-pod-1781282509", 30),
        ("bare-pod-1781282570", 30),
    ] {
        let (phase, started, finished) = life(name);
        assert_eq!(phase, PodPhase::Succeeded, "{name}");
        assert_eq!(
            finished.unwrap().as_millis() - started.unwrap().as_millis(),
            secs * 1000,
            "{name}"
        );
    }
    let (phase, _, finished) = life("bare-pod-1781282630");
    assert_eq!(phase, PodPhase::Running);
    assert!(finished.is_none());
}

/// cronjob.sktrace: a `* * * * *` CronJob whose pods each ran 30 s, deleted 205 s after the
/// first event. Every pod the replay creates runs 30 s (lifetimes reused in order, as
/// SimKube's `seq % len` does), and no Job starts after the deletion.
#[test]
fn cronjob_pods_run_30s_and_stop_after_the_recorded_delete() {
    let (_, sim) = replay("cronjob.sktrace", "");
    // Every pod, those retired with their deleted Jobs included (as pods.csv lists them).
    let mut pods = Vec::new();
    (sim.pod_records().try_for_each(|r| {
        pods.push(r.clone());
        Ok::<_, ()>(())
    }))
    .unwrap();
    assert!(pods.len() >= 3, "{} pods", pods.len());
    for p in &pods {
        if let (Some(s), Some(f)) = (p.started, p.finished) {
            if p.phase == PodPhase::Succeeded {
                assert_eq!(f.as_millis() - s.as_millis(), 30_000, "{}", p.name);
            }
        }
        assert!(
            p.created.as_millis() <= 205_000,
            "{} created after delete",
            p.name
        );
    }
}

#[test]
fn replays_are_deterministic() {
    let a = replay("dsb-scaling.sktrace", "");
    let b = replay("dsb-scaling.sktrace", "");
    let log = |s: &Simulation| {
        s.recorder
            .events
            .iter()
            .map(|e| format!("{e:?}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(log(&a.1), log(&b.1));
}

fn load_err(bytes: &[u8]) -> String {
    let path = scenario_with("bad", "bad.sktrace", bytes, "");
    load(&path)
        .expect_err("the trace should be rejected")
        .to_string()
}

fn msgpack(v: serde_json::Value) -> Vec<u8> {
    rmp_serde::to_vec_named(&v).unwrap()
}

#[test]
fn bad_traces_are_clear_errors() {
    let e = load_err(b"apiVersion: v1\nkind: Pod\n");
    assert!(
        e.contains("bad.sktrace") && e.contains("not a SimKube trace"),
        "{e}"
    );

    let e = load_err(&msgpack(serde_json::json!({"version": 3, "events": []})));
    assert!(
        e.contains("field `version`") && e.contains("version 3"),
        "{e}"
    );

    let e = load_err(&msgpack(serde_json::json!({"events": []})));
    assert!(e.contains("missing field `version`"), "{e}");

    let e = load_err(&msgpack(
        serde_json::json!({"version": 2, "config": {"trackedObjects": {}}, "index": {}, "pod_lifecycles": {}}),
    ));
    assert!(e.contains("bad.sktrace") && e.contains("events"), "{e}");

    let base = |events: serde_json::Value| {
        msgpack(
            serde_json::json!({"version": 2, "config": {"trackedObjects": {}}, "events": events, "index": {}, "pod_lifecycles": {}}),
        )
    };
    let e = load_err(&base(
        serde_json::json!([{"ts": 1, "applied_objs": [], "deleted_objs": []}, {"applied_objs": [], "deleted_objs": []}]),
    ));
    assert!(e.contains("events[1]") && e.contains("ts"), "{e}");

    let e = load_err(&base(serde_json::json!([{"ts": 1, "applied_objs": [
        {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    ], "deleted_objs": []}])));
    assert!(
        e.contains("events[0].applied_objs[0]") && e.contains("Widget"),
        "{e}"
    );

    let e = load_err(&base(serde_json::json!([
        {"ts": 10, "applied_objs": [], "deleted_objs": []},
        {"ts": 5, "applied_objs": [], "deleted_objs": []}
    ])));
    assert!(e.contains("events[1].ts"), "{e}");
}
