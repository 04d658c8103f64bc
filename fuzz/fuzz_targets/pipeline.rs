//! The whole pipeline: a scenario and its files (a bundle, as the `scenario` target reads
//! it) loaded in memory, then simulated. Bounded so one input stays short: at most
//! `MAX_SIZE` nodes and pods (see `k8sim_fuzz::size`), `MAX_EVENTS` events and a
//! simulated day (longer scenarios are skipped); a KubeSchedulerConfiguration file is replaced by the default profile.
#![no_main]

use k8sim::engine::SimTime;
use k8sim::input::scenario::load_in_memory;
use k8sim::input::scheduler_config::looks_like_file;
use k8sim::sim::Simulation;
use k8sim_fuzz::{size, Bundle};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

/// Most nodes and pods a simulated scenario may bring into being.
const MAX_SIZE: u64 = 300;
/// Most events simulated.
const MAX_EVENTS: u64 = 20_000;
/// Longest simulated time.
const MAX_END: SimTime = SimTime::from_secs(24 * 3600);

fuzz_target!(|data: &[u8]| {
    let bundle = Bundle::split(data);
    let Ok(text) = std::str::from_utf8(bundle.scenario) else {
        return;
    };
    let Ok(mut sc) = load_in_memory(Path::new("fuzz/scenario.yaml"), text, &bundle.files) else {
        return;
    };
    // Skipped rather than cut short, so every run is one a user could ask for.
    if size(&sc) > MAX_SIZE || sc.limits.end_time > MAX_END {
        return;
    }
    // As `limits.max_events` would set it: the run stops with an error past it.
    sc.limits.max_events = sc.limits.max_events.min(MAX_EVENTS);
    let scheduler = if looks_like_file(&sc.scheduler) {
        "default".to_string()
    } else {
        sc.scheduler.clone()
    };
    if let Ok(mut sim) = Simulation::new(&sc, sc.seed, &scheduler) {
        let _ = sim.run();
        let _ = sim.summary();
    }
});
