//! Fixtures shared by the tests: small results folders written into fresh temp dirs, and
//! every file of a results folder read back.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh, empty directory under the system temp dir, unique per process and call;
/// removed on drop unless the test is failing (to keep its files for inspection).
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

/// Creates a [`TempDir`] whose name contains `tag`.
pub fn temp_dir(tag: &str) -> TempDir {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("k8sim-test-{}-{tag}-{n}", std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap();
    }
    fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

/// The summary.csv header.
pub const SUMMARY_HEADER: &str = "scenario,scheduler,seed,pods_created,pods_scheduled,pods_unschedulable,pods_succeeded,pods_failed,sched_latency_mean_s,sched_latency_p50_s,sched_latency_p95_s,sched_latency_p99_s,sched_latency_max_s,startup_latency_mean_s,startup_latency_p50_s,startup_latency_p95_s,startup_latency_p99_s,cpu_allocated_avg,memory_allocated_avg,gpu_allocated_avg,nodes_used_avg,makespan_s,events_processed,sim_end_s";

/// Writes a complete run folder (all five CSVs plus workloads.csv) into `dir`;
/// `scale` varies the numbers so that runs of different schedulers differ.
pub fn write_run(dir: &Path, scheduler: &str, seed: u64, scale: f64) {
    fs::create_dir_all(dir).unwrap();
    let nodes = ["node-a", "node-b", "node-c", "node-d"];
    let mut pods = String::from("name,namespace,owner_kind,owner,node,created_s,scheduled_s,started_s,ready_s,finished_s,phase,attempts,restarts,cpu_request_millis,memory_request_bytes,gpu_request_millis\n");
    for i in 0..30u64 {
        let created = i as f64 * 2.0;
        let owner = if i % 2 == 0 { "web" } else { "batch" };
        if i % 10 == 9 {
            let _ = writeln!(
                pods,
                "{owner}-{i},default,Deployment,{owner},,{created:.3},,,,,Pending,4,0,4000,1073741824,0"
            );
            continue;
        }
        let lat = (i % 7) as f64 * 0.125 * scale + 0.010;
        let sched = created + lat;
        let _ = writeln!(
            pods,
            "{owner}-{i},default,Deployment,{owner},{},{created:.3},{sched:.3},{:.3},{:.3},{},{},{},0,500,268435456,0",
            nodes[i as usize % 4],
            sched + 1.0,
            sched + 2.0,
            if i % 3 == 0 { format!("{:.3}", sched + 30.0) } else { String::new() },
            if i % 3 == 0 { "Succeeded" } else { "Running" },
            1 + i % 2,
        );
    }
    fs::write(dir.join("pods.csv"), pods).unwrap();

    let mut ts = String::from("time_s,pods_pending,pods_running,cpu_allocated_ratio,memory_allocated_ratio,gpu_allocated_ratio,nodes_used,nodes_ready\n");
    let mut nts = String::from("time_s,node,cpu_allocated_ratio,memory_allocated_ratio\n");
    for k in 0..=60u64 {
        let t = k as f64 * 1.5;
        let x = k as f64 / 60.0;
        let cpu = (0.8 * x * scale).min(1.0);
        let _ = writeln!(
            ts,
            "{t:.3},{},{},{cpu:.4},{:.4},0,{},4",
            (k * 7 % 5) as f64 as u64 + u64::from(scale > 1.15),
            k / 3,
            0.5 * x,
            (k / 20 + 1).min(4)
        );
        for (n, name) in nodes.iter().enumerate() {
            let v = (cpu * (1.0 + n as f64) / 2.5).min(1.0);
            let _ = writeln!(nts, "{t:.3},{name},{v:.4},{:.4}", v * 0.6);
        }
    }
    fs::write(dir.join("timeseries.csv"), ts).unwrap();
    fs::write(dir.join("nodes_timeseries.csv"), nts).unwrap();

    let summary = format!(
        "{SUMMARY_HEADER}\nsmoke,{scheduler},{seed},30,27,3,9,0,{:.3},0.260,0.760,0.760,0.760,1.000,1.000,1.000,1.000,0.734,0.250,0,2.500,88.500,412,90.000\n",
        0.385 * scale
    );
    fs::write(dir.join("summary.csv"), summary).unwrap();
    fs::write(
        dir.join("events.csv"),
        "time_s,type,reason,object_kind,object,message\n\
         0.010,Normal,Scheduled,Pod,web-0,\"Successfully assigned default/web-0 to node-a\"\n\
         18.000,Warning,FailedScheduling,Pod,batch-9,\"0/4 nodes are available: 4 Insufficient cpu.\"\n\
         20.000,Normal,Scheduled,Pod,web-10,\"Successfully assigned default/web-10 to node-c\"\n",
    )
    .unwrap();
    fs::write(
        dir.join("workloads.csv"),
        "workload,kind,pods,ready\nweb,Deployment,15,12\n<batch>,Job,15,14\n",
    )
    .unwrap();
}

/// Decodes a PNG and counts its distinct colours.
pub fn png_colours(path: &Path) -> usize {
    let img = image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgba8();
    let mut colours: Vec<[u8; 4]> = img.pixels().map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    colours.len()
}

/// Every file under `dir`, by path relative to `dir` (to compare two results folders).
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Appends every `*.rs` file under `dir` (recursively) to `out`.
pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
