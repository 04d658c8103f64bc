//! SimKube traces (`.sktrace`, msgpack): decoded and converted into timeline events.
#![no_main]

use k8sim::input::sktrace::load_bytes;
use k8sim::model::resources::ResourceNames;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = load_bytes(
        Path::new("fuzz.sktrace"),
        data,
        &mut ResourceNames::default(),
    );
});
