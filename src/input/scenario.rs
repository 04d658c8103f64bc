//! The scenario file: cluster, scheduler, workloads, runtime model, timeline, metrics,
//! seed, start and duration. Raw serde structs first, then validation into [`Scenario`].

use super::duration::parse_duration_ms;
use super::error::{InputError, InputErrors};
use super::manifest::convert::{self as cv, run_duration, Ctx};
use super::manifest::{self, raw::Scalar, Located, Object};
use super::timeline::{parse_kubectl, Action, ApplySource};
use super::yaml::{parse_document, split_documents};
use crate::engine::{Limits, SimTime};
use crate::model::node::NodeSpec;
use crate::model::pod::RunDuration;
use crate::model::resources::{ResourceNames, PODS};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The built-in default scenario (the seed note's workloads), embedded in the binary.
pub const BUILTIN_SEED: &[(&str, &str)] = &[
    ("seed.yaml", include_str!("../../scenarios/seed.yaml")),
    (
        "seed/nginx-deployment.yaml",
        include_str!("../../scenarios/seed/nginx-deployment.yaml"),
    ),
    (
        "seed/my-stateful-app.yaml",
        include_str!("../../scenarios/seed/my-stateful-app.yaml"),
    ),
    (
        "seed/pi-cronjob.yaml",
        include_str!("../../scenarios/seed/pi-cronjob.yaml"),
    ),
];

/// The display path of the built-in scenario.
pub const BUILTIN_PATH: &str = "<built-in>/seed.yaml";

mod raw {
    use super::*;

    #[derive(Debug, Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    pub struct Scenario {
        pub name: Option<String>,
        pub seed: Option<u64>,
        pub start: Option<Spanned<String>>,
        pub duration: Option<Spanned<String>>,
        #[serde(default)]
        pub cluster: Cluster,
        pub scheduler: Option<Spanned<String>>,
        #[serde(default)]
        pub workloads: Vec<Spanned<String>>,
        #[serde(default)]
        pub runtime: Runtime,
        #[serde(default)]
        pub timeline: Vec<TimelineEntry>,
        #[serde(default)]
        pub metrics: Metrics,
        #[serde(default)]
        pub limits: LimitsRaw,
    }

    #[derive(Debug, Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    pub struct Cluster {
        #[serde(default)]
        pub nodes: Vec<NodeGroup>,
        #[serde(default)]
        pub manifests: Vec<Spanned<String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct NodeGroup {
        pub name: Spanned<String>,
        pub count: Option<Spanned<i64>>,
        #[serde(default)]
        pub allocatable: BTreeMap<String, Spanned<Scalar>>,
        #[serde(default)]
        pub labels: BTreeMap<String, String>,
        #[serde(default)]
        pub taints: Vec<manifest::raw::Taint>,
        #[serde(default)]
        pub unschedulable: bool,
        #[serde(default)]
        pub images: Vec<String>,
        pub price_per_hour: Option<Spanned<f64>>,
    }

    #[derive(Debug, Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    pub struct Runtime {
        pub image_pull: Option<Spanned<String>>,
        pub container_start: Option<Spanned<String>>,
        pub scheduling: Option<Spanned<String>>,
        pub binding: Option<Spanned<String>>,
        pub default_run_duration: Option<Spanned<String>>,
        #[serde(default)]
        pub run_duration: BTreeMap<String, Spanned<String>>,
        #[serde(default)]
        pub crashes: BTreeMap<String, Spanned<Crash>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Crash {
        pub probability: Option<f64>,
        pub after: Option<String>,
        pub mttf: Option<String>,
        pub exit_code: Option<i32>,
        pub reason: Option<String>,
    }

    #[derive(Debug, Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    pub struct NodeAction {
        pub fail: Option<String>,
        pub recover: Option<String>,
        pub add: Option<String>,
        pub count: Option<u32>,
        pub remove: Option<String>,
    }

    #[derive(Debug, Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    pub struct ZoneAction {
        pub fail: Option<String>,
        pub recover: Option<String>,
        pub label: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct RandomFaults {
        pub group: String,
        pub mtbf: String,
        pub mttr: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct TimelineEntry {
        pub at: Option<Spanned<String>>,
        pub every: Option<Spanned<String>>,
        pub until: Option<Spanned<String>>,
        pub kubectl: Option<Spanned<String>>,
        pub node: Option<Spanned<NodeAction>>,
        pub zone: Option<Spanned<ZoneAction>>,
        pub faults: Option<Spanned<RandomFaults>>,
    }

    #[derive(Debug, Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    pub struct Metrics {
        pub sample_every: Option<Spanned<String>>,
    }

    #[derive(Debug, Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    pub struct LimitsRaw {
        pub max_events: Option<u64>,
    }
}

