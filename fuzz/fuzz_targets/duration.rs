//! Durations (`90s`, `1h30m`, `500ms`) as scenarios and `--set` write them.
#![no_main]

use k8sim::input::duration::parse_duration_ms;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = parse_duration_ms(text);
});
