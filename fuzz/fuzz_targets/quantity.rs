//! Resource quantities (`100m`, `512Mi`, `1e3`): parsed, then scaled both ways.
#![no_main]

use k8sim::model::quantity::Quantity;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(q) = Quantity::parse(text) {
        let _ = (q.milli_value(), q.value(), q.is_negative(), q.to_string());
    }
});
