//! Scheduler configuration end to end: every built-in policy runs the seed scenario, a
//! KubeSchedulerConfiguration file drives a run, bad configurations fail with file, line
//! and field, and a pod whose schedulerName has no profile stays Pending with an event.

use k8sim::input::scenario;
use k8sim::input::scheduler_config;
use k8sim::model::resources::ResourceNames;
use k8sim::scheduler::config::build_profiles;
use k8sim::scheduler::plugins::registry::Registry;
use k8sim::sim::Simulation;
use std::path::Path;

#[test]
fn every_builtin_policy_runs_the_seed_scenario() {
    let sc = scenario::load_builtin().expect("seed scenario");
    for (name, _) in k8sim::scheduler::BUILTIN_PROFILES {
        for policy in [name.to_string(), format!("{name}+drf")] {
            let mut sim = Simulation::new(&sc, 7, &policy).unwrap_or_else(|e| {
                panic!("{policy}: {e} (k8sim run --scheduler {policy} --seed 7)")
            });
            sim.run().unwrap_or_else(|e| panic!("{policy}: {e}"));
            let bound = sim
                .cluster
                .pods()
                .values()
                .filter(|p| p.node.is_some())
                .count();
            assert!(bound > 0, "{policy}: no pod was scheduled");
        }
    }
}

#[test]
fn first_fit_packs_onto_the_lowest_node() {
    let sc = scenario::load_builtin().unwrap();
    let mut sim = Simulation::new(&sc, 1, "first-fit").unwrap();
    sim.run().unwrap();
    let first = sim
        .cluster
        .pods()
        .values()
        .filter_map(|p| p.node)
        .min()
        .unwrap();
    assert_eq!(first.0, 0, "first-fit must use node 0");
}

fn write_scenario(
    dir: &Path,
    scheduler: &str,
    extra_pod_scheduler: Option<&str>,
) -> std::path::PathBuf {
    let pod_sched = extra_pod_scheduler
        .map(|s| format!("  schedulerName: {s}\n"))
        .unwrap_or_default();
    std::fs::write(
        dir.join("pods.yaml"),
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: lonely\nspec:\n{pod_sched}  containers:\n  - name: c\n    image: busybox\n    resources:\n      requests:\n        cpu: 500m\n        memory: 256Mi\n"
        ),
    )
    .unwrap();
    let path = dir.join("scenario.yaml");
    std::fs::write(
        &path,
        format!(
            "name: t\nseed: 3\nduration: 1m\nscheduler: {scheduler}\ncluster:\n  nodes:\n  - name: n\n    count: 3\n    allocatable: {{cpu: 4, memory: 8Gi, pods: 110}}\nworkloads:\n- pods.yaml\n"
        ),
    )
    .unwrap();
    path
}

#[test]
fn kube_scheduler_configuration_file_drives_a_run() {
    let dir = tempdir("config-run");
    std::fs::copy(
        "tests/data/scheduler/binpack.yaml",
        dir.join("binpack.yaml"),
    )
    .unwrap();
    let path = write_scenario(&dir, "binpack.yaml", None);
    let sc = scenario::load(&path).expect("scenario loads");
    // The input layer reads the file; building the simulation reads nothing.
    let scheduler =
        k8sim::input::scheduler_config::resolve(&sc, "binpack.yaml").expect("config reads");
    let mut sim = Simulation::new(&sc, 3, scheduler).expect("config builds");
    let profile = &sim.scheduler.profiles[0];
    let scores: Vec<(&str, i64)> = profile
        .scores
        .iter()
        .map(|w| (w.plugin.name(), w.weight))
        .collect();
    assert!(scores.contains(&("NodeResourcesFit", 5)), "{scores:?}");
    assert!(
        !scores
            .iter()
            .any(|(n, _)| *n == "NodeResourcesBalancedAllocation"),
        "{scores:?}"
    );
    assert_eq!(profile.percentage_of_nodes_to_score, 100);
    sim.run().unwrap();
    assert!(sim.cluster.pods()[0].node.is_some());
}

fn parse_err(text: &str) -> String {
    let file = Path::new("bad.yaml");
    match scheduler_config::parse(file, text, &mut ResourceNames::default()) {
        Err(e) => e.to_string(),
        Ok(cfg) => match build_profiles(&cfg, &Registry::in_tree(), &ResourceNames::default()) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("expected an error for:\n{text}"),
        },
    }
}

const HEAD: &str = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: default-scheduler\n";