/// How the kubelet and the scheduler spend simulated time.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeModel {
    /// Time to pull an image not yet on the node, ms.
    pub image_pull_ms: u64,
    /// Time from image present to container running, ms.
    pub container_start_ms: u64,
    /// Time one scheduling cycle takes, ms.
    pub scheduling_ms: u64,
    /// Time binding takes, ms.
    pub binding_ms: u64,
    /// Run duration of run-to-completion pods that have none of their own, ms.
    pub default_run_ms: u64,
    /// Run durations by workload name (Job, CronJob, Deployment, ... or pod name).
    pub run_durations: BTreeMap<String, RunDuration>,
    /// Container crashes by workload name (or pod name).
    pub crashes: BTreeMap<String, CrashModel>,
}

/// How a workload's containers crash: each time a container starts, with `probability`
/// it exits after a time drawn from `after` with `exit_code`.
#[derive(Debug, Clone, PartialEq)]
pub struct CrashModel {
    /// Chance that a container run ends in a crash.
    pub probability: f64,
    /// Time from start to the crash.
    pub after: RunDuration,
    /// Exit code (137 for OOMKilled).
    pub exit_code: i32,
    /// Termination reason (`Error` or `OOMKilled`).
    pub reason: String,
}

impl Default for RuntimeModel {
    fn default() -> Self {
        RuntimeModel {
            image_pull_ms: 5_000,
            container_start_ms: 1_000,
            scheduling_ms: 0,
            binding_ms: 0,
            default_run_ms: 30_000,
            run_durations: BTreeMap::new(),
            crashes: BTreeMap::new(),
        }
    }
}

/// A timeline action at a time, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    /// When it runs.
    pub at: SimTime,
    /// What it does.
    pub action: Action,
    /// Index in the timeline list.
    pub index: usize,
    /// Line in the scenario file.
    pub line: u64,
}

/// A validated scenario.
#[derive(Debug)]
pub struct Scenario {
    /// Scenario name (folder name of the results).
    pub name: String,
    /// Default seed.
    pub seed: u64,
    /// Wall-clock instant of simulated time zero, seconds since the Unix epoch (UTC).
    pub start_epoch_s: i64,
    /// Nodes.
    pub nodes: Vec<NodeSpec>,
    /// Scheduler: a built-in profile name or a path to a KubeSchedulerConfiguration.
    pub scheduler: String,
    /// Workload and storage objects, in file order.
    pub objects: Vec<Located>,
    /// Known kinds seen but not simulated.
    pub not_simulated: BTreeMap<String, usize>,
    /// Warnings to print.
    pub warnings: Vec<String>,
    /// Runtime model.
    pub runtime: RuntimeModel,
    /// Timeline, sorted by time (stable).
    pub timeline: Vec<TimelineEntry>,
    /// Metrics sampling period, ms.
    pub sample_every_ms: u64,
    /// Engine limits (end time = duration).
    pub limits: Limits,
    /// Resource names interned while reading.
    pub resources: ResourceNames,
    /// Where it was read from.
    pub source: PathBuf,
    /// Price of one node-hour by node group name (node groups with `price_per_hour`).
    pub price_per_hour: BTreeMap<String, f64>,
}

/// Where scenario files come from: the disk, or the embedded built-in scenario.
enum Source<'a> {
    Disk(&'a Path),
    Builtin,
}

impl Source<'_> {
    fn path_of(&self, rel: &str) -> PathBuf {
        match self {
            Source::Disk(dir) => dir.join(rel),
            Source::Builtin => Path::new("<built-in>").join(rel),
        }
    }

    fn read(&self, rel: &str) -> Result<(PathBuf, String), String> {
        let path = self.path_of(rel);
        match self {
            Source::Disk(_) => std::fs::read_to_string(&path)
                .map(|t| (path.clone(), t))
                .map_err(|e| format!("cannot read {}: {e}", path.display())),
            Source::Builtin => BUILTIN_SEED
                .iter()
                .find(|(name, _)| *name == rel)
                .map(|(_, text)| (path.clone(), text.to_string()))
                .ok_or_else(|| format!("{} is not part of the built-in scenario", path.display())),
        }
    }
}

