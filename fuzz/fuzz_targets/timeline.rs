//! Timeline lines: kubectl commands (`kubectl scale deployment web --replicas=3`, ...) as a
//! scenario's `timeline:` entries write them, word splitting included.
#![no_main]

use k8sim::input::timeline::{parse_kubectl, shell_words};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &str| {
    let _ = shell_words(line);
    let _ = parse_kubectl(line);
});