#[test]
fn unknown_plugin_is_an_error_with_line() {
    let e = parse_err(&format!(
        "{HEAD}  plugins:\n    score:\n      enabled:\n      - name: NodeResourcesFitt\n"
    ));
    assert!(e.contains("bad.yaml:8"), "{e}");
    assert!(e.contains("unknown plugin \"NodeResourcesFitt\""), "{e}");
}

/// A file opening with a comment block and a `---` marker: the bad plugin name is on
/// file line 11 (the document's line 8 plus the three lines before it).
#[test]
fn unknown_plugin_line_counts_the_lines_before_the_document_marker() {
    let e = parse_err(&format!(
        "# scheduler profile\n# for the test\n---\n{HEAD}  plugins:\n    score:\n      enabled:\n      - name: NodeResourcesFitt\n"
    ));
    assert!(e.contains("bad.yaml:11:"), "{e}");
    assert!(!e.contains("bad.yaml:8:"), "{e}");
    assert!(e.contains("unknown plugin \"NodeResourcesFitt\""), "{e}");
}

#[test]
fn negative_weight_is_an_error_with_field() {
    let e = parse_err(&format!("{HEAD}  plugins:\n    score:\n      enabled:\n      - name: ImageLocality\n        weight: -2\n"));
    assert!(e.contains("bad.yaml:9"), "{e}");
    assert!(e.contains("weight"), "{e}");
}

#[test]
fn bad_scoring_strategy_is_an_error() {
    let e = parse_err(&format!("{HEAD}  pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: Fullest\n"));
    assert!(e.contains("scoringStrategy.type"), "{e}");
    assert!(e.contains("Fullest"), "{e}");
}

#[test]
fn rtcr_shape_score_out_of_range_is_an_error() {
    let e = parse_err(&format!("{HEAD}  pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: RequestedToCapacityRatio\n        requestedToCapacityRatio:\n          shape:\n          - utilization: 0\n            score: 11\n"));
    assert!(e.contains("score 11"), "{e}");
}

#[test]
fn plugin_without_the_extension_point_is_an_error() {
    let e = parse_err(&format!(
        "{HEAD}  plugins:\n    filter:\n      enabled:\n      - name: ImageLocality\n"
    ));
    assert!(e.contains("does not implement the filter"), "{e}");
}

#[test]
fn unknown_builtin_name_is_an_error() {
    let sc = scenario::load_builtin().unwrap();
    let e = Simulation::new(&sc, 1, "fastest")
        .err()
        .expect("error")
        .to_string();
    assert!(e.contains("unknown scheduler \"fastest\""), "{e}");
}

#[test]
fn pod_with_unknown_scheduler_name_stays_pending_with_event() {
    let dir = tempdir("no-profile");
    let path = write_scenario(&dir, "default", Some("my-scheduler"));
    let sc = scenario::load(&path).unwrap();
    let mut sim = Simulation::new(&sc, 3, "default").unwrap();
    sim.run().unwrap();
    assert!(sim.cluster.pods()[0].node.is_none());
    let ev = sim
        .recorder
        .events
        .iter()
        .find(|e| e.reason == "FailedScheduling")
        .expect("event");
    assert!(ev.message.contains("my-scheduler"), "{}", ev.message);
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("k8sim-sched-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Issue 11 item 8: a KubeSchedulerConfiguration field k8sim does not simulate is an
/// error saying so, never dropped silently.
#[test]
fn extenders_are_an_error_saying_they_are_not_simulated() {
    let text = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nextenders:\n- urlPrefix: http://extender\n";
    let e = parse_err(text);
    assert!(e.contains("field `extenders`"), "{e}");
    assert!(e.contains("not simulated"), "{e}");
}

#[test]
fn backoff_other_than_the_default_is_an_error_and_the_default_is_accepted() {
    let text = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\npodMaxBackoffSeconds: 60\n";
    let e = parse_err(text);
    assert!(
        e.contains("bad.yaml:3: field `podMaxBackoffSeconds`"),
        "{e}"
    );
    let ok = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\npodInitialBackoffSeconds: 1\npodMaxBackoffSeconds: 10\n";
    scheduler_config::parse(Path::new("ok.yaml"), ok, &mut ResourceNames::default())
        .expect("kube-scheduler's defaults are what the queue does");
}

#[test]
fn misspelt_scheduler_config_field_suggests_the_name() {
    let text = format!("{HEAD}  pluginConfigs: []\n");
    let e = parse_err(&text);
    assert!(e.contains("did you mean \"pluginConfig\"?"), "{e}");
}
