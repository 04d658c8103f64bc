//! The command line: `k8sim run`, `k8sim compare`, `k8sim validate`, `k8sim report`.

pub mod compare;
pub mod explain;
pub mod fit;
pub mod kubectl;
pub mod progress;
pub mod run;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
    /// Check scenarios and manifests and report every problem.
    Validate {
        /// Scenario or manifest files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Show why a pod went where it went: filter verdicts and per-plugin scores.
    Explain(explain::ExplainArgs),
    /// Re-render plots and report.html of a results folder from its CSVs.
    Report {
        /// A run folder (`results/<scenario>/<scheduler>/seed-<n>`).
        dir: PathBuf,
    },
    /// How many more replicas of a pod fit the simulated cluster at a moment, and why the
    /// next one does not: `k8sim fit POD.yaml --scenario SCENARIO --at 30m`.
    Fit(fit::FitArgs),
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
