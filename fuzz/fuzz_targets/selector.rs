//! `-l` label selectors (`app=web,tier notin (db),!canary`): parsed, then matched against
//! labels taken from the selector's own words so matching paths are reached too.
#![no_main]

use k8sim::kubectl::parse_selector;
use k8sim::model::labels::Labels;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(selector) = parse_selector(text) {
        let words: Vec<&str> = text
            .split(|c: char| "=!,() <>".contains(c))
            .filter(|w| !w.is_empty())
            .collect();
        let labels: Labels = words
            .chunks(2)
            .map(|kv| (kv[0].to_string(), kv.get(1).unwrap_or(&"").to_string()))
            .collect();
        let _ = selector.matches(&labels);
        let _ = selector.matches(&Labels::new());
    }
});
