//! `workloads:` entries naming a SimKube trace (`*.sktrace`): its events become timeline
//! entries (applies and deletes at their recorded times) and its pod lifecycles become
//! recorded run times.

use super::Source;

use crate::engine::SimTime;
use crate::input::error::InputError;
use crate::input::sktrace;
use crate::model::resources::ResourceNames;
use crate::model::workload::PropagationPolicy;
use crate::scenario::action::{Action, ApplySource};
use crate::scenario::object::Located;
use crate::scenario::TimelineEntry;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;

/// Whether a `workloads:` entry names a SimKube trace.
pub(super) fn is_trace(rel: &str) -> bool {
    rel.ends_with(".sktrace")
}

/// Everything the traces of a scenario contribute.
#[derive(Default)]
pub(super) struct Replays {
    /// Timeline entries, one apply and/or one delete per trace event.
    pub entries: Vec<TimelineEntry>,
    /// Every object any event applies (so kubectl entries may name them).
    pub applied: Vec<Located>,
    /// Recorded run times by owner.
    pub lifetimes: BTreeMap<(String, String), Vec<Option<u64>>>,
    /// Unix second of the first event of the first trace.
    pub start_ts: Option<i64>,
    /// Time of the last event, ms.
    pub span_ms: u64,
    /// Kinds seen but not simulated.
    pub not_simulated: BTreeMap<String, usize>,
    /// Warnings.
    pub warnings: Vec<String>,
}

/// Reads the traces among `list` (entries `i` of `workloads:`); their timeline entries get
/// indices from `first_index` on, after the scenario's own timeline.
pub(super) fn load_traces(
    path: &Path,
    source: &Source<'_>,
    list: &[Spanned<String>],
    first_index: usize,
    resources: &mut ResourceNames,
    errors: &mut Vec<InputError>,
) -> Replays {
    let mut out = Replays::default();
    let mut index = first_index;
    for (i, rel) in list.iter().enumerate().filter(|(_, r)| is_trace(&r.value)) {
        let line = rel.referenced.line();
        let bytes = match source.read_bytes(&rel.value) {
            Ok(b) => b,
            Err(e) => {
                errors.push(InputError::new(
                    path,
                    Some(line),
                    format!("workloads[{i}]"),
                    format!("{e} (expected a path relative to the scenario file)"),
                ));
                continue;
            }
        };
        let file = source.path_of(&rel.value);
        let replay = match sktrace::load_bytes(&file, &bytes, resources) {
            Ok(r) => r,
            Err(mut e) => {
                errors.append(&mut e);
                continue;
            }
        };
        out.start_ts.get_or_insert(replay.start_ts);
        for (owner, l) in replay.lifetimes {
            out.lifetimes.entry(owner).or_default().extend(l);
        }
        for (k, n) in replay.not_simulated {
            *out.not_simulated.entry(k).or_default() += n;
        }
        out.warnings.extend(replay.warnings);
        for ev in replay.events {
            let at = SimTime::from_millis(ev.at_ms);
            out.span_ms = out.span_ms.max(ev.at_ms);
            let name = format!("{}#events[{}]", file.display(), ev.index);
            if !ev.applied.is_empty() {
                out.entries.push(TimelineEntry {
                    at,
                    action: Action::Apply {
                        source: ApplySource::Trace(name.clone()),
                        objects: ev.applied.iter().map(|l| l.object.clone()).collect(),
                    },
                    index,
                    line,
                });
                index += 1;
                out.applied.extend(ev.applied);
            }
            if !ev.deleted.is_empty() {
                out.entries.push(TimelineEntry {
                    at,
                    action: Action::DeleteFile {
                        file: name,
                        targets: ev.deleted,
                        propagation: PropagationPolicy::Background,
                    },
                    index,
                    line,
                });
                index += 1;
            }
        }
    }
    out
}
