//! `k8sim experiment fgd`: runs the FGD experiment of `gpu::experiment`, writes its folder
//! through `output::fgd_files` and prints the allocation at 100 % arrived per policy.

use anyhow::Context as _;

use crate::gpu::experiment::{alloc_at, load_trace, run_curves, write_outputs, ExperimentArgs};
use crate::output::atomic::AtomicDir;

/// Entry point of `k8sim experiment fgd`.
pub fn run_experiment(args: &ExperimentArgs) -> anyhow::Result<()> {
    anyhow::ensure!(!args.policies.is_empty(), "no policies given");
    anyhow::ensure!(
        args.ratio.is_finite() && args.ratio >= 0.0,
        "--ratio {}: expected a finite, non-negative multiple of the cluster's GPU capacity",
        args.ratio
    );
    let trace = load_trace(args.data.as_deref(), &args.trace)?;
    // Check the destination before the experiment runs, not after.
    let final_dir = args.out.join(format!("fgd-{}", trace.variant));
    AtomicDir::preflight(&final_dir)
        .with_context(|| format!("cannot write results to {}", final_dir.display()))?;
    let start = std::time::Instant::now();
    let curves = run_curves(
        &trace,
        &args.policies,
        &args.seeds.0,
        args.ratio,
        args.typical_pct,
    );
    let elapsed = start.elapsed();
    let dir = write_outputs(&args.out, &trace.variant, &curves, &args.policies)?;
    println!(
        "fgd-{}: {} nodes, {} pods, {} runs in {:.2}s -> {}",
        trace.variant,
        trace.nodes.len(),
        trace.pods.len(),
        curves.len(),
        elapsed.as_secs_f64(),
        dir.display()
    );
    println!("policy,alloc_pct_at_x100_mean,std");
    for &p in &args.policies {
        if let Some((m, s)) = alloc_at(&curves, p, 100) {
            println!("{},{m:.2},{s:.2}", p.label());
        }
    }
    Ok(())
}
