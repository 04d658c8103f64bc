//! `--set` overrides and `k8sim sweep`/`merge`: the same sweep.csv run whole, resumed after
//! an interruption, and merged from three shard processes started as a Kubernetes Indexed
//! Job and a Slurm array start them (their environment variables); bad input.

use k8sim::cli::sweep::prepare;
use k8sim::input::overrides::Override;
use k8sim::input::scenario;
use k8sim::scenario::object::Object;
use k8sim::sweep::shard::Shard;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SWEEP: &str = "scenarios/sweeps/nodes-vs-policy.yaml";
const ENGINE_VARS: [&str; 4] = [
    "JOB_COMPLETION_INDEX",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN",
];

/// Environment variables an engine sets for one shard process.
type EngineEnv<'a> = &'a [(&'a str, &'a str)];

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-sweep-{}-{tag}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `k8sim ARGS` with no engine variables but `env`.
fn k8sim(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_k8sim"));
    c.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for v in ENGINE_VARS {
        c.env_remove(v);
    }
    c.envs(env.iter().copied());
    c
}

fn ok(out: Output, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{what} failed: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fails(out: Output, what: &str) -> String {
    assert!(!out.status.success(), "{what} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn a_sweep_gives_the_same_csvs_whole_resumed_and_merged_from_shards() {
    let t = temp("agree");
    let s = |p: &str| t.join(p).to_string_lossy().into_owned();
    ok(
        k8sim(&["sweep", SWEEP, "--out", &s("whole"), "-j", "2"], &[])
            .output()
            .unwrap(),
        "whole",
    );
    let whole = read(&t.join("whole/sweep.csv"));
    let summary = read(&t.join("whole/sweep_summary.csv"));
    let lines: Vec<&str> = whole.lines().collect();
    assert_eq!(
        lines.len(),
        31,
        "3 node counts × 2 schedulers × 5 seeds + header"
    );
    assert!(lines[0].starts_with("cell,cluster.nodes[worker].count,scenario,scheduler,seed,"));
    assert!(lines[1].starts_with("0,2,seed,default,1,"), "{}", lines[1]);
    assert!(
        lines[30].starts_with("29,4,seed,most-allocated,5,"),
        "{}",
        lines[30]
    );
    assert_eq!(
        summary.lines().count(),
        7,
        "3 node counts × 2 schedulers + header"
    );
    assert!(summary
        .lines()
        .next()
        .unwrap()
        .contains("nodes_used_avg_ci95_lo"));

    // `k8sim report` re-renders a sweep folder from its cells.
    std::fs::remove_dir_all(t.join("whole/plots")).unwrap();
    ok(
        k8sim(&["report", &s("whole")], &[]).output().unwrap(),
        "report",
    );
    assert!(t
        .join("whole/plots/sweep_nodes_used_avg_vs_cluster_nodes_worker__count.png")
        .exists());
    assert_eq!(read(&t.join("whole/sweep.csv")), whole);

    // Interrupted: the CSVs, some finished cells and a half-written one are gone.
    let resumed = t.join("resumed");
    ok(
        k8sim(&["sweep", SWEEP, "--out", &s("resumed"), "-j", "1"], &[])
            .output()
            .unwrap(),
        "first",
    );
    std::fs::remove_file(resumed.join("sweep.csv")).unwrap();
    std::fs::remove_file(resumed.join("sweep_summary.csv")).unwrap();
    let kept = resumed.join("runs/p0/seed/default/seed-1");
    std::fs::write(kept.join("marker"), "kept").unwrap();
    for lost in ["runs/p1/seed/most-allocated", "runs/p2/seed/default/seed-4"] {
        std::fs::remove_dir_all(resumed.join(lost)).unwrap();
    }
    std::fs::create_dir_all(resumed.join("runs/p2/seed/default/.seed-4.tmp-1")).unwrap();
    let stdout = ok(
        k8sim(&["sweep", SWEEP, "--out", &s("resumed"), "--resume"], &[])
            .output()
            .unwrap(),
        "resume",
    );
    assert!(stdout.contains("30 cells (6 run, 24 kept)"), "{stdout}");
    assert!(
        kept.join("marker").exists(),
        "a finished cell was run again"
    );
    assert_eq!(read(&resumed.join("sweep.csv")), whole);
    assert_eq!(read(&resumed.join("sweep_summary.csv")), summary);

    // Three shard processes at once, as an Indexed Job and a Slurm array start them.
    let shards: [(&str, EngineEnv, bool); 3] = [
        ("s0", &[("JOB_COMPLETION_INDEX", "0")], true),
        (
            "s1",
            &[
                ("SLURM_ARRAY_TASK_ID", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ],
            false,
        ),
        ("s2", &[("JOB_COMPLETION_INDEX", "2")], true),
    ];
    let children: Vec<_> = shards
        .iter()
        .map(|(dir, env, k8s)| {
            let out = s(dir);
            let mut args = vec!["sweep", SWEEP, "--out", &out, "--shard", "auto", "-j", "1"];
            if *k8s {
                args.extend(["--shards", "3"]);
            }
            k8sim(&args, env)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (child, (dir, ..)) in children.into_iter().zip(&shards) {
        let stdout = ok(child.wait_with_output().unwrap(), dir);
        assert!(
            stdout.contains("10 cells (10 run, 0 kept) of 30"),
            "{stdout}"
        );
        assert!(
            !t.join(dir).join("sweep.csv").exists(),
            "a shard wrote a partial sweep.csv"
        );
    }
    let (s0, s1, s2, merged) = (s("s0"), s("s1"), s("s2"), s("merged"));
    ok(
        k8sim(&["merge", &s0, &s1, &s2, "--out", &merged], &[])
            .output()
            .unwrap(),
        "merge",
    );
    assert_eq!(read(&t.join("merged/sweep.csv")), whole);
    assert_eq!(read(&t.join("merged/sweep_summary.csv")), summary);

    // A shard missing: merge names the cells it lacks and writes nothing.
    let err = fails(
        k8sim(&["merge", &s0, &s2, "--out", &s("partial")], &[])
            .output()
            .unwrap(),
        "merge without shard 1",
    );
    assert!(err.contains("10 of 30 cells are missing"), "{err}");
    assert!(
        err.contains("cell 1 (cluster.nodes[worker].count=2, scheduler default, seed 2)"),
        "{err}"
    );
    assert!(!t.join("partial/sweep.csv").exists());

    // A shard of another sweep (other seeds): refused, naming both.
    let other = t.join("other.yaml");
    std::fs::write(
        &other,
        read(Path::new(SWEEP))
            .replace("seeds: 1..5", "seeds: 1..2")
            .replace(
                "../seed.yaml",
                &format!("{}/scenarios/seed.yaml", env!("CARGO_MANIFEST_DIR")),
            ),
    )
    .unwrap();
    let o = s("other");
    ok(
        k8sim(
            &[
                "sweep",
                &other.to_string_lossy(),
                "--out",
                &o,
                "--shard",
                "0/3",
            ],
            &[],
        )
        .output()
        .unwrap(),
        "other sweep",
    );
    let err = fails(
        k8sim(&["merge", &s0, &s1, &o, "--out", &s("mixed")], &[])
            .output()
            .unwrap(),
        "merge of different sweeps",
    );
    assert!(err.contains("shards of different sweeps"), "{err}");
    std::fs::remove_dir_all(&t).unwrap();
}

fn sweep_file(t: &Path, set: &str) -> PathBuf {
    let p = t.join("bad.yaml");
    let seed = format!("{}/scenarios/seed.yaml", env!("CARGO_MANIFEST_DIR"));
    std::fs::write(
        &p,
        format!(
            "kind: Sweep\nname: bad\nscenario: {seed}\nschedulers: [default]\nseeds: 1..2\n{set}"
        ),
    )
    .unwrap();
    p
}

fn prepare_error(set: &str) -> String {
    let t = temp("bad");
    let e = prepare(&sweep_file(&t, set), Shard::WHOLE)
        .err()
        .expect("the sweep should be refused");
    format!("{e:#}")
}

#[test]
fn sweep_grids_that_cannot_run_are_refused_before_anything_runs() {
    let e = prepare_error("set:\n  cluster.nodes[wrker].count: [2, 3]\n");
    assert!(e.contains("no item named \"wrker\" (names: worker"), "{e}");
    assert!(
        e.contains("combination 0 (cluster.nodes[wrker].count=2)"),
        "{e}"
    );
    let e = prepare_error("set: {}\n");
    assert!(e.contains("field `set`: empty grid"), "{e}");
    let e = prepare_error("");
    assert!(e.contains("empty grid"), "{e}");
    let e = prepare_error("set:\n  cluster.nodes[worker].count: []\n");
    assert!(e.contains("empty list of values"), "{e}");
    let e = prepare_error("set:\n  cluster.nodes[worker].count: [two]\n");
    assert!(
        e.contains("expected a number like the current value 3, found a string two"),
        "{e}"
    );
    let e = prepare_error("set:\n  runtime.image_pull: [5s, soon]\n");
    assert!(
        e.contains("runtime.image_pull") && e.contains("combination 1"),
        "{e}"
    );
    let e = prepare_error("set:\n  duration: [10m]\nzip: [[duration, seed]]\n");
    assert!(
        e.contains("field `zip[0]`: seed is not a field under set"),
        "{e}"
    );
    let e = prepare_error("set:\n  duration: [10m]\nfigures: [speed]\n");
    assert!(e.contains("unknown figure \"speed\""), "{e}");
    let e = prepare_error("set:\n  duration: [10m]\ncolour: red\n");
    assert!(
        e.contains("bad.yaml:8: field `colour`: unknown field"),
        "{e}"
    );
    let t = temp("bad-shard");
    let f = sweep_file(&t, "set:\n  duration: [10m]\n");
    let err = fails(
        k8sim(&["sweep", &f.to_string_lossy(), "--shard", "3/3"], &[])
            .output()
            .unwrap(),
        "shard out of range",
    );
    assert!(
        err.contains("shard index 3 is out of range: expected 0..2"),
        "{err}"
    );
}

#[test]
fn set_overrides_reach_the_scenario_and_its_manifests() {
    let seed = Path::new("scenarios/seed.yaml");
    let set = |args: &[&str]| -> Vec<Override> {
        args.iter().map(|a| Override::parse(a).unwrap()).collect()
    };
    let sc = scenario::load_with(
        seed,
        &set(&[
            "cluster.nodes[worker].count=5",
            "workloads[nginx-deployment-basic].replicas=4",
            "duration=10m",
            "runtime.binding=2s",
        ]),
    )
    .unwrap();
    assert_eq!(sc.nodes.len(), 5);
    assert_eq!(sc.limits.end_time.as_millis(), 600_000);
    let replicas = sc.objects.iter().find_map(|o| match &o.object {
        Object::Deployment(d) if d.meta.name == "nginx-deployment-basic" => Some(d.replicas),
        _ => None,
    });
    assert_eq!(replicas, Some(4));
}

#[test]
fn errors_after_an_added_line_keep_the_lines_of_the_file_as_written() {
    // runtime.binding is added as a new line after `image_pull: 5s` (line 20); the bad
    // sample_every below it must still be reported at its own line.
    let t = temp("lines");
    let text =
        read(Path::new("scenarios/seed.yaml")).replace("sample_every: 10s", "sample_every: 10x");
    let line = text
        .lines()
        .position(|l| l.contains("sample_every"))
        .unwrap() as u64
        + 1;
    std::fs::write(t.join("seed.yaml"), &text).unwrap();
    std::fs::create_dir_all(t.join("seed")).unwrap();
    for f in [
        "nginx-deployment.yaml",
        "my-stateful-app.yaml",
        "pi-cronjob.yaml",
    ] {
        std::fs::copy(Path::new("scenarios/seed").join(f), t.join("seed").join(f)).unwrap();
    }
    let e = scenario::load_with(
        &t.join("seed.yaml"),
        &[Override::parse("runtime.binding=2s").unwrap()],
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains(&format!("seed.yaml:{line}: field `metrics.sample_every`")),
        "{e}"
    );
    let err = fails(
        k8sim(
            &[
                "run",
                "scenarios/seed.yaml",
                "--set",
                "cluster.nodes[worker].count=many",
            ],
            &[],
        )
        .output()
        .unwrap(),
        "run with a wrong-type --set",
    );
    assert!(
        err.contains("field `cluster.nodes[worker].count`: --set: expected a number"),
        "{err}"
    );
}
