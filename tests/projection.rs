//! Issue 13 item 1: a scenario's projected size is estimated before anything is allocated,
//! and a run whose floor is already over its limits is refused before it starts, with the
//! estimate in the message. `k8sim validate` prints the projection and refuses alike.
//! (The randomised scenario test checks that the floors are floors on real runs.)

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

const CRONJOB: &str = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: tick}\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      completions: 10\n      parallelism: 10\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: w, image: busybox, resources: {requests: {cpu: 100m}}}]\n";

/// A per-minute CronJob of 10 pods a run on three nodes for `duration`, with `limits`.
fn scenario(tag: &str, duration: &str, limits: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-projection-{}-{tag}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("cj.yaml"), CRONJOB).unwrap();
    fs::write(
        dir.join("s.yaml"),
        format!("name: tick\nseed: 1\nduration: {duration}\nworkloads: [cj.yaml]\ncluster:\n  nodes:\n    - {{name: n, count: 3, allocatable: {{cpu: \"8\", memory: 32Gi, pods: 110}}}}\nruntime:\n  run_duration:\n    tick: 20s\nmetrics:\n  sample_every: 1m\n{limits}"),
    )
    .unwrap();
    dir
}

fn k8sim(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .args(args)
        .arg(dir.join("s.yaml"))
        .args(["--out"])
        .arg(dir.join("out"))
        .output()
        .unwrap()
}

/// A year of it keeps at least 228 MB: 5,256,000 created pods × 20 bytes each (pod table
/// slot, record offset, label class id; a retired pod keeps them too) = 105 MB, plus
/// 525,600 samples and the ten pods at once. A 200 MB ceiling refuses it before it starts
/// (a 1 GiB one lets it run: it peaks at ≈ 0.9 GB, BENCHMARKS.md).
#[test]
fn a_year_of_a_per_minute_cronjob_is_refused_at_once_under_a_ceiling_below_its_floor() {
    let dir = scenario("year", "365d", "limits:\n  max_memory: 200M\n");
    let o = k8sim(&["run", "-q"], &dir);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "s.yaml: field `limits.max_memory`: the run would keep more than the limit of 200 MB"
        ) && stderr.contains("at least 5,256,000 pods created")
            && stderr.contains("events and 228 MB"),
        "{stderr}"
    );
    assert!(!dir.join("out").exists(), "nothing is written");
    let v = Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .arg("validate")
        .arg(dir.join("s.yaml"))
        .output()
        .unwrap();
    assert_eq!(v.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&v.stderr).contains("field `limits.max_memory`"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_event_limit_below_the_floor_is_refused_and_a_run_within_its_limits_is_not() {
    // One day: 1,440 runs × 10 pods + 1,440 samples = at least 15,840 events.
    let dir = scenario("events", "1d", "limits:\n  max_events: 15000\n");
    let o = k8sim(&["run", "-q"], &dir);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("field `limits.max_events`") && stderr.contains("at least 15,840 events"),
        "{stderr}"
    );
    let dir = scenario("fine", "1h", "");
    let v = Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .arg("validate")
        .arg(dir.join("s.yaml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&v.stdout);
    assert!(v.status.success(), "{stdout}");
    assert!(
        stdout.contains("projected: 3 nodes, 10 pods at once, at least 600 pods created, 60 samples: at least 660 events"),
        "{stdout}"
    );
    let o = k8sim(&["run", "-q", "--outputs", "csv"], &dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = fs::read_to_string(dir.join("out/tick/default/seed-1/summary.csv")).unwrap();
    let (head, row) = summary.split_once('\n').unwrap();
    let col = |name: &str| {
        let i = head.split(',').position(|h| h == name).unwrap();
        row.trim()
            .split(',')
            .nth(i)
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    assert!(col("pods_created") >= 600 && col("events_processed") >= 660);
    fs::remove_dir_all(&dir).unwrap();
}
