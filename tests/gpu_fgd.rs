//! Integration tests of the FGD reproduction: paper means on the built-in default trace, determinism, outputs, bad input.

mod prereq;

use std::path::{Path, PathBuf};

use k8sim::gpu::experiment::{
    alloc_at, curves_csv, load_trace, run_curves, write_outputs, PAPER_DEFAULT_AT_100,
    PAPER_DEFAULT_AT_130,
};
use k8sim::gpu::frag::{typical_pods, FragModel};
use k8sim::gpu::model::{NodeSpec, PodSpec};
use k8sim::gpu::policies::Policy;
use k8sim::gpu::sim::{node_ranks, run};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/openb");

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-gpu-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Our 10-seed means at x = 100 and x = 130 on `default` are within 0.5 point of the authors' (their
/// `analysis_allo_discrete.csv`), in the same order. Before score ties followed the authors' random
/// node order, GpuPacking and GpuClustering sat 0.6–0.7 below; now every policy is within 0.1.
#[test]
fn default_trace_matches_paper_at_x100_and_x130() {
    let trace = load_trace(None, "default").unwrap();
    let seeds: Vec<u64> = (42..=51).collect();
    let curves = run_curves(&trace, &Policy::ALL, &seeds, 1.3, 95.0);
    for (x, paper_means) in [(100, PAPER_DEFAULT_AT_100), (130, PAPER_DEFAULT_AT_130)] {
        let mut ours = Vec::new();
        for (policy, paper) in paper_means {
            let (mean, _) = alloc_at(&curves, policy, x).unwrap();
            println!("x={x} {policy}: ours {mean:.2} paper {paper:.2}");
            assert!(
                (mean - paper).abs() <= 0.5,
                "x={x} {policy}: ours {mean:.2} vs paper {paper:.2}"
            );
            ours.push(mean);
        }
        // The paper's means are in increasing order: Random < DotProd < ... < FGD.
        assert!(
            ours.windows(2).all(|w| w[0] < w[1]),
            "x={x} order: {ours:?}"
        );
    }
}

/// Regression: score ties went to the trace's first node names (`openb-node-0000`, ... are P100s),
/// which cost GpuPacking and GpuClustering 0.6–0.7 points on `default`. The authors' simulator
/// prefixes every node name with its place in `rand.Perm(n)` before creating it
/// (`pkg/simulator/simulator.go`, `syncClusterResourceList`) and its `selectHost` gives a tie to the
/// smallest name, so ties follow a random node order fixed for the run and shared by all policies.
#[test]
fn score_ties_follow_a_seeded_node_order_not_the_trace_order() {
    let nodes: Vec<NodeSpec> = (0..4)
        .map(|i| NodeSpec {
            name: format!("n{i}"),
            cpu_milli: 32_000,
            memory_mib: 65_536,
            gpus: 2,
            model: Some(0),
        })
        .collect();
    let pods = vec![PodSpec {
        name: "p".into(),
        cpu_milli: 4000,
        memory_mib: 1024,
        num_gpu: 1,
        gpu_milli: 500,
        gpu_spec: String::new(),
        spec_mask: 0,
    }];
    let frag = FragModel::new(&typical_pods(&pods, 95.0), 1);
    let tying = [
        Policy::GpuPacking,
        Policy::GpuClustering,
        Policy::BestFit,
        Policy::DotProd,
        Policy::Fgd,
    ];
    let mut winners = std::collections::BTreeSet::new();
    for seed in 0..16 {
        let rank = node_ranks(nodes.len(), seed);
        let first = (0..nodes.len()).min_by_key(|&i| rank[i]).unwrap();
        for policy in tying {
            let r = run(policy, &nodes, &pods, &[0], &frag, seed);
            assert_eq!(r.placed, vec![Some(first)], "{policy}, seed {seed}");
        }
        winners.insert(first);
    }
    // Name order would put the pod on n0 for every seed.
    assert!(winners.len() >= 3, "tie winners over 16 seeds: {winners:?}");
}

