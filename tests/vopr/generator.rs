//! A generator of random, valid scenarios from a seed: node groups in zones, every
//! simulated workload kind (Deployments, StatefulSets with claims, Jobs, CronJobs,
//! DaemonSets, bare pods), Services, PodDisruptionBudgets, PriorityClasses, crashes, random
//! faults and timeline entries of every kind of verb.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::fmt::Write as _;

/// A generated scenario: the scenario file and the one manifest file it lists.
pub struct Generated {
    /// `scenario.yaml`.
    pub scenario: String,
    /// `workloads.yaml`.
    pub manifests: String,
}

impl std::fmt::Display for Generated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- scenario.yaml\n{}\n--- workloads.yaml\n{}",
            self.scenario, self.manifests
        )
    }
}

/// What a timeline entry may name.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Deployment,
    StatefulSet,
    Job,
    CronJob,
    DaemonSet,
    Pod,
}

struct Builder {
    rng: Xoshiro256PlusPlus,
    manifests: String,
    workloads: Vec<(Kind, String)>,
    nodes: Vec<String>,
    groups: Vec<String>,
    zones: Vec<String>,
    run_durations: Vec<String>,
    uses_priority: bool,
    uses_storage: bool,
    extra: u32,
}

/// The scenario of `seed`.
pub fn generate(seed: u64) -> Generated {
    let mut b = Builder {
        rng: Xoshiro256PlusPlus::seed_from_u64(seed),
        manifests: String::new(),
        workloads: Vec::new(),
        nodes: Vec::new(),
        groups: Vec::new(),
        zones: Vec::new(),
        run_durations: Vec::new(),
        uses_priority: false,
        uses_storage: false,
        extra: 0,
    };
    let cluster = b.cluster();
    let workloads = b.rng.random_range(1..=6);
    for i in 0..workloads {
        b.workload(i);
    }
    b.shared_objects();
    let duration_min = b.rng.random_range(20..=90u64);
    let timeline = b.timeline(duration_min);
    let runtime = b.runtime();
    let scenario = format!(
        "name: vopr\nseed: {}\nduration: {duration_min}m\ncluster:\n  nodes:\n{cluster}scheduler: {}\nworkloads: [workloads.yaml]\n{runtime}{timeline}metrics:\n  sample_every: 30s\n",
        b.rng.random_range(0..1000u32),
        ["default", "most-allocated"][b.rng.random_range(0..2)],
    );
    Generated {
        scenario,
        manifests: b.manifests,
    }
}

