//! `k8sim fit POD.yaml --scenario SCENARIO [--at TIME] [-o text|csv|json]`: how many more
//! replicas of a pod (or of a workload's pod template) fit the simulated cluster at a
//! moment, why the next one does not, and how many land on each node (docs/fit.md).

use crate::input::duration::parse_duration_ms;
use crate::input::error::InputErrors;
use crate::input::manifest;
use crate::model::workload::PodTemplate;
use crate::output::fit_answer::FitAnswer;
use crate::scenario::object::Object;
use crate::sim::fit::fit_copies;
use crate::sim::Simulation;
use anyhow::{anyhow, bail};
use std::path::{Path, PathBuf};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A sentence and a per-node table.
    Text,
    /// `kind,name,replicas,reason`: one `node` row per present node, then a `total` row.
    Csv,
    /// One JSON object.
    Json,
}

/// Arguments of `k8sim fit`.
#[derive(Debug, clap::Args)]
pub struct FitArgs {
    /// Manifest holding one Pod, or one Deployment, ReplicaSet, StatefulSet, Job or
    /// DaemonSet whose pod template is used.
    pub pod: PathBuf,
    /// Scenario whose cluster is filled.
    #[arg(long)]
    pub scenario: PathBuf,
    /// Simulated time to look at (`30m`, `90s`); default: the end of the scenario.
    #[arg(long)]
    pub at: Option<String>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value = "text")]
    pub output: Format,
    /// Seed (overrides the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Scheduler profile (overrides the scenario's).
    #[arg(long)]
    pub scheduler: Option<String>,
    /// Stop after this many copies.
    #[arg(long, default_value_t = 10_000)]
    pub max: u32,
}

/// The pod to copy, read from a manifest file.
#[derive(Debug, Clone)]
pub struct FitPod {
    /// Kind of the object read (Pod, Deployment, ...).
    pub kind: &'static str,
    /// Its name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// The pod template copied.
    pub template: PodTemplate,
}

/// Reads the one object of `path` that carries a pod, interning its resource names in the
/// scenario's `resources`.
pub fn read_pod(
    path: &Path,
    resources: &mut crate::model::resources::ResourceNames,
) -> anyhow::Result<FitPod> {
    let set = manifest::load_file(path, resources).map_err(InputErrors)?;
    let mut pods = set.objects.into_iter().filter_map(|o| {
        let kind = o.object.kind();
        let (meta, template) = match o.object {
            Object::Pod(p) => (p.meta, p.template),
            Object::Deployment(d) => (d.meta, d.template),
            Object::ReplicaSet(r) => (r.meta, r.template),
            Object::StatefulSet(s) => (s.meta, s.template),
            Object::Job(j) => (j.meta, j.spec.template),
            Object::DaemonSet(d) => (d.meta, d.template),
            _ => return None,
        };
        Some(FitPod {
            kind,
            name: meta.name,
            namespace: meta.namespace,
            template,
        })
    });
    let expected =
        "expected exactly one Pod, Deployment, ReplicaSet, StatefulSet, Job or DaemonSet";
    let pod = pods
        .next()
        .ok_or_else(|| anyhow!("{}: {expected}, found none", path.display()))?;
    if pods.next().is_some() {
        bail!("{}: {expected}, found several", path.display());
    }
    Ok(pod)
}

/// Runs `args.scenario` to `--at` and fits copies of the pod; returns the rendered answer.
pub fn fit_output(args: &FitArgs) -> anyhow::Result<String> {
    let mut sc = crate::input::scenario::load(&args.scenario)?;
    let pod = read_pod(&args.pod, &mut sc.resources)?;
    let end = sc.limits.end_time.as_millis();
    let at_ms = match &args.at {
        Some(t) => parse_duration_ms(t).map_err(|e| anyhow!("--at {t:?}: {e}"))?,
        None => end,
    };
    if at_ms > end {
        bail!(
            "--at {} s is beyond the scenario's duration ({} s)",
            at_ms as f64 / 1000.0,
            end as f64 / 1000.0
        );
    }
    let seed = args.seed.unwrap_or(sc.seed);
    let scheduler = args
        .scheduler
        .clone()
        .unwrap_or_else(|| sc.scheduler.clone());
    let scheduler = super::run::resolve_scheduler(&sc, &scheduler)?;
    let mut limits = sc.limits;
    limits.end_time = crate::engine::SimTime::from_millis(at_ms);
    let mut sim =
        Simulation::with_registry_and_limits(&sc, seed, scheduler, super::registry(), limits)?;
    sim.run()?;
    let report = fit_copies(&mut sim, &pod.name, &pod.namespace, &pod.template, args.max)?;
    let answer = FitAnswer {
        sim: &sim,
        kind: pod.kind,
        namespace: &pod.namespace,
        name: &pod.name,
        report: &report,
        at_s: at_ms as f64 / 1000.0,
        max: args.max,
    };
    Ok(match args.output {
        Format::Text => answer.text(),
        Format::Csv => answer.csv(),
        Format::Json => answer.json(),
    })
}

/// `k8sim fit`.
pub fn fit(args: &FitArgs) -> anyhow::Result<()> {
    print!("{}", fit_output(args)?);
    Ok(())
}