/// Loads the built-in default scenario.
pub fn load_builtin() -> Result<Scenario, InputErrors> {
    let text = BUILTIN_SEED[0].1;
    load_from(Path::new(BUILTIN_PATH), text, Source::Builtin)
}

/// Loads a scenario file and every manifest it names.
pub fn load(path: &Path) -> Result<Scenario, InputErrors> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(path, None, "", format!("cannot read scenario: {e}")))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    load_from(path, &text, Source::Disk(dir))
}

fn duration_field(
    file: &Path,
    errors: &mut Vec<InputError>,
    v: &Option<Spanned<String>>,
    field: &str,
    default: u64,
) -> u64 {
    match v {
        None => default,
        Some(s) => match parse_duration_ms(&s.value) {
            Ok(ms) => ms,
            Err(e) => {
                errors.push(InputError::new(file, Some(s.referenced.line()), field, e));
                default
            }
        },
    }
}

fn load_from(path: &Path, text: &str, source: Source<'_>) -> Result<Scenario, InputErrors> {
    let docs = split_documents(text);
    if docs.len() != 1 {
        return Err(InputError::new(
            path,
            None,
            "",
            format!(
                "expected exactly one YAML document in a scenario, found {}",
                docs.len()
            ),
        )
        .into());
    }
    let raw: raw::Scenario = parse_document(path, &docs[0])?;
    let mut errors: Vec<InputError> = Vec::new();
    let mut resources = ResourceNames::default();

    let name = raw.name.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".to_string())
    });
    if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
        errors.push(InputError::new(
            path,
            Some(1),
            "name",
            "expected a non-empty name without slashes",
        ));
    }
    let start_epoch_s = match &raw.start {
        None => 0,
        Some(s) => match chrono::DateTime::parse_from_rfc3339(&s.value) {
            Ok(t) => t.timestamp(),
            Err(e) => {
                errors.push(InputError::new(
                    path,
                    Some(s.referenced.line()),
                    "start",
                    format!("expected an RFC 3339 instant such as 2026-01-01T00:00:00Z ({e})"),
                ));
                0
            }
        },
    };
    let duration_ms = duration_field(path, &mut errors, &raw.duration, "duration", 3_600_000);
    if duration_ms == 0 {
        errors.push(InputError::new(
            path,
            None,
            "duration",
            "expected a positive duration",
        ));
    }

    // Cluster: node groups, then Node manifests.
    let mut nodes = Vec::new();
    let mut price_per_hour = BTreeMap::new();
    for (gi, g) in raw.cluster.nodes.iter().enumerate() {
        let field = format!("cluster.nodes[{gi}]");
        if let Some(price) = &g.price_per_hour {
            if price.value.is_finite() && price.value >= 0.0 {
                price_per_hour.insert(g.name.value.clone(), price.value);
            } else {
                errors.push(InputError::new(
                    path,
                    Some(price.referenced.line()),
                    format!("{field}.price_per_hour"),
                    format!(
                        "expected a non-negative price per node-hour, found {}",
                        price.value
                    ),
                ));
            }
        }
        let mut ctx = Ctx {
            file: path,
            line_offset: 0,
            doc_line: g.name.referenced.line(),
            resources: &mut resources,
            errors: Vec::new(),
        };
        let (mut allocatable, present) =
            cv::resource_list(&mut ctx, &g.allocatable, &format!("{field}.allocatable"));
        for required in ["cpu", "memory"] {
            if !g.allocatable.contains_key(required) {
                let line = ctx.doc_line;
                ctx.error(
                    line,
                    &format!("{field}.allocatable.{required}"),
                    "every node group needs allocatable cpu and memory",
                );
            }
        }
        if !present[PODS.0 as usize] {
            allocatable.set(PODS, 110);
        }
        let taints = cv::taints(&mut ctx, &g.taints, &format!("{field}.taints"));
        let count = cv::non_negative(
            &mut ctx,
            &g.count.clone().map(Some).unwrap_or(None),
            &format!("{field}.count"),
            1,
        );
        errors.append(&mut ctx.errors);
        let single = g.count.is_none();
        for i in 0..count {
            let node_name = if single {
                g.name.value.clone()
            } else {
                format!("{}-{i}", g.name.value)
            };
            let mut labels = g.labels.clone();
            labels.insert("kubernetes.io/hostname".to_string(), node_name.clone());
            nodes.push(NodeSpec {
                name: node_name,
                allocatable,
                labels,
                taints: taints.clone(),
                unschedulable: g.unschedulable,
                images: g.images.clone(),
                group: Some(g.name.value.clone()),
            });
        }
    }

    let mut set = manifest::ManifestSet::default();
    let mut read_manifests = |list: &[Spanned<String>],
                              field: &str,
                              errors: &mut Vec<InputError>| {
        for (i, rel) in list.iter().enumerate() {
            match source.read(&rel.value) {
                Err(e) => errors.push(InputError::new(
                    path,
                    Some(rel.referenced.line()),
                    format!("{field}[{i}]"),
                    format!("{e} (expected a path relative to the scenario file)"),
                )),
                Ok((mpath, mtext)) => match manifest::load_str(&mpath, &mtext, &mut resources) {
                    Ok(mut s) => {
                        set.objects.append(&mut s.objects);
                        for (k, n) in s.not_simulated {
                            *set.not_simulated.entry(k).or_default() += n;
                        }
                        set.warnings.append(&mut s.warnings);
                    }
                    Err(mut errs) => errors.append(&mut errs),
                },
            }
        }
    };
    read_manifests(&raw.cluster.manifests, "cluster.manifests", &mut errors);
    read_manifests(&raw.workloads, "workloads", &mut errors);

    // Node objects join the cluster; everything else is a workload or storage object.
    let mut objects = Vec::new();
    for located in set.objects {
        match located.object {
            Object::Node(n) => nodes.push(n),
            _ => objects.push(located),
        }
    }
    check_duplicates(&nodes, &objects, path, &mut errors);
    resolve_priorities(&mut objects, &mut errors);

    let mut runtime = RuntimeModel {
        image_pull_ms: duration_field(
            path,
            &mut errors,
            &raw.runtime.image_pull,
            "runtime.image_pull",
            5_000,
        ),
        container_start_ms: duration_field(
            path,
            &mut errors,
            &raw.runtime.container_start,
            "runtime.container_start",
            1_000,
        ),
        scheduling_ms: duration_field(
            path,
            &mut errors,
            &raw.runtime.scheduling,
            "runtime.scheduling",
            0,
        ),
        binding_ms: duration_field(
            path,
            &mut errors,
            &raw.runtime.binding,
            "runtime.binding",
            0,
        ),
        default_run_ms: duration_field(
            path,
            &mut errors,
            &raw.runtime.default_run_duration,
            "runtime.default_run_duration",
            30_000,
        ),
        run_durations: BTreeMap::new(),
        crashes: BTreeMap::new(),
    };
    for (workload, c) in &raw.runtime.crashes {
        match crash_model(&c.value) {
            Ok(m) => {
                runtime.crashes.insert(workload.clone(), m);
            }
            Err(e) => errors.push(InputError::new(
                path,
                Some(c.referenced.line()),
                format!("runtime.crashes.{workload}"),
                e,
            )),
        }
    }
    for (workload, d) in &raw.runtime.run_duration {
        match run_duration(&d.value) {
            Ok(v) => {
                runtime.run_durations.insert(workload.clone(), v);
            }
            Err(e) => errors.push(InputError::new(
                path,
                Some(d.referenced.line()),
                format!("runtime.run_duration.{workload}"),
                e,
            )),
        }
    }

    let timeline = timeline(
        path,
        &source,
        &raw.timeline,
        duration_ms,
        &nodes,
        &objects,
        &mut resources,
        &mut errors,
    );
    let sample_every_ms = duration_field(
        path,
        &mut errors,
        &raw.metrics.sample_every,
        "metrics.sample_every",
        10_000,
    );
    if sample_every_ms == 0 {
        errors.push(InputError::new(
            path,
            None,
            "metrics.sample_every",
            "expected a positive duration",
        ));
    }
    let mut limits = Limits {
        end_time: SimTime::from_millis(duration_ms),
        ..Limits::default()
    };
    if let Some(m) = raw.limits.max_events {
        limits.max_events = m;
    }
    if !errors.is_empty() {
        return Err(InputErrors(errors));
    }
    Ok(Scenario {
        name,
        seed: raw.seed.unwrap_or(1),
        start_epoch_s,
        nodes,
        scheduler: raw
            .scheduler
            .map(|s| s.value)
            .unwrap_or_else(|| "default".to_string()),
        objects,
        not_simulated: set.not_simulated,
        warnings: set.warnings,
        runtime,
        timeline,
        sample_every_ms,
        limits,
        resources,
        source: path.to_path_buf(),
        price_per_hour,
    })
}