impl Builder {
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.rng.random_range(0..items.len())]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// One to three node groups in one to three zones (every zone has a group).
    fn cluster(&mut self) -> String {
        let groups = self.rng.random_range(1..=3);
        let zones = self.rng.random_range(1..=groups);
        self.zones = (0..zones).map(|z| format!("zone-{z}")).collect();
        let mut out = String::new();
        for g in 0..groups {
            let name = format!("g{g}");
            let count = self.rng.random_range(1..=5);
            let cpu = [2, 4, 8, 16][self.rng.random_range(0..4)];
            let memory = cpu * [2, 4][self.rng.random_range(0..2)];
            let zone = self.zones[g % zones].clone();
            writeln!(
                out,
                "    - {{name: {name}, count: {count}, allocatable: {{cpu: \"{cpu}\", memory: {memory}Gi, pods: 110}}, labels: {{topology.kubernetes.io/zone: {zone}}}}}"
            )
            .unwrap();
            self.nodes.extend((0..count).map(|i| format!("{name}-{i}")));
            self.groups.push(name);
        }
        out
    }

    /// A pod template's `spec` lines (indented by `pad`) for workload `name`.
    fn pod_spec(&mut self, name: &str, pad: &str, restart: &str) -> String {
        let cpu = self.pick(&["50m", "100m", "250m", "500m", "1", "2"]);
        let memory = self.pick(&["64Mi", "256Mi", "512Mi", "1Gi", "2Gi"]);
        let mut s = format!("{pad}restartPolicy: {restart}\n");
        if self.chance(0.3) {
            self.uses_priority = true;
            writeln!(s, "{pad}priorityClassName: high").unwrap();
        }
        if self.chance(0.25) {
            let when = self.pick(&["ScheduleAnyway", "DoNotSchedule"]);
            write!(
                s,
                "{pad}topologySpreadConstraints:\n{pad}- {{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: {when}, labelSelector: {{matchLabels: {{app: {name}}}}}}}\n"
            )
            .unwrap();
        } else if self.chance(0.2) {
            write!(
                s,
                "{pad}affinity:\n{pad}  podAntiAffinity:\n{pad}    preferredDuringSchedulingIgnoredDuringExecution:\n{pad}    - weight: 50\n{pad}      podAffinityTerm: {{topologyKey: kubernetes.io/hostname, labelSelector: {{matchLabels: {{app: {name}}}}}}}\n"
            )
            .unwrap();
        }
        write!(
            s,
            "{pad}containers:\n{pad}- name: c\n{pad}  image: registry.example/{name}:1\n{pad}  resources: {{requests: {{cpu: {cpu}, memory: {memory}}}}}\n"
        )
        .unwrap();
        s
    }

    fn doc(&mut self, text: String) {
        self.manifests.push_str("---\n");
        self.manifests.push_str(&text);
    }

    fn workload(&mut self, i: usize) {
        let name = format!("w{i}");
        let kind = match self.rng.random_range(0..10) {
            0..=2 => Kind::Deployment,
            3 | 4 => Kind::StatefulSet,
            5 | 6 => Kind::Job,
            7 => Kind::CronJob,
            8 => Kind::DaemonSet,
            _ => Kind::Pod,
        };
        let text = match kind {
            Kind::Deployment => self.deployment(&name),
            Kind::StatefulSet => self.statefulset(&name),
            Kind::Job => {
                let spec = self.job_spec(&name, "  ");
                format!(
                    "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: {name}}}\nspec:\n{spec}"
                )
            }
            Kind::CronJob => {
                let every = self.pick(&["5", "10", "15"]);
                let policy = self.pick(&["Allow", "Forbid", "Replace"]);
                let spec = self.job_spec(&name, "      ");
                format!(
                    "apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: {name}}}\nspec:\n  schedule: \"*/{every} * * * *\"\n  concurrencyPolicy: {policy}\n  jobTemplate:\n    spec:\n{spec}"
                )
            }
            Kind::DaemonSet => {
                let spec = self.pod_spec(&name, "      ", "Always");
                format!(
                    "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: {name}}}\nspec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n{spec}"
                )
            }
            Kind::Pod => {
                let spec = self.pod_spec(&name, "  ", "Always");
                format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{app: {name}}}}}\nspec:\n{spec}")
            }
        };
        self.doc(text);
        self.workloads.push((kind, name));
    }

    fn deployment(&mut self, name: &str) -> String {
        let replicas = self.rng.random_range(0..=8);
        let strategy = self.pick(&["RollingUpdate", "Recreate"]);
        // Availability after minReadySeconds is time-dependent in the ReplicaSet tally.
        let min_ready_s = self.pick(&["0", "5", "45"]);
        let spec = self.pod_spec(name, "      ", "Always");
        if self.chance(0.5) {
            let budget = self.pick(&[
                "minAvailable: 1",
                "maxUnavailable: 1",
                "maxUnavailable: 50%",
            ]);
            self.doc(format!(
                "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: {name}}}\nspec:\n  {budget}\n  selector: {{matchLabels: {{app: {name}}}}}\n"
            ));
        }
        if self.chance(0.5) {
            self.doc(format!(
                "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n  selector: {{app: {name}}}\n  ports: [{{port: 80}}]\n"
            ));
        }
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  minReadySeconds: {min_ready_s}\n  strategy: {{type: {strategy}}}\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n{spec}"
        )
    }

    fn statefulset(&mut self, name: &str) -> String {
        let replicas = self.rng.random_range(0..=4);
        let policy = self.pick(&["OrderedReady", "Parallel"]);
        let spec = self.pod_spec(name, "      ", "Always");
        let claims = if self.chance(0.5) {
            self.uses_storage = true;
            "  volumeClaimTemplates:\n  - metadata: {name: data}\n    spec: {accessModes: [ReadWriteOnce], storageClassName: standard, resources: {requests: {storage: 1Gi}}}\n".to_string()
        } else {
            String::new()
        };
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  serviceName: {name}\n  podManagementPolicy: {policy}\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n{spec}{claims}"
        )
    }

    /// A Job spec's lines, indented by `pad`.
    fn job_spec(&mut self, name: &str, pad: &str) -> String {
        let completions = self.rng.random_range(1..=10);
        let parallelism = self.rng.random_range(1..=5);
        let mode = self.pick(&["NonIndexed", "Indexed"]);
        let backoff = self.rng.random_range(0..=6);
        let restart = self.pick(&["Never", "OnFailure"]);
        let inner = format!("{pad}    ");
        let spec = self.pod_spec(name, &inner, restart);
        let run = self.pick(&["10s", "uniform(10s,3m)", "exp(1m)", "lognormal(30s,0.5)"]);
        self.run_durations.push(format!("    {name}: {run}\n"));
        format!(
            "{pad}completions: {completions}\n{pad}parallelism: {parallelism}\n{pad}completionMode: {mode}\n{pad}backoffLimit: {backoff}\n{pad}template:\n{pad}  metadata: {{labels: {{app: {name}}}}}\n{pad}  spec:\n{spec}"
        )
    }

    /// The PriorityClass and StorageClass the workloads use.
    fn shared_objects(&mut self) {
        if self.uses_priority {
            self.doc("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n".into());
        }
        if self.uses_storage {
            self.doc("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: standard}\nprovisioner: example.com/disk\nvolumeBindingMode: WaitForFirstConsumer\n".into());
        }
    }

    fn runtime(&mut self) -> String {
        let mut s = format!(
            "runtime:\n  image_pull: {}\n  container_start: 1s\n",
            self.pick(&["0s", "5s", "20s"])
        );
        if !self.run_durations.is_empty() {
            s.push_str("  run_duration:\n");
            for line in &self.run_durations {
                s.push_str(line);
            }
        }
        if self.chance(0.3) {
            let (_, name) = self.workloads[self.rng.random_range(0..self.workloads.len())].clone();
            writeln!(
                s,
                "  crashes:\n    {name}: {{probability: 0.3, after: exp(5m)}}"
            )
            .unwrap();
        }
        s
    }

    fn named(&mut self, kinds: &[Kind]) -> Option<String> {
        let names: Vec<&String> = self
            .workloads
            .iter()
            .filter(|(k, _)| kinds.contains(k))
            .map(|(_, n)| n)
            .collect();
        (!names.is_empty()).then(|| names[self.rng.random_range(0..names.len())].clone())
    }

    /// Up to eight timeline entries before the end.
    fn timeline(&mut self, duration_min: u64) -> String {
        let mut s = String::new();
        for _ in 0..self.rng.random_range(0..=8) {
            let at = self.rng.random_range(1..duration_min);
            if let Some(body) = self.action() {
                writeln!(s, "  - at: {at}m\n    {body}").unwrap();
            }
        }
        if s.is_empty() {
            s
        } else {
            format!("timeline:\n{s}")
        }
    }

    fn node(&mut self) -> String {
        self.nodes[self.rng.random_range(0..self.nodes.len())].clone()
    }

    fn action(&mut self) -> Option<String> {
        let scalable = [Kind::Deployment, Kind::StatefulSet];
        Some(match self.rng.random_range(0..16) {
            0 => {
                let d = self.named(&scalable)?;
                let kind = self.kind_word(&d);
                let n = self.rng.random_range(0..=10);
                format!("kubectl: scale {kind} {d} --replicas={n}")
            }
            1 => {
                let d = self.named(&scalable)?;
                let kind = self.kind_word(&d);
                format!("kubectl: set image {kind}/{d} c=registry.example/{d}:2")
            }
            2 => {
                let d = self.named(&scalable)?;
                let kind = self.kind_word(&d);
                format!("kubectl: rollout restart {kind} {d}")
            }
            3 => format!("kubectl: cordon {}", self.node()),
            4 => format!("kubectl: uncordon {}", self.node()),
            5 => format!(
                "kubectl: drain {} --ignore-daemonsets --force --delete-emptydir-data --timeout=5m",
                self.node()
            ),
            6 => format!("kubectl: label nodes {} tier=x --overwrite", self.node()),
            7 => format!("kubectl: taint nodes {} dedicated=x:NoExecute", self.node()),
            8 => {
                let (kind, name) =
                    self.workloads[self.rng.random_range(0..self.workloads.len())].clone();
                let word = match kind {
                    Kind::Deployment => "deployment",
                    Kind::StatefulSet => "statefulset",
                    Kind::Job => "job",
                    Kind::CronJob => "cronjob",
                    Kind::DaemonSet => "daemonset",
                    Kind::Pod => "pod",
                };
                let cascade = self.pick(&["background", "foreground", "orphan"]);
                format!("kubectl: delete {word} {name} --cascade={cascade}")
            }
            9 => {
                let c = self.named(&[Kind::CronJob])?;
                let suspend = self.pick(&["true", "false"]);
                format!("kubectl: patch cronjob {c} -p '{{\"spec\":{{\"suspend\":{suspend}}}}}'")
            }
            10 => {
                self.extra += 1;
                format!(
                    "kubectl: run extra-{} --image=busybox --restart=Always",
                    self.extra
                )
            }
            11 => format!("node: {{fail: {}}}", self.node()),
            12 => format!("node: {{recover: {}}}", self.node()),
            13 => {
                let g = self.groups[self.rng.random_range(0..self.groups.len())].clone();
                format!(
                    "node: {{add: {g}, count: {}}}",
                    self.rng.random_range(1..=3)
                )
            }
            14 => {
                let z = self.zones[self.rng.random_range(0..self.zones.len())].clone();
                let verb = self.pick(&["fail", "recover"]);
                format!("zone: {{{verb}: {z}}}")
            }
            _ => {
                let g = self.groups[self.rng.random_range(0..self.groups.len())].clone();
                format!("faults: {{group: {g}, mtbf: exp(1h), mttr: 5m}}")
            }
        })
    }

    fn kind_word(&self, name: &str) -> &'static str {
        match self.workloads.iter().find(|(_, n)| n == name) {
            Some((Kind::StatefulSet, _)) => "statefulset",
            _ => "deployment",
        }
    }
}
