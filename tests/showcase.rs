//! The showcase scenario end to end through the CLI: byte-identical reruns, a zone outage that
//! keeps zone-spread replacements Pending, and a drain held back by a PodDisruptionBudget.

#[allow(dead_code)]
mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/showcase.yaml");

/// Runs the showcase scenario into `out` and returns its run folder.
fn run_showcase(out: &Path) -> PathBuf {
    let o = Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .args(["run", SCENARIO, "--out"])
        .arg(out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "k8sim run {SCENARIO} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out.join("showcase/default/seed-7")
}

/// The rows of a CSV file as maps from column name to cell.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("column {col}: {:?}", row[col]))
}

#[test]
fn showcase_runs_are_byte_identical_and_show_the_outage_and_the_drain() {
    let base = std::env::temp_dir().join(format!("k8sim-showcase-{}", std::process::id()));
    let _ = fs::remove_dir_all(&base);
    let run_a = run_showcase(&base.join("a"));
    let run_b = run_showcase(&base.join("b"));
    let (fa, fb) = (common::files(&run_a), common::files(&run_b));
    assert!(
        fa.len() >= 10,
        "expected a full run folder, got {:?}",
        fa.keys()
    );
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(
            bytes == &fb[name],
            "{} differs between two runs of seed 7 (reproduce: k8sim run {SCENARIO})",
            name
        );
    }

    // Zone-b fails at 3h and recovers at 3h45m. The api Deployment spreads over zones with
    // maxSkew 1 and DoNotSchedule; the default nodeTaintsPolicy (Ignore) keeps the tainted
    // zone-b as a domain with zero matching pods (its pods are terminating and no longer
    // counted), so replacements cannot go to zone-a or zone-c until zone-b is back
    // (kubernetes docs: concepts/scheduling-eviction/topology-spread-constraints,
    // "nodeTaintsPolicy"). The api is short for at least the whole outage minus the 50 s
    // node-monitor grace period.
    let availability = rows(&run_a.join("availability.csv"));
    let api = availability
        .iter()
        .find(|r| r["name"] == "api")
        .expect("api row in availability.csv");
    assert!(num(api, "replicas_lost_to_faults") > 0.0);
    assert!(
        num(api, "time_below_desired_s") >= 2700.0 - 50.0,
        "api below desired for {} s",
        api["time_below_desired_s"]
    );
    let pending_in_outage = rows(&run_a.join("timeseries.csv"))
        .iter()
        .filter(|r| (11_000.0..13_400.0).contains(&num(r, "time_s")))
        .map(|r| num(r, "pods_pending"))
        .fold(0.0, f64::max);
    assert!(pending_in_outage > 0.0, "no pending pods during the outage");

    // The drain of a-0 at 4h30m (web has 60 replicas, PDB minAvailable 80 % = 48) evicts
    // only while the budget allows, so web never drops below 48 ready endpoints.
    let faults = rows(&run_a.join("faults.csv"));
    let drain = faults
        .iter()
        .find(|r| r["cause"] == "drain")
        .expect("drain row in faults.csv");
    assert_eq!(drain["node"], "a-0");
    assert!(num(drain, "pods_evicted") > 0.0);
    let web_min_in_drain = rows(&run_a.join("services_timeseries.csv"))
        .iter()
        .filter(|r| r["service"] == "web" && (16_200.0..18_000.0).contains(&num(r, "time_s")))
        .map(|r| num(r, "ready_endpoints"))
        .fold(f64::INFINITY, f64::min);
    assert!(
        (48.0..=60.0).contains(&web_min_in_drain),
        "web had {web_min_in_drain} ready endpoints during the drain"
    );
    fs::remove_dir_all(&base).unwrap();
}
