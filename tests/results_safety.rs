//! Results that are never lost (issue 18 items 1–3, issue 13 item 6): no input name
//! writes or deletes outside its own run folder, interrupted and killed runs leave
//! nothing behind after the next run, and every problem with the destination is reported
//! before simulating.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const APP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        resources:\n          requests: {cpu: 100m}\n";

/// A KubeSchedulerConfiguration that `run` accepts.
const PROFILE: &str = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: default-scheduler\n";

/// A fresh folder holding `app.yaml` and the profile files `...yaml`, `binpack.yaml` and
/// `compare.yaml`.
fn workspace(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-safety-{}-{tag}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("app.yaml"), APP).unwrap();
    fs::write(dir.join("...yaml"), PROFILE).unwrap();
    fs::write(dir.join("binpack.yaml"), PROFILE).unwrap();
    fs::write(dir.join("compare.yaml"), PROFILE).unwrap();
    dir
}

/// Writes scenario `<name>.yaml` (10 simulated minutes, `extra` appended) into `dir`.
fn scenario(dir: &Path, file: &str, name: &str, extra: &str) -> PathBuf {
    let text = format!(
        "name: {name}\nseed: 1\nduration: 10m\ncluster:\n  nodes:\n    - name: n\n      count: 2\n      allocatable: {{cpu: \"4\", memory: 8Gi}}\nworkloads:\n  - app.yaml\n{extra}"
    );
    let path = dir.join(file);
    fs::write(&path, text).unwrap();
    path
}