fn check_duplicates(
    nodes: &[NodeSpec],
    objects: &[Located],
    path: &Path,
    errors: &mut Vec<InputError>,
) {
    let mut seen = BTreeSet::new();
    for n in nodes {
        if !seen.insert(n.name.clone()) {
            errors.push(InputError::new(
                path,
                None,
                "cluster.nodes",
                format!("duplicate node name {:?}", n.name),
            ));
        }
    }
    let mut seen = BTreeMap::new();
    for o in objects {
        let (ns, name) = o.object.key();
        let key = (o.object.kind(), ns.to_string(), name.to_string());
        if let Some((file, line)) = seen.insert(key, (o.file.clone(), o.line)) {
            errors.push(InputError::new(
                &o.file,
                Some(o.line),
                "metadata.name",
                format!(
                    "duplicate {} {:?} (first defined at {}:{line})",
                    o.object.kind(),
                    name,
                    file.display()
                ),
            ));
        }
    }
}

/// Resolves `priorityClassName` into a priority (admission's Priority plugin), including the
/// two built-in system classes and a `globalDefault` class.
fn resolve_priorities(objects: &mut [Located], errors: &mut Vec<InputError>) {
    let classes = priority_classes(&[], objects);
    apply_priorities(&classes, objects, errors);
}

