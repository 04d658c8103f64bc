//! Criterion benchmark: one placement run of each policy on the built-in openb `default` trace.

use criterion::{criterion_group, criterion_main, Criterion};
use k8sim::gpu::experiment::{load_trace, run_curves};
use k8sim::gpu::policies::Policy;

fn bench(c: &mut Criterion) {
    let trace = load_trace(None, "default").expect("built-in trace");
    let mut group = c.benchmark_group("openb-default-one-run");
    group.sample_size(10);
    for policy in [Policy::Fgd, Policy::BestFit, Policy::Random] {
        group.bench_function(policy.name(), |b| {
            b.iter(|| run_curves(&trace, &[policy], &[42], 1.3, 95.0))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
