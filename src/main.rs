//! The `k8sim` binary: parses the command line and reports errors without panicking.

use clap::Parser;
use k8sim::cli::{self, Cli, Command, Experiment};

fn main() {
    let cli = Cli::parse();
    if let Err(e) = k8sim::output::atomic::install_interrupt_cleanup() {
        eprintln!("warning: cannot install the SIGINT/SIGTERM handler: {e}");
    }
    let result = match &cli.command {
        None => cli::run::run(&cli::run::RunArgs {
            scenario: None,
            out: "results".into(),
            seed: None,
            scheduler: None,
            quiet: false,
            outputs: cli::run::Outputs::All,
        }),
        Some(Command::Run(args)) => cli::run::run(args),
        Some(Command::Compare(args)) => cli::compare::compare(args),
        Some(Command::Validate { files }) => cli::run::validate(files),
        Some(Command::Kubectl(args)) => cli::kubectl::run(args),
        Some(Command::Explain(args)) => cli::explain::explain(args),
        Some(Command::Fit(args)) => cli::fit::fit(args),
        Some(Command::Report { dir }) => {
            k8sim::output::report::render_report(dir).map_err(anyhow::Error::from)
        }
        Some(Command::Experiment(Experiment::Fgd(args))) => {
            k8sim::gpu::experiment::run_experiment(args)
        }
    };
    if let Err(e) = result {
        // One format everywhere: every message starts with `error:` (input errors carry it
        // per problem already).
        let text = format!("{e:#}");
        if text.starts_with("error:") {
            eprintln!("{text}");
        } else {
            eprintln!("error: {text}");
        }
        std::process::exit(1);
    }
}