/// PriorityClass name -> (value, preempts), and the globalDefault class, of `base` and
/// `more` (the built-in system classes included).
type Classes = (BTreeMap<String, (i32, bool)>, Option<(i32, bool)>);

fn priority_classes(base: &[Located], more: &[Located]) -> Classes {
    let mut classes: BTreeMap<String, (i32, bool)> = BTreeMap::new();
    classes.insert("system-cluster-critical".into(), (2_000_000_000, true));
    classes.insert("system-node-critical".into(), (2_000_001_000, true));
    let mut global_default: Option<(i32, bool)> = None;
    for o in base.iter().chain(more) {
        if let Object::PriorityClass(pc) = &o.object {
            classes.insert(pc.name.clone(), (pc.value, pc.preempts));
            if pc.global_default {
                global_default = Some((pc.value, pc.preempts));
            }
        }
    }
    (classes, global_default)
}

fn apply_priorities(classes: &Classes, objects: &mut [Located], errors: &mut Vec<InputError>) {
    let (classes, global_default) = (&classes.0, classes.1);
    for o in objects.iter_mut() {
        let (file, line) = (o.file.clone(), o.line);
        let mut fix = |t: &mut crate::model::workload::PodTemplate| {
            let resolved = match &t.spec.priority_class_name {
                Some(name) => match classes.get(name) {
                    Some(v) => Some(*v),
                    None => {
                        errors.push(InputError::new(
                            &file,
                            Some(line),
                            "spec.priorityClassName",
                            format!("no PriorityClass with name {name:?} was found"),
                        ));
                        None
                    }
                },
                None => global_default,
            };
            if let Some((value, preempts)) = resolved {
                let spec = std::sync::Arc::make_mut(&mut t.spec);
                spec.priority = value;
                spec.preempts = spec.preempts && preempts;
            }
        };
        match &mut o.object {
            Object::Pod(p) => fix(&mut p.template),
            Object::Deployment(d) => fix(&mut d.template),
            Object::ReplicaSet(r) => fix(&mut r.template),
            Object::StatefulSet(s) => fix(&mut s.template),
            Object::DaemonSet(d) => fix(&mut d.template),
            Object::Job(j) => fix(&mut j.spec.template),
            Object::CronJob(c) => fix(&mut c.job.template),
            _ => {}
        }
    }
}

