//! Scenario files with the files they name, as `k8sim validate` reads them: the input is a
//! bundle (see `k8sim_fuzz::Bundle`: the scenario, then `#@file NAME` parts for its
//! manifests and traces), loaded in memory; a built-in `scheduler:` is resolved into
//! profiles too.
#![no_main]

use k8sim::input::scenario::load_in_memory;
use k8sim::input::scheduler_config::looks_like_file;
use k8sim::scheduler::choice::SchedulerChoice;
use k8sim::scheduler::plugins::registry::Registry;
use k8sim::sim::setup::scheduler_profiles;
use k8sim_fuzz::Bundle;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let bundle = Bundle::split(data);
    let Ok(text) = std::str::from_utf8(bundle.scenario) else {
        return;
    };
    let path = Path::new("fuzz/scenario.yaml");
    if let Ok(sc) = load_in_memory(path, text, &bundle.files) {
        // A KubeSchedulerConfiguration file would be read from the disk: its own target
        // covers it.
        if !looks_like_file(&sc.scheduler) {
            let scheduler = SchedulerChoice::from(&sc.scheduler);
            let _ = scheduler_profiles(&sc, &scheduler, &Registry::in_tree());
        }
    }
});