/// Runs the binary in `cwd` with `args`; panics on a panic.
fn k8sim(cwd: &Path, args: &[&str]) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    o
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every path under `dir`, relative and sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(base).unwrap().display().to_string());
            if p.is_dir() {
                walk(base, &p, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Results of a scenario called `seed-1`: the folder a `...yaml` profile used to replace.
fn sibling_results(dir: &Path) -> (PathBuf, Vec<u8>) {
    scenario(dir, "victim.yaml", "seed-1", "");
    let o = k8sim(dir, &["run", "-q", "victim.yaml", "--out", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = dir.join("out/seed-1/default/seed-1/summary.csv");
    let bytes = fs::read(&summary).unwrap();
    (summary, bytes)
}

#[test]
fn dot_dot_profile_file_cannot_replace_a_sibling_scenario_with_run() {
    let dir = workspace("run-dotdot");
    let (summary, before) = sibling_results(&dir);
    scenario(&dir, "s.yaml", "s", "");
    let listing = tree(&dir.join("out"));
    for profile in ["...yaml", "./...yaml"] {
        let o = k8sim(
            &dir,
            &[
                "run",
                "-q",
                "s.yaml",
                "--out",
                "out",
                "--scheduler",
                profile,
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{profile}");
        let e = stderr(&o);
        assert!(e.contains("its file stem names the results folder"), "{e}");
        assert!(e.contains("\"..\" starts with '.'"), "{e}");
        assert_eq!(fs::read(&summary).unwrap(), before, "{profile}");
        assert_eq!(
            tree(&dir.join("out")),
            listing,
            "{profile}: nothing else changed"
        );
    }
    // The same via the scenario's `scheduler:` key.
    scenario(&dir, "t.yaml", "t", "scheduler: ...yaml\n");
    let o = k8sim(&dir, &["run", "-q", "t.yaml", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(tree(&dir.join("out")), listing);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dot_dot_profile_file_cannot_replace_a_sibling_scenario_with_compare() {
    let dir = workspace("compare-dotdot");
    let (summary, before) = sibling_results(&dir);
    scenario(&dir, "s.yaml", "s", "");
    let listing = tree(&dir.join("out"));
    for profiles in [
        "default,...yaml",
        "./...yaml",
        "default,./binpack.yaml,compare.yaml",
    ] {
        let o = k8sim(
            &dir,
            &[
                "compare",
                "-q",
                "s.yaml",
                "--out",
                "out",
                "--schedulers",
                profiles,
                "--seeds",
                "1",
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{profiles}");
        assert!(
            stderr(&o).contains("names the results folder"),
            "{}",
            stderr(&o)
        );
        assert_eq!(fs::read(&summary).unwrap(), before);
        assert_eq!(
            tree(&dir.join("out")),
            listing,
            "{profiles}: nothing written"
        );
    }
}

#[test]
fn two_schedulers_sharing_a_folder_are_refused() {
    let dir = workspace("compare-same-folder");
    fs::write(dir.join("default.yaml"), PROFILE).unwrap();
    scenario(&dir, "s.yaml", "s", "");
    let o = k8sim(
        &dir,
        &[
            "compare",
            "-q",
            "s.yaml",
            "--out",
            "out",
            "--schedulers",
            "default,default.yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("would both write their results to the folder \"default\""),
        "{e}"
    );
    assert!(!dir.join("out").exists(), "refused before writing anything");
}

/// `limits.max_events: 5` makes the simulation itself fail (one sample and the app's pods
/// keep the projected floor under it, so the run starts): a destination error instead
/// proves the destination was checked first.
const FAILS_WHEN_SIMULATED: &str = "limits:\n  max_events: 5\nmetrics:\n  sample_every: 10m\n";

#[test]
fn simulation_limit_would_fail_this_scenario() {
    let dir = workspace("limit");
    scenario(&dir, "s.yaml", "s", FAILS_WHEN_SIMULATED);
    let o = k8sim(&dir, &["run", "-q", "s.yaml", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("simulation stopped"), "{}", stderr(&o));
}

#[test]
fn out_pointing_at_a_file_fails_before_simulating() {
    let dir = workspace("out-file");
    scenario(&dir, "s.yaml", "s", FAILS_WHEN_SIMULATED);
    fs::write(dir.join("file"), "x").unwrap();
    for out in ["file", "file/below"] {
        for cmd in ["run", "compare"] {
            let o = k8sim(&dir, &[cmd, "-q", "s.yaml", "--out", out]);
            assert_eq!(o.status.code(), Some(1), "{cmd} {out}");
            let e = stderr(&o);
            assert!(
                e.contains("file exists and is not a folder"),
                "{cmd} {out}: {e}"
            );
            assert!(!e.contains("simulation stopped"), "{cmd} {out}: {e}");
        }
    }
    assert_eq!(fs::read_to_string(dir.join("file")).unwrap(), "x");
}

#[test]
fn regular_file_where_the_run_folder_goes_fails_before_simulating() {
    let dir = workspace("run-folder-file");
    scenario(&dir, "s.yaml", "s", FAILS_WHEN_SIMULATED);
    fs::create_dir_all(dir.join("out/s/default")).unwrap();
    fs::write(dir.join("out/s/default/seed-1"), "keep").unwrap();
    let o = k8sim(&dir, &["run", "-q", "s.yaml", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("seed-1 exists and is not a folder"), "{e}");
    assert!(!e.contains("simulation stopped"), "{e}");
    assert_eq!(
        tree(&dir.join("out/s/default")),
        ["seed-1"],
        "no .old, no temporary"
    );
    assert_eq!(
        fs::read_to_string(dir.join("out/s/default/seed-1")).unwrap(),
        "keep"
    );
}

#[test]
fn long_and_nul_scenario_names_fail_before_simulating() {
    let dir = workspace("names");
    let long = "x".repeat(300);
    for (name, fragment) in [
        (long.as_str(), "is 300 bytes long"),
        ("\"a\\0b\"", "contains '\\0'"),
        ("\"..\"", "starts with '.'"),
        ("\"a/../../b\"", "contains '/'"),
    ] {
        scenario(&dir, "s.yaml", name, FAILS_WHEN_SIMULATED);
        let o = k8sim(&dir, &["run", "-q", "s.yaml", "--out", "out"]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let e = stderr(&o);
        assert!(e.contains("s.yaml:1"), "{name}: names file and line: {e}");
        assert!(e.contains("scenario name: "), "{name}: {e}");
        assert!(e.contains(fragment), "{name}: {e}");
        assert!(!e.contains("simulation stopped"), "{name}: {e}");
    }
    assert!(!dir.join("out").exists());
}

#[test]
fn stale_temporaries_of_a_killed_run_are_gone_after_the_next_run() {
    let dir = workspace("stale");
    scenario(&dir, "s.yaml", "s", "");
    let runs = dir.join("out/s/default");
    fs::create_dir_all(&runs).unwrap();
    // What a run killed with SIGKILL leaves (old and new naming); 2e9 is above any
    // kernel's pid_max, so no live process owns these.
    for stale in [".seed-1.tmp-2000000000", ".seed-1.tmp-2000000000-4"] {
        fs::create_dir_all(runs.join(stale).join("plots")).unwrap();
        fs::write(runs.join(stale).join("pods.csv"), "half").unwrap();
    }
    let o = k8sim(&dir, &["run", "-q", "s.yaml", "--out", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let top: Vec<String> = fs::read_dir(&runs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(top, ["seed-1"]);
}

#[cfg(unix)]
mod signals {
    use super::*;
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    use std::process::Stdio;

    /// A scenario that simulates for a while: a per-minute CronJob over 60 days.
    fn long_scenario(dir: &Path) {
        let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: tick}\nspec:\n  schedule: \"*/1 * * * *\"\n  jobTemplate:\n    spec:\n      completions: 10\n      parallelism: 5\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: tick, image: busybox, resources: {requests: {cpu: 100m}}}]\n";
        fs::write(dir.join("cron.yaml"), cron).unwrap();
        fs::write(
            dir.join("long.yaml"),
            "name: long\nseed: 1\nduration: 60d\nworkloads: [cron.yaml]\ncluster:\n  nodes:\n    - {name: a, allocatable: {cpu: \"8\", memory: 32Gi, pods: 110}}\nruntime:\n  run_duration:\n    tick: 10s\n",
        )
        .unwrap();
    }

    /// Starts a run of `long.yaml` and waits until its temporary folder exists (it is
    /// created before simulating); returns the child and the folder holding run folders.
    fn start_and_wait(dir: &Path) -> (std::process::Child, PathBuf) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_k8sim"))
            .current_dir(dir)
            .args(["run", "-q", "long.yaml", "--out", "out"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let runs = dir.join("out/long/default");
        loop {
            let started = fs::read_dir(&runs).is_ok_and(|mut entries| {
                entries.any(|e| e.unwrap().file_name().to_string_lossy().contains(".tmp-"))
            });
            if started {
                return (child, runs);
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "the run ended before it could be interrupted"
            );
            // Polling for a folder to appear, not a timing assumption.
            std::thread::yield_now();
        }
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn interrupted_runs_remove_their_temporary_folder() {
        for signal in [Signal::SIGINT, Signal::SIGTERM] {
            let dir = workspace(&format!("signal-{signal}"));
            long_scenario(&dir);
            let (child, runs) = start_and_wait(&dir);
            kill(Pid::from_raw(child.id() as i32), signal).unwrap();
            let o = child.wait_with_output().unwrap();
            assert_eq!(o.status.code(), Some(130), "{signal}: {}", stderr(&o));
            assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
            assert!(entries(&runs).is_empty(), "{signal}: {:?}", entries(&runs));
        }
    }

    #[test]
    fn a_killed_run_leaves_nothing_after_the_next_run() {
        let dir = workspace("sigkill");
        long_scenario(&dir);
        let (mut child, runs) = start_and_wait(&dir);
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(entries(&runs).len(), 1, "SIGKILL cannot clean up");
        // The next run into the same folder (a short one) sweeps the leftover.
        let short = fs::read_to_string(dir.join("long.yaml"))
            .unwrap()
            .replace("60d", "5m");
        fs::write(dir.join("long.yaml"), short).unwrap();
        let o = k8sim(&dir, &["run", "-q", "long.yaml", "--out", "out"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(entries(&runs), ["seed-1"]);
    }
}
