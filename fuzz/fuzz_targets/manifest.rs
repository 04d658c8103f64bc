//! Kubernetes manifests (multi-document YAML, JSON, `List`s) as `k8sim validate` reads a
//! manifest file: bytes -> UTF-8 check -> every document converted.
#![no_main]

use k8sim::input::manifest;
use k8sim::model::resources::ResourceNames;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.yaml");
    if let Ok(text) = manifest::utf8_text(path, data.to_vec()) {
        let _ = manifest::load_str(path, &text, &mut ResourceNames::default());
    }
});
