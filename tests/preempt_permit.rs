//! Permit `Wait` through the framework (kube's waitingPodsMap and WaitingPod.Allow /
//! timeout rejection), driven by a gang-style test plugin: pods of a gang wait at Permit,
//! holding their node, until enough members are assumed; a gang that never fills is
//! rejected when the wait times out.

use k8sim::cluster::{Cluster, NodeIdx, Pod, PodId};
use k8sim::input::scenario::load;
use k8sim::scheduler::config::PluginArgs;
use k8sim::scheduler::framework::{Code, PermitPlugin, Plugin, Status};
use k8sim::scheduler::plugins::registry::Registry;
use k8sim::sim::Simulation;
use std::fs;
use std::sync::Arc;

/// Pods labelled `gang: NAME` wait at Permit (10 s) until `gang-min` members are assumed.
struct Gang;

const WAIT_MS: u64 = 10_000;

fn gang_of(pod: &Pod) -> Option<(&str, usize)> {
    let name = pod.labels.get("gang")?;
    let min = pod.labels.get("gang-min")?.parse().ok()?;
    Some((name, min))
}

impl Plugin for Gang {
    fn name(&self) -> &'static str {
        "Gang"
    }
    fn as_permit(&self) -> Option<&dyn PermitPlugin> {
        Some(self)
    }
}

impl PermitPlugin for Gang {
    fn permit(&self, pod: &Pod, cluster: &Cluster, _n: NodeIdx) -> (Status, u64) {
        let Some((gang, min)) = gang_of(pod) else {
            return (Status::success(), 0);
        };
        let assumed = cluster
            .pods()
            .values()
            .filter(|p| {
                p.node.is_some()
                    && !p.deleting
                    && p.labels.get("gang").map(String::as_str) == Some(gang)
            })
            .count();
        if assumed >= min {
            (Status::success(), 0)
        } else {
            (Status::new(Code::Wait, "waiting for the gang"), WAIT_MS)
        }
    }

    fn allow_waiting(&self, pod: &Pod, cluster: &Cluster, waiting: &[PodId]) -> Vec<PodId> {
        let Some((gang, _)) = gang_of(pod) else {
            return Vec::new();
        };
        if !self.permit(pod, cluster, NodeIdx(0)).0.is_success() {
            return Vec::new();
        }
        waiting
            .iter()
            .copied()
            .filter(|w| gang_of(&cluster.pods()[w.ix()]).map(|g| g.0) == Some(gang))
            .collect()
    }
}

const CONFIG: &str = "apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  plugins:
    permit:
      enabled:
      - name: Gang
";

fn member(name: &str, gang: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{gang: {gang}, gang-min: \"3\"}}}}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    resources: {{requests: {{cpu: \"1\", memory: 1Gi}}}}\n"
    )
}

fn run(tag: &str, base: String, timeline: &str, later: &[(&str, String)]) -> Simulation {
    let dir = std::env::temp_dir().join(format!("k8sim-permit-{}-{tag}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("base.yaml"), base).unwrap();
    for (name, text) in later {
        fs::write(dir.join(name), text).unwrap();
    }
    fs::write(dir.join("gang.yaml"), CONFIG).unwrap();
    let scenario = format!(
        "name: {tag}\nduration: 30s\nworkloads: [base.yaml]\nruntime: {{image_pull: 0s, container_start: 0s}}\ncluster:\n  nodes:\n    - {{name: solo, allocatable: {{cpu: \"8\", memory: 16Gi}}}}\ntimeline:\n{timeline}"
    );
    let path = dir.join("scenario.yaml");
    fs::write(&path, scenario).unwrap();
    let sc = load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut registry = Registry::in_tree();
    registry.register(
        "Gang",
        Box::new(|args, _| match args {
            PluginArgs::None => Ok(Arc::new(Gang) as Arc<dyn Plugin>),
            _ => Err("Gang takes no args".into()),
        }),
    );
    let config = dir.join("gang.yaml");
    let scheduler = k8sim::input::scheduler_config::resolve(&sc, config.to_str().unwrap()).unwrap();
    let mut sim = Simulation::with_registry(&sc, sc.seed, scheduler, &registry).unwrap();
    sim.run().unwrap();
    sim
}

fn event_times(sim: &Simulation, reason: &str, prefix: &str) -> Vec<(String, f64)> {
    sim.recorder
        .events
        .iter()
        .filter(|e| e.reason == reason && e.object.starts_with(prefix))
        .map(|e| (e.object.clone(), e.time.as_secs_f64()))
        .collect()
}

#[test]
fn waiting_pods_bind_together_once_the_last_gang_member_is_permitted() {
    let base = member("g-1", "g") + &member("g-2", "g");
    let sim = run(
        "allow",
        base,
        "  - at: 5s\n    kubectl: kubectl apply -f last.yaml\n",
        &[("last.yaml", member("g-3", "g"))],
    );
    let bound = event_times(&sim, "Scheduled", "g-");
    assert_eq!(bound.len(), 3, "{bound:?}");
    // Nobody binds before the third member arrives at 5 s; all bind then.
    assert!(
        bound.iter().all(|(_, t)| (5.0..6.0).contains(t)),
        "{bound:?}"
    );
    assert!(event_times(&sim, "FailedScheduling", "g-").is_empty());
    assert!(sim.scheduler.waiting.is_empty());
}

#[test]
fn a_gang_that_never_fills_is_rejected_when_the_wait_times_out() {
    let base = member("h-1", "h") + &member("h-2", "h");
    // A 7-cpu pod arrives while h-1 and h-2 wait on the 8-cpu node: they hold 2 cpu.
    let whole = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: whole}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    resources: {requests: {cpu: \"7\", memory: 1Gi}}\n".to_string();
    let sim = run(
        "timeout",
        base,
        "  - at: 2s\n    kubectl: kubectl apply -f whole.yaml\n",
        &[("whole.yaml", whole)],
    );
    assert!(event_times(&sim, "Scheduled", "h-").is_empty());
    let rejections: Vec<_> = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.reason == "FailedScheduling" && e.object.starts_with("h-"))
        .collect();
    assert!(rejections.len() >= 2, "{rejections:?}");
    assert_eq!(
        rejections[0].message,
        "rejected due to timeout after waiting 10s at plugin Gang"
    );
    let first = rejections[0].time.as_secs_f64();
    assert!((10.0..11.0).contains(&first), "rejected at {first}");
    // `whole` could not fit while they waited, and took the node once they were rejected.
    let whole_failed = event_times(&sim, "FailedScheduling", "whole");
    assert!(whole_failed.iter().any(|(_, t)| *t < first));
    let whole_bound = event_times(&sim, "Scheduled", "whole");
    assert_eq!(whole_bound.len(), 1);
    assert!(whole_bound[0].1 >= first);
}
