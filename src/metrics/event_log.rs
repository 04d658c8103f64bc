//! The run's event log: the events themselves while events.csv may still be written (or a
//! reader such as `kubectl describe` needs them), and always the counts and the per-pod
//! scheduling-failure tally that summary.csv and unschedulable.csv are made of, so that a
//! long run does not keep every event it ever recorded.

use super::EventRecord;
use crate::engine::SimTime;
use crate::model::events_file::EventsFile;
use std::collections::BTreeMap;

/// Events of a run, kept or counted (see the module documentation).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct EventLog {
    kept: Vec<EventRecord>,
    /// Every event recorded, kept or not.
    count: usize,
    policy: EventsFile,
    keep_all: bool,
    /// Dropped once it was clear the events would not be written.
    dropped: bool,
    failed_scheduling: u64,
    preemptions: u64,
    evictions: u64,
    unschedulable: Vec<Unschedulable>,
    unschedulable_by_pod: BTreeMap<String, usize>,
}

/// One pod of unschedulable.csv: its FailedScheduling events and when (if ever) it was
/// scheduled after the first of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Unschedulable {
    /// Pod name.
    pub pod: String,
    /// First FailedScheduling event.
    pub first_failed: SimTime,
    /// Last FailedScheduling event.
    pub last_failed: SimTime,
    /// Number of FailedScheduling events.
    pub failed_attempts: u64,
    /// First Scheduled event after the first failure.
    pub scheduled: Option<SimTime>,
    /// Message of the last FailedScheduling event.
    pub last_message: String,
}

impl EventLog {
    /// A log that keeps its events as long as `policy` may write them.
    pub fn new(policy: EventsFile) -> EventLog {
        EventLog {
            policy,
            ..EventLog::default()
        }
    }

    /// Keeps every event whatever the policy (for readers of the log such as `kubectl`).
    pub fn keep_all(&mut self) {
        self.keep_all = true;
    }

    /// Records `e`: counts it, tallies scheduling failures, and keeps it while it may be
    /// written or read.
    pub fn push(&mut self, e: EventRecord) {
        self.count += 1;
        self.tally(&e);
        if self.keep_all || (!self.dropped && self.policy.writes(self.count)) {
            self.kept.push(e);
        } else if !self.dropped {
            self.dropped = true;
            self.kept = Vec::new();
        }
    }

    fn tally(&mut self, e: &EventRecord) {
        match e.reason.as_str() {
            "Preempted" => self.preemptions += 1,
            "Evicted" | "TaintManagerEviction" => self.evictions += 1,
            _ => {}
        }
        if e.reason == "FailedScheduling" {
            self.failed_scheduling += 1;
        }
        if e.object_kind != "Pod" {
            return;
        }
        match e.reason.as_str() {
            "FailedScheduling" => {
                let at = match self.unschedulable_by_pod.get(&e.object) {
                    Some(at) => *at,
                    None => {
                        self.unschedulable.push(Unschedulable {
                            pod: e.object.clone(),
                            first_failed: e.time,
                            last_failed: e.time,
                            failed_attempts: 0,
                            scheduled: None,
                            last_message: String::new(),
                        });
                        let at = self.unschedulable.len() - 1;
                        self.unschedulable_by_pod.insert(e.object.clone(), at);
                        at
                    }
                };
                let u = &mut self.unschedulable[at];
                u.last_failed = e.time;
                u.failed_attempts += 1;
                u.last_message.clone_from(&e.message);
            }
            "Scheduled" => {
                if let Some(at) = self.unschedulable_by_pod.get(&e.object) {
                    self.unschedulable[*at].scheduled.get_or_insert(e.time);
                }
            }
            _ => {}
        }
    }

    /// Number of events recorded.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Whether events.csv is written: the policy allows it (then every event was kept).
    pub fn writes_file(&self) -> bool {
        !self.dropped && self.policy.writes(self.count)
    }

    /// FailedScheduling events.
    pub fn failed_scheduling(&self) -> u64 {
        self.failed_scheduling
    }

    /// Preempted events.
    pub fn preemptions(&self) -> u64 {
        self.preemptions
    }

    /// Evicted and TaintManagerEviction events.
    pub fn evictions(&self) -> u64 {
        self.evictions
    }

    /// Pods with a FailedScheduling event, in order of their first one.
    pub fn unschedulable(&self) -> &[Unschedulable] {
        &self.unschedulable
    }
}

impl std::ops::Deref for EventLog {
    type Target = [EventRecord];

    /// The events kept (all of them unless the log stopped keeping them).
    fn deref(&self) -> &[EventRecord] {
        &self.kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::events_file::AUTO_EVENTS_LIMIT;

    fn event(i: usize, reason: &str, pod: &str) -> EventRecord {
        EventRecord {
            time: SimTime::from_millis(i as u64),
            kind: "Normal",
            reason: reason.to_string(),
            object_kind: "Pod".into(),
            object: pod.to_string(),
            message: format!("m{i}"),
        }
    }

    #[test]
    fn auto_drops_the_events_past_the_limit_but_keeps_counts_and_tally() {
        let mut log = EventLog::new(EventsFile::Auto);
        log.push(event(0, "FailedScheduling", "a"));
        log.push(event(1, "FailedScheduling", "a"));
        log.push(event(2, "Scheduled", "a"));
        for i in 3..AUTO_EVENTS_LIMIT + 10 {
            log.push(event(i, "Started", "b"));
        }
        assert_eq!(log.count(), AUTO_EVENTS_LIMIT + 10);
        assert!(log.is_empty(), "events past the auto limit are not kept");
        assert!(!log.writes_file());
        assert_eq!(log.failed_scheduling(), 2);
        let u = &log.unschedulable()[0];
        assert_eq!((u.failed_attempts, u.last_message.as_str()), (2, "m1"));
        assert_eq!(u.scheduled, Some(SimTime::from_millis(2)));
    }

    #[test]
    fn keep_all_and_all_keep_everything() {
        for (policy, keep) in [(EventsFile::Auto, true), (EventsFile::All, false)] {
            let mut log = EventLog::new(policy);
            if keep {
                log.keep_all();
            }
            for i in 0..AUTO_EVENTS_LIMIT + 1 {
                log.push(event(i, "Started", "b"));
            }
            assert_eq!(log.len(), AUTO_EVENTS_LIMIT + 1);
        }
    }

    #[test]
    fn none_keeps_nothing_unless_asked() {
        let mut log = EventLog::new(EventsFile::None);
        log.push(event(0, "Evicted", "b"));
        assert!(log.is_empty());
        assert_eq!((log.count(), log.evictions()), (1, 1));
    }
}
