//! The command line: `k8sim run`, `compare`, `sweep`, `merge`, `validate`, `report`, ...

pub mod compare;
pub mod experiment;
pub mod explain;
pub mod fit;
pub mod kubectl;
pub mod plan;
pub mod progress;
pub mod run;
pub mod sweep;

use crate::scheduler::plugins::registry::Registry;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The plugin registry every subcommand builds schedulers from.
static REGISTRY: OnceLock<Registry> = OnceLock::new();

/// The registry installed by [`main_with_registry`] (the in-tree plugins otherwise).
pub fn registry() -> &'static Registry {
    REGISTRY.get_or_init(Registry::in_tree)
}

/// The `k8sim` command line with out-of-tree plugins: a plugin author's binary registers
/// its plugins and hands over, and gets every subcommand (`run`, `compare`, `sweep`, ...),
/// where a KubeSchedulerConfiguration naming the plugins is a scheduler like any other
/// (see `examples/plugin_cli.rs`). Parses the process arguments, runs the subcommand,
/// prints an error to stderr and exits non-zero on failure.
pub fn main_with_registry(registry: Registry) -> ! {
    // Only the first registry counts; a process has one command line.
    let _ = REGISTRY.set(registry);
    let cli = Cli::parse();
    if let Err(e) = crate::output::atomic::install_interrupt_cleanup() {
        eprintln!("warning: cannot install the SIGINT/SIGTERM handler: {e}");
    }
    match dispatch(&cli) {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            // One format everywhere: every message starts with `error:` (input errors carry
            // it per problem already).
            let text = format!("{e:#}");
            if text.starts_with("error:") {
                eprintln!("{text}");
            } else {
                eprintln!("error: {text}");
            }
            std::process::exit(1)
        }
    }
}

/// `k8sim report DIR`: a comparison folder (with `comparison.csv`), a sweep folder (with a
/// `shard-I-of-N.json` plan: sweep.csv, sweep_summary.csv and plots rewritten), or a run
/// folder.
fn report(dir: &std::path::Path) -> anyhow::Result<()> {
    use crate::output::{report, results_dir::files, sweep_files};
    if dir.join(files::COMPARISON).exists() {
        return report::render_comparison(dir).map_err(anyhow::Error::from);
    }
    let plans = if dir.is_dir() {
        sweep_files::read_plans(dir).map_err(anyhow::Error::msg)?
    } else {
        Vec::new()
    };
    match plans.first() {
        Some((_, plan)) => sweep::assemble(plan, &[dir.to_path_buf()], dir),
        None => report::render_report(dir).map_err(anyhow::Error::from),
    }
}

/// Runs one parsed command line.
pub fn dispatch(cli: &Cli) -> anyhow::Result<()> {
    match &cli.command {
        None => run::run(&run::RunArgs {
            scenario: None,
            out: "results".into(),
            seed: None,
            scheduler: None,
            quiet: false,
            outputs: run::Outputs::All,
            set: Vec::new(),
            check: false,
        }),
        Some(Command::Run(args)) => run::run(args),
        Some(Command::Compare(args)) => compare::compare(args),
        Some(Command::Sweep(args)) => sweep::sweep(args),
        Some(Command::Merge(args)) => sweep::merge(args),
        Some(Command::Validate { files }) => run::validate(files),
        Some(Command::Kubectl(args)) => kubectl::run(args),
        Some(Command::Explain(args)) => explain::explain(args),
        Some(Command::Fit(args)) => fit::fit(args),
        Some(Command::Plan(args)) => plan::plan(args),
        Some(Command::Report { dir }) => report(dir),
        Some(Command::Experiment(Experiment::Fgd(args))) => experiment::run_experiment(args),
    }
}

/// `k8sim --version`: the crate version and the Kubernetes release it simulates.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (simulates Kubernetes ",
    crate::kubernetes_version!(),
    ")"
);

/// k8sim: a deterministic discrete-event simulator of a Kubernetes cluster.
#[derive(Debug, Parser)]
#[command(name = "k8sim", version = VERSION, about)]
pub struct Cli {
    /// What to do (default: run the built-in scenario).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario (the built-in seed scenario when none is given).
    Run(run::RunArgs),
    /// Run a scenario under several schedulers and seeds and compare them.
    Compare(compare::CompareArgs),
    /// Run every cell (parameter combination × scheduler × seed) of a sweep file, or one
    /// shard of them.
    Sweep(sweep::SweepArgs),
    /// Combine the folders of a sharded sweep into sweep.csv and sweep_summary.csv.
    Merge(sweep::MergeArgs),
    /// Check scenarios and manifests and report every problem.
    Validate {
        /// Scenario or manifest files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Show why a pod went where it went: filter verdicts and per-plugin scores.
    Explain(explain::ExplainArgs),
    /// Re-render the plots (and report.html) of a results folder from its CSVs.
    Report {
        /// A run folder (`results/<scenario>/<scheduler>/seed-<n>`), a comparison folder
        /// (`results/<scenario>/compare`) or a sweep folder.
        dir: PathBuf,
    },
    /// How many more replicas of a pod fit the simulated cluster at a moment, and why the
    /// next one does not: `k8sim fit POD.yaml --scenario SCENARIO --at 30m`.
    Fit(fit::FitArgs),
    /// The smallest (or cheapest) node count that meets every SLO in every seed and fault
    /// case: `k8sim plan SCENARIO --node-group worker --slo 'pending_age_p99_s < 30s'`.
    Plan(plan::PlanArgs),
    /// Show the simulated cluster as kubectl would at a simulated time:
    /// `k8sim kubectl SCENARIO --at 30m -- get pods -o wide`.
    Kubectl(kubectl::KubectlArgs),
    /// Reproduce a published experiment.
    #[command(subcommand)]
    Experiment(Experiment),
}

/// Published experiments.
#[derive(Debug, Subcommand)]
pub enum Experiment {
    /// FGD (USENIX ATC'23) on the Alibaba openb GPU trace: Fig. 9(a).
    Fgd(crate::gpu::experiment::ExperimentArgs),
}