/// Same seed, same bytes, whatever the thread count.
#[test]
fn output_is_deterministic_across_thread_counts() {
    let trace = load_trace(None, "default").unwrap();
    let policies = [Policy::Fgd, Policy::Random, Policy::GpuClustering];
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            curves_csv(
                "default",
                &run_curves(&trace, &policies, &[7, 8], 1.3, 95.0),
            )
        })
    };
    let one = run(1);
    assert_eq!(one, run(3));
    assert!(
        one.starts_with("workload,policy,seed,x_arrived_pct,alloc_pct,frag_pct\ndefault,fgd,7,0,")
    );
}

/// CSV, PNG and SVG land in `<out>/fgd-<trace>/`, replacing an older run, with no temp dir left.
#[test]
fn writes_csv_png_svg_atomically() {
    let out = scratch("out");
    let trace = load_trace(None, "default").unwrap();
    let curves = run_curves(&trace, &[Policy::BestFit], &[1], 1.3, 95.0);
    std::fs::create_dir_all(out.join("fgd-default")).unwrap();
    std::fs::write(out.join("fgd-default/stale.txt"), "old").unwrap();
    let dir = write_outputs(&out, "default", &curves, &[Policy::BestFit]).unwrap();
    assert_eq!(dir, out.join("fgd-default"));
    for f in ["results.csv", "fig9a.png", "fig9a.svg"] {
        assert!(std::fs::metadata(dir.join(f)).unwrap().len() > 100, "{f}");
    }
    assert!(!dir.join("stale.txt").exists());
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["fgd-default".to_string()]);
    std::fs::remove_dir_all(&out).unwrap();
}

fn write_trace(dir: &Path, pods: &str) {
    std::fs::write(
        dir.join("openb_node_list_gpu_node.csv"),
        "sn,cpu_milli,memory_mib,gpu,model\nn0,64000,262144,2,T4\n",
    )
    .unwrap();
    std::fs::write(dir.join("openb_pod_list_bad.csv"), pods).unwrap();
}

/// Each kind of malformed row is reported with file, line and column name.
#[test]
fn bad_rows_report_file_line_column() {
    let dir = scratch("bad");
    let header = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";
    let ok = "p0,1000,10,1,500,T4,LS,Running,0,1,0\n";
    let cases = [
        ("p1,1000,10,1,500,T4,LS\n", "pod_phase"),
        ("p1,-1000,10,1,500,T4,LS,Running,0,1,0\n", "cpu_milli"),
        ("p1,1000,lots,1,500,T4,LS,Running,0,1,0\n", "memory_mib"),
        ("p1,1000,10,1,500,A100,LS,Running,0,1,0\n", "gpu_spec"),
        ("p1,1000,10,1,1200,T4,LS,Running,0,1,0\n", "gpu_milli"),
    ];
    for (row, column) in cases {
        write_trace(&dir, &format!("{header}{ok}{row}"));
        let err = load_trace(Some(&dir), "bad").unwrap_err().to_string();
        let file = dir.join("openb_pod_list_bad.csv").display().to_string();
        let want = format!("{file}:3: column `{column}`:");
        assert!(err.starts_with(&want), "got `{err}`, want prefix `{want}`");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every variant shipped with the shared data loads (a failure under `CI=true` when
/// ../shared is absent, skipped with a notice elsewhere).
#[test]
fn shared_variants_load() {
    let dir = Path::new(SHARED);
    let present = dir.join("openb_node_list_gpu_node.csv").exists();
    if !prereq::available(present, &format!("{SHARED} (openb trace variants)")) {
        return;
    }
    for variant in [
        "default",
        "multigpu50",
        "gpuspec33",
        "cpu050",
        "gpushare100",
    ] {
        let t = load_trace(Some(dir), variant).unwrap();
        assert_eq!(t.nodes.len(), 1213, "{variant}");
        assert!(t.pods.len() > 7000, "{variant}");
    }
}
