//! Issue 13 item 3: the invariants checked while a run goes. `--check` runs every
//! invariant after every event without changing a byte of the results; a counter or a node
//! column put out of step is caught and stops the run naming the invariant and the seed.

use k8sim::cluster::NodeIdx;
use k8sim::input::scenario::load;
use k8sim::sim::{RunError, Simulation};
use std::path::Path;

fn simulation(path: &str, check: bool) -> Simulation {
    let mut sc = load(Path::new(path)).unwrap_or_else(|e| panic!("{e}"));
    sc.check_invariants = check;
    Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap()
}

#[test]
fn committed_scenarios_keep_every_invariant_and_checking_changes_nothing() {
    for path in ["scenarios/seed.yaml", "scenarios/showcase.yaml"] {
        let mut checked = simulation(path, true);
        checked.run().unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut plain = simulation(path, false);
        plain.run().unwrap();
        assert_eq!(checked.summary(), plain.summary(), "{path}");
        assert_eq!(checked.recorder.events, plain.recorder.events, "{path}");
    }
}

#[test]
fn a_counter_out_of_step_stops_a_checked_run() {
    let mut sim = simulation("scenarios/seed.yaml", true);
    sim.pod_counts.created(); // a creation that never happened
    let err = sim.run().expect_err("the recount differs from the counter");
    let RunError::Invariant {
        invariant, seed, ..
    } = &err
    else {
        panic!("not an invariant error: {err}");
    };
    assert_eq!(*invariant, "the pod counters equal a recount");
    assert_eq!(*seed, 42);
    let text = err.to_string();
    assert!(text.contains("reproduce with: k8sim run"), "{text}");
    assert!(text.contains("--check"), "{text}");
    // Without --check the thorough set is off.
    let mut sim = simulation("scenarios/seed.yaml", false);
    sim.pod_counts.created(); // a creation that never happened
    sim.run().unwrap();
}

#[test]
fn a_node_column_out_of_step_is_caught_by_the_cheap_check_at_the_next_sample() {
    let mut sim = simulation("scenarios/seed.yaml", false);
    sim.cluster.corrupt_free_column(0, NodeIdx(1), -1);
    let err = sim.run().expect_err("a corrupted free column");
    let RunError::Invariant {
        invariant, time, ..
    } = &err
    else {
        panic!("not an invariant error: {err}");
    };
    assert_eq!(*invariant, "free-capacity columns follow requested");
    // The first sample is at time zero.
    assert_eq!(*time, 0.0);
}
