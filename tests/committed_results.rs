//! The example runs committed under results/ (linked from the README) are what today's
//! k8sim writes for their scenarios: every file of a fresh run, plots and report included,
//! equals the committed one byte for byte. A change that alters results must regenerate
//! them (`cargo run --release -- run SCENARIO`), so the README never shows stale figures.

use k8sim::cli::run::run_scenario;
use k8sim::input::scenario;
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn check(scenario_file: &str, committed: &str) {
    let sc = scenario::load(Path::new(scenario_file)).unwrap_or_else(|e| panic!("{e}"));
    let out = std::env::temp_dir().join(format!(
        "k8sim-committed-{}-{}",
        sc.name,
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&out);
    let (_, fresh) = run_scenario(&sc, sc.seed, &sc.scheduler, &out).unwrap();
    let committed = Path::new(committed);
    let names = |dir: &Path| -> Vec<PathBuf> {
        files(dir)
            .into_iter()
            .map(|f| f.strip_prefix(dir).unwrap().to_path_buf())
            .collect()
    };
    assert_eq!(
        names(&fresh),
        names(committed),
        "{scenario_file}: the files differ"
    );
    for name in names(committed) {
        let a = std::fs::read(fresh.join(&name)).unwrap();
        let b = std::fs::read(committed.join(&name)).unwrap();
        assert!(
            a == b,
            "{scenario_file}: {} differs from the committed run; regenerate it",
            name.display()
        );
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn the_seed_example_is_current() {
    check("scenarios/seed.yaml", "results/seed/default/seed-42");
}

#[test]
fn the_showcase_example_is_current() {
    check("scenarios/showcase.yaml", "results/showcase/default/seed-7");
}

#[test]
fn the_autoscaling_example_is_current() {
    check(
        "scenarios/autoscaling.yaml",
        "results/autoscaling/default/seed-1",
    );
}
