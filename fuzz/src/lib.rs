//! Helpers the fuzz targets share: splitting one fuzz input into several named files.

/// The line that starts a new file inside a bundle: `#@file NAME` (a YAML comment, so a
/// bundle's first part still reads as the scenario it is).
pub const FILE_MARKER: &[u8] = b"\n#@file ";

/// A fuzz input split into a scenario and the files it names: everything before the first
/// `#@file NAME` line is the scenario; each such line starts the file `NAME`, holding the
/// bytes up to the next marker (binary files such as `.sktrace` traces included).
pub struct Bundle<'a> {
    /// The scenario's bytes.
    pub scenario: &'a [u8],
    /// (name, bytes) of each file.
    pub files: Vec<(&'a str, &'a [u8])>,
}

impl<'a> Bundle<'a> {
    /// Splits `data`; a file whose name is not UTF-8 is dropped.
    pub fn split(data: &'a [u8]) -> Bundle<'a> {
        let mut parts = split_on(data, FILE_MARKER).into_iter();
        let scenario = parts.next().unwrap_or_default();
        let files = parts
            .filter_map(|part| {
                let end = part.iter().position(|b| *b == b'\n').unwrap_or(part.len());
                let name = std::str::from_utf8(&part[..end]).ok()?.trim();
                let body = part.get(end + 1..).unwrap_or_default();
                Some((name, body))
            })
            .collect();
        Bundle { scenario, files }
    }
}

/// `data` cut at every occurrence of `sep` (which is left out).
fn split_on<'a>(data: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + sep.len() <= data.len() {
        if &data[i..i + sep.len()] == sep {
            out.push(&data[start..i]);
            i += sep.len();
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(&data[start..]);
    out
}

use k8sim::scenario::object::Object;
use k8sim::scenario::Scenario;
use k8sim::scenario::action::Action;

/// An upper bound of the pods and nodes a scenario may bring into being: every replica
/// count, Job parallelism, DaemonSet copy (one per node) and node added by the timeline.
/// The pipeline target skips scenarios above a small size, which are valid but too slow
/// for a fuzz input (a controller creates all of a ReplicaSet's pods at once).
pub fn size(sc: &Scenario) -> u64 {
    let mut nodes = sc.nodes.len() as u64;
    let (mut pods, mut daemonsets) = (0u64, 0u64);
    let applied = sc.timeline.iter().flat_map(|e| match &e.action {
        Action::Apply { objects, .. } => objects.as_slice(),
        _ => &[],
    });
    for o in sc.objects.iter().map(|l| &l.object).chain(applied) {
        match o {
            Object::Deployment(d) => pods += d.replicas.max(0) as u64,
            Object::ReplicaSet(r) => pods += r.replicas.max(0) as u64,
            Object::StatefulSet(s) => pods += s.replicas.max(0) as u64,
            Object::Job(j) => pods += j.spec.parallelism.max(0) as u64,
            Object::CronJob(c) => pods += c.job.parallelism.max(0) as u64,
            Object::DaemonSet(_) => daemonsets += 1,
            Object::Pod(_) => pods += 1,
            _ => {}
        }
    }
    for e in &sc.timeline {
        match &e.action {
            Action::Scale { replicas, .. }
            | Action::Patch {
                replicas: Some(replicas),
                ..
            } => pods += (*replicas).max(0) as u64,
            Action::NodeAdd { count, .. } => nodes += u64::from(*count),
            _ => {}
        }
    }
    nodes + pods + daemonsets * nodes
}
