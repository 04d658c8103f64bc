//! Randomised whole-scenario testing (issue 13 item 4): random valid scenarios (see
//! `generator`) run with every invariant checked after every event. Each seed must finish,
//! keep every invariant, and write byte-identical results on a second run made inside a
//! thread pool of another size. A failing seed prints the scenario it made.
//!
//! Bounded by default (`VOPR_SEEDS` seeds from `VOPR_FIRST`; 500 from 0); for a long
//! campaign: `VOPR_SEEDS=100000 cargo test --release --test vopr`.

mod generator;

#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;

use k8sim::cli::run::{resolve_scheduler, run_into};
use k8sim::input::scenario::load;
use k8sim::sim::projection::project;
use std::fs;
use std::path::Path;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}={v} is not a number"))
        })
        .unwrap_or(default)
}

/// Runs `seed`'s scenario twice (here, and in a three-thread pool) with `--check`;
/// returns the pods it created, or why it failed.
fn run_seed(seed: u64, root: &Path) -> Result<u64, String> {
    let made = generator::generate(seed);
    let dir = root.join(format!("seed-{seed}"));
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("scenario.yaml"), &made.scenario).unwrap();
    fs::write(dir.join("workloads.yaml"), &made.manifests).unwrap();
    let mut sc = load(&dir.join("scenario.yaml")).map_err(|e| format!("does not load: {e}"))?;
    sc.check_invariants = true;
    let once = |out: &str| {
        let scheduler = resolve_scheduler(&sc, &sc.scheduler).map_err(|e| format!("{e:#}"))?;
        run_into(&sc, sc.seed, &scheduler, &dir.join(out), None, false, false)
            .map(|(summary, _, _)| (summary, common::files(&dir.join(out))))
            .map_err(|e| format!("{e:#}"))
    };
    let (summary, first) = once("first")?;
    // The projected floors are floors.
    let projected = project(&sc);
    if projected.pods_created > summary.pods_created
        || projected.events_floor > summary.events_processed
    {
        return Err(format!(
            "projection {projected} over the run's {} pods and {} events",
            summary.pods_created, summary.events_processed
        ));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let (_, second) = pool.install(|| once("second"))?;
    if first.keys().ne(second.keys()) {
        return Err("the two runs wrote different files".into());
    }
    for (name, bytes) in &first {
        if second[name] != *bytes {
            return Err(format!("{name} differs between the two runs"));
        }
    }
    fs::remove_dir_all(&dir).unwrap();
    Ok(summary.pods_created)
}

#[test]
fn random_scenarios_finish_keep_their_invariants_and_repeat_byte_for_byte() {
    let first = env_u64("VOPR_FIRST", 0);
    let seeds = env_u64("VOPR_SEEDS", 500);
    let root = std::env::temp_dir().join(format!("k8sim-vopr-{}", std::process::id()));
    let (mut failures, mut pods) = (Vec::new(), 0);
    for seed in first..first + seeds {
        match run_seed(seed, &root) {
            Ok(created) => pods += created,
            Err(why) => failures.push(format!("seed {seed}: {why}\n{}", generator::generate(seed))),
        }
    }
    let _ = fs::remove_dir_all(&root);
    assert!(
        failures.is_empty(),
        "{} of {seeds} random scenarios failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // The campaign exercised the simulation: on average a run creates several pods.
    assert!(pods > 5 * seeds, "only {pods} pods in {seeds} runs");
    eprintln!("{seeds} random scenarios, {pods} pods, every invariant held");
}
