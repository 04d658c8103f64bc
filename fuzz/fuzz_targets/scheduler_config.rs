//! KubeSchedulerConfiguration files: read, then built into scheduler profiles as
//! `--scheduler FILE` and `k8sim validate` do.
#![no_main]

use k8sim::input::{manifest, scheduler_config};
use k8sim::model::resources::ResourceNames;
use k8sim::scheduler::config::build_profiles;
use k8sim::scheduler::plugins::registry::Registry;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz-scheduler.yaml");
    let Ok(text) = manifest::utf8_text(path, data.to_vec()) else {
        return;
    };
    let mut resources = ResourceNames::default();
    if let Ok(config) = scheduler_config::parse(path, &text, &mut resources) {
        let _ = build_profiles(&config, &Registry::in_tree(), &resources);
    }
});