fn crash_model(c: &raw::Crash) -> Result<CrashModel, String> {
    let after = match (&c.after, &c.mttf) {
        (Some(_), Some(_)) => return Err("give `after` or `mttf`, not both".into()),
        (Some(a), None) => run_duration(a).map_err(|e| format!("after: {e}"))?,
        (None, Some(m)) => {
            RunDuration::Exponential(parse_duration_ms(m).map_err(|e| format!("mttf: {e}"))?)
        }
        (None, None) => RunDuration::Fixed(0),
    };
    let probability = c.probability.unwrap_or(1.0);
    if !(0.0..=1.0).contains(&probability) {
        return Err(format!(
            "probability: expected a number in [0, 1], found {probability}"
        ));
    }
    let reason = c.reason.clone().unwrap_or_else(|| "Error".to_string());
    let exit_code = match reason.as_str() {
        "Error" => c.exit_code.unwrap_or(1),
        "OOMKilled" => c.exit_code.unwrap_or(137),
        other => {
            return Err(format!(
                "reason: expected Error or OOMKilled, found {other:?}"
            ))
        }
    };
    if exit_code == 0 {
        return Err("exit_code: a crash exits with a non-zero code".into());
    }
    Ok(CrashModel {
        probability,
        after,
        exit_code,
        reason,
    })
}

/// The label a `zone:` entry selects nodes by when it names none.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// Reads the objects an `apply -f` / `create` / `run` / `delete -f` entry names.
fn timeline_objects(
    source: &Source<'_>,
    src: &ApplySource,
    resources: &mut ResourceNames,
    scenario_objects: &[Located],
) -> Result<Vec<Object>, Vec<InputError>> {
    let (mpath, text) = match src {
        ApplySource::File(rel) => source.read(rel).map_err(|e| {
            vec![InputError::new(
                Path::new(rel),
                None,
                "",
                format!("{e} (expected a path relative to the scenario file)"),
            )]
        })?,
        ApplySource::Generated(yaml) => (PathBuf::from("<kubectl>"), yaml.clone()),
    };
    let mut set = manifest::load_str(&mpath, &text, resources)?;
    // Admission resolves priorityClassName for objects applied later too.
    let classes = priority_classes(scenario_objects, &set.objects);
    let mut errors = Vec::new();
    apply_priorities(&classes, &mut set.objects, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(set.objects.into_iter().map(|l| l.object).collect())
}

/// Validates the timeline: times, kubectl lines, node and zone actions, and that every
/// object or node an entry names exists (in the cluster, among the workloads, or created
/// by an earlier entry).
#[allow(clippy::too_many_arguments)]
fn timeline(
    path: &Path,
    source: &Source<'_>,
    entries: &[raw::TimelineEntry],
    duration_ms: u64,
    nodes: &[NodeSpec],
    objects: &[Located],
    resources: &mut ResourceNames,
    errors: &mut Vec<InputError>,
) -> Vec<TimelineEntry> {
    let mut out = Vec::new();
    let mut node_names: BTreeSet<String> = nodes.iter().map(|n| n.name.clone()).collect();
    let mut group_counts: BTreeMap<String, u32> = BTreeMap::new();
    for n in nodes {
        if let Some(g) = &n.group {
            *group_counts.entry(g.clone()).or_default() += 1;
        }
    }
    let mut known: BTreeSet<(&'static str, String, String)> = objects
        .iter()
        .map(|o| {
            let (ns, name) = o.object.key();
            (o.object.kind(), ns.to_string(), name.to_string())
        })
        .collect();
    for (index, e) in entries.iter().enumerate() {
        let field = format!("timeline[{index}]");
        let line = [
            e.at.as_ref().map(|s| s.referenced.line()),
            e.every.as_ref().map(|s| s.referenced.line()),
            e.kubectl.as_ref().map(|s| s.referenced.line()),
            e.node.as_ref().map(|s| s.referenced.line()),
            e.zone.as_ref().map(|s| s.referenced.line()),
            e.faults.as_ref().map(|s| s.referenced.line()),
        ]
        .into_iter()
        .flatten()
        .min();
        let mut fail = |field: String, msg: String| {
            errors.push(InputError::new(
                path,
                line,
                field,
                format!("timeline entry {index}: {msg}"),
            ))
        };
        let time = |s: &Spanned<String>, what: &str| -> Result<u64, String> {
            let ms = parse_duration_ms(&s.value).map_err(|m| format!("{what}: {m}"))?;
            if ms > duration_ms {
                return Err(format!(
                    "{what} {} is beyond the scenario's duration ({} s)",
                    s.value,
                    duration_ms as f64 / 1000.0
                ));
            }
            Ok(ms)
        };
        // When: `at`, or `every` (+ `until`, default the end) starting at `at` (default 0).
        let times: Vec<u64> = match (&e.at, &e.every) {
            (None, None) => {
                fail(
                    field.clone(),
                    "expected `at: TIME` or `every: PERIOD`".into(),
                );
                continue;
            }
            (at, None) => {
                if e.until.is_some() {
                    fail(format!("{field}.until"), "`until` needs `every`".into());
                    continue;
                }
                match time(at.as_ref().expect("at is set"), "at") {
                    Ok(t) => vec![t],
                    Err(m) => {
                        fail(format!("{field}.at"), m);
                        continue;
                    }
                }
            }
            (at, Some(every)) => {
                let start = match at.as_ref().map(|a| time(a, "at")).unwrap_or(Ok(0)) {
                    Ok(t) => t,
                    Err(m) => {
                        fail(format!("{field}.at"), m);
                        continue;
                    }
                };
                let period = match parse_duration_ms(&every.value) {
                    Ok(p) if p > 0 => p,
                    Ok(_) => {
                        fail(
                            format!("{field}.every"),
                            "expected a positive period".into(),
                        );
                        continue;
                    }
                    Err(m) => {
                        fail(format!("{field}.every"), m);
                        continue;
                    }
                };
                let until = match e
                    .until
                    .as_ref()
                    .map(|u| time(u, "until"))
                    .unwrap_or(Ok(duration_ms))
                {
                    Ok(t) => t,
                    Err(m) => {
                        fail(format!("{field}.until"), m);
                        continue;
                    }
                };
                (0..)
                    .map(|k| start + k * period)
                    .take_while(|t| *t <= until)
                    .collect()
            }
        };
        let given = [
            e.kubectl.is_some(),
            e.node.is_some(),
            e.zone.is_some(),
            e.faults.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if given != 1 {
            fail(
                field.clone(),
                "expected exactly one of `kubectl`, `node`, `zone` or `faults`".into(),
            );
            continue;
        }
        let action = if let Some(k) = &e.kubectl {
            match parse_kubectl(&k.value) {
                Ok(a) => a,
                Err(msg) => {
                    fail(
                        format!("{field}.kubectl"),
                        format!("{msg} (in `{}`)", k.value),
                    );
                    continue;
                }
            }
        } else if let Some(n) = &e.node {
            let n = &n.value;
            match (&n.fail, &n.recover, &n.add, &n.remove) {
                (Some(f), None, None, None) if n.count.is_none() => Action::NodeFail(f.clone()),
                (None, Some(r), None, None) if n.count.is_none() => Action::NodeRecover(r.clone()),
                (None, None, Some(g), None) => Action::NodeAdd {
                    group: g.clone(),
                    count: n.count.unwrap_or(1),
                },
                (None, None, None, Some(r)) if n.count.is_none() => Action::NodeRemove(r.clone()),
                _ => {
                    fail(
                        format!("{field}.node"),
                        "expected exactly one of fail, recover, add (with optional count) or remove".into(),
                    );
                    continue;
                }
            }
        } else if let Some(z) = &e.zone {
            let z = &z.value;
            let label = z.label.clone().unwrap_or_else(|| ZONE_LABEL.to_string());
            match (&z.fail, &z.recover) {
                (Some(v), None) => Action::ZoneFail {
                    label,
                    value: v.clone(),
                },
                (None, Some(v)) => Action::ZoneRecover {
                    label,
                    value: v.clone(),
                },
                _ => {
                    fail(
                        format!("{field}.zone"),
                        "expected exactly one of fail or recover".into(),
                    );
                    continue;
                }
            }
        } else {
            let f = &e.faults.as_ref().expect("one is set").value;
            let mtbf = run_duration(&f.mtbf);
            let mttr = run_duration(&f.mttr);
            match (mtbf, mttr) {
                (Ok(mtbf), Ok(mttr)) => Action::RandomFaults {
                    group: f.group.clone(),
                    mtbf,
                    mttr,
                },
                (Err(m), _) => {
                    fail(format!("{field}.faults.mtbf"), m);
                    continue;
                }
                (_, Err(m)) => {
                    fail(format!("{field}.faults.mttr"), m);
                    continue;
                }
            }
        };
        // Fill in the objects of apply/create/run/delete -f.
        let action = match action {
            Action::Apply { source: src, .. } => {
                match timeline_objects(source, &src, resources, objects) {
                    Ok(objs) => {
                        for o in &objs {
                            let (ns, name) = o.key();
                            known.insert((o.kind(), ns.to_string(), name.to_string()));
                        }
                        Action::Apply {
                            source: src,
                            objects: objs,
                        }
                    }
                    Err(errs) => {
                        let msg: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
                        fail(format!("{field}.kubectl"), msg.join("; "));
                        continue;
                    }
                }
            }
            Action::DeleteFile { file, .. } => {
                match timeline_objects(source, &ApplySource::File(file.clone()), resources, objects)
                {
                    Ok(objs) => Action::DeleteFile {
                        file,
                        targets: objs
                            .iter()
                            .map(|o| {
                                let (ns, name) = o.key();
                                (o.kind(), ns.to_string(), name.to_string())
                            })
                            .collect(),
                    },
                    Err(errs) => {
                        let msg: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
                        fail(format!("{field}.kubectl"), msg.join("; "));
                        continue;
                    }
                }
            }
            other => other,
        };
        // Referenced nodes and objects must exist at load time.
        let object_missing = |kind: &str, ns: &str, name: &str| {
            let k = known
                .iter()
                .any(|(k, n, m)| *k == kind && n == ns && m == name);
            (!k).then(|| {
                format!("no {kind} named {name:?} in namespace {ns:?} among the workloads")
            })
        };
        let missing = match &action {
            Action::NodeFail(n)
            | Action::NodeRecover(n)
            | Action::NodeRemove(n)
            | Action::Cordon { node: n, .. }
            | Action::Drain { node: n, .. }
            | Action::Label { node: n, .. }
            | Action::Taint { node: n, .. } => {
                (!node_names.contains(n)).then(|| format!("no node named {n:?} in the cluster"))
            }
            Action::NodeAdd { group, .. } | Action::RandomFaults { group, .. } => (!group_counts
                .contains_key(group))
            .then(|| format!("no node group named {group:?} in cluster.nodes")),
            Action::ZoneFail { label, value } | Action::ZoneRecover { label, value } => {
                (!nodes.iter().any(|n| n.labels.get(label) == Some(value)))
                    .then(|| format!("no node labelled {label}={value}"))
            }
            Action::Scale {
                kind,
                name,
                namespace,
                ..
            }
            | Action::SetImage {
                kind,
                name,
                namespace,
                ..
            }
            | Action::SetResources {
                kind,
                name,
                namespace,
                ..
            }
            | Action::Patch {
                kind,
                name,
                namespace,
                ..
            }
            | Action::RolloutRestart {
                kind,
                name,
                namespace,
            } => object_missing(kind, namespace, name),
            Action::Delete {
                kind,
                name,
                namespace,
                ..
            } => (*kind != "Pod")
                .then(|| object_missing(kind, namespace, name))
                .flatten(),
            Action::RolloutUndo {
                name, namespace, ..
            }
            | Action::RolloutPause {
                name, namespace, ..
            } => object_missing("Deployment", namespace, name),
            Action::Apply { .. } | Action::DeleteFile { .. } => None,
        };
        if let Some(msg) = missing {
            fail(field, msg);
            continue;
        }
        if let Action::NodeAdd { group, count } = &action {
            let c = group_counts.get_mut(group).expect("checked above");
            for k in 0..*count {
                node_names.insert(format!("{group}-{}", *c + k));
            }
            *c += count;
        }
        for at in times {
            out.push(TimelineEntry {
                at: SimTime::from_millis(at),
                action: action.clone(),
                index,
                line: line.unwrap_or(0),
            });
        }
    }
    out.sort_by_key(|e| (e.at, e.index));
    out
}
