//! The store of a run's pod records, compact enough to hold every pod of a long run: each
//! record is a few dozen bytes (variable-length integers, times relative to creation,
//! strings interned, the pod name stored after its owner's name), kept in
//! fixed-size chunks so the store never copies itself to grow, and found by pod id.

use super::pod_record::{PodRecord, PodUsagePeaks};
use crate::cluster::pod::PodTimes;
use crate::cluster::PodPhase;
use crate::engine::SimTime;
use std::collections::HashMap;

/// Bytes per chunk of encoded records.
const CHUNK_BYTES: usize = 1 << 20;
/// Offset of a pod id that has no record.
const MISSING: u64 = u64::MAX;

/// Pod records by pod id, recorded in any order and visited in id order.
#[derive(Debug, Default, Clone)]
pub struct PodRecords {
    /// Per pod id, where its record starts (chunk index × `CHUNK_BYTES` + position).
    offsets: Vec<u64>,
    chunks: Vec<Vec<u8>>,
    strings: StringTable,
    recorded: usize,
}

/// The times and phase of a record, read without its strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle {
    /// Its lifecycle times.
    pub times: PodTimes,
    /// Phase when recorded.
    pub phase: PodPhase,
}

impl PodRecords {
    /// An empty store.
    pub fn new() -> PodRecords {
        PodRecords::default()
    }

    /// Appends the record of the next pod id.
    pub fn push(&mut self, record: PodRecord) {
        let id = self.offsets.len();
        self.insert(id, &record);
    }

    /// Records pod `id` (replacing an earlier record of it).
    pub fn insert(&mut self, id: usize, record: &PodRecord) {
        let mut bytes = Vec::with_capacity(64);
        encode(record, &mut self.strings, &mut bytes);
        if self
            .chunks
            .last()
            .is_none_or(|c| c.len() + bytes.len() > CHUNK_BYTES)
        {
            self.chunks
                .push(Vec::with_capacity(CHUNK_BYTES.max(bytes.len())));
        }
        let chunk = self.chunks.len() - 1;
        let last = &mut self.chunks[chunk];
        let offset = (chunk * CHUNK_BYTES + last.len()) as u64;
        last.extend_from_slice(&bytes);
        if self.offsets.len() <= id {
            self.offsets.resize(id + 1, MISSING);
        }
        if self.offsets[id] == MISSING {
            self.recorded += 1;
        }
        self.offsets[id] = offset;
    }

    /// Number of pods recorded.
    pub fn len(&self) -> usize {
        self.recorded
    }

    /// True when no pod was recorded.
    pub fn is_empty(&self) -> bool {
        self.recorded == 0
    }

    /// The record of pod `id`, if recorded.
    pub fn get(&self, id: usize) -> Option<PodRecord> {
        self.reader(id).map(|mut r| r.record(&self.strings))
    }

    /// The times and phase of pod `id`, if recorded.
    pub fn lifecycle(&self, id: usize) -> Option<Lifecycle> {
        self.reader(id).map(|mut r| r.lifecycle())
    }

    /// Calls `visit` with every record in pod id order, stopping at the first error.
    pub fn try_for_each<E>(
        &self,
        mut visit: impl FnMut(&PodRecord) -> Result<(), E>,
    ) -> Result<(), E> {
        (0..self.offsets.len())
            .filter_map(|id| self.get(id))
            .try_for_each(|r| visit(&r))
    }

    fn reader(&self, id: usize) -> Option<Reader<'_>> {
        let offset = *self.offsets.get(id)?;
        if offset == MISSING {
            return None;
        }
        let (chunk, pos) = (offset as usize / CHUNK_BYTES, offset as usize % CHUNK_BYTES);
        Some(Reader {
            bytes: &self.chunks[chunk][pos..],
        })
    }
}

/// Interned strings (namespaces, owner kinds and names, node names, termination reasons).
#[derive(Debug, Default, Clone)]
struct StringTable {
    values: Vec<String>,
    ids: HashMap<String, u32>,
}

impl StringTable {
    fn id(&mut self, value: &str) -> u32 {
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(value.to_string());
        self.ids.insert(value.to_string(), id);
        id
    }
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_signed(out: &mut Vec<u8>, v: i64) {
    put(out, ((v << 1) ^ (v >> 63)) as u64);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// An optional time as 0 (none) or 1 + its signed distance from `created`, zigzagged.
fn put_time(out: &mut Vec<u8>, t: Option<SimTime>, created: SimTime) {
    match t {
        None => put(out, 0),
        Some(t) => {
            let d = t.as_millis() as i64 - created.as_millis() as i64;
            put(out, ((d << 1) ^ (d >> 63)) as u64 + 1);
        }
    }
}

fn phase_code(p: PodPhase) -> u8 {
    match p {
        PodPhase::Pending => 0,
        PodPhase::Running => 1,
        PodPhase::Succeeded => 2,
        PodPhase::Failed => 3,
    }
}

/// Writes `r`: times and phase first (what [`Lifecycle`] reads), then the rest.
fn encode(r: &PodRecord, strings: &mut StringTable, out: &mut Vec<u8>) {
    put(out, r.created.as_millis());
    for t in [r.scheduled, r.started, r.ready, r.finished] {
        put_time(out, t, r.created);
    }
    out.push(phase_code(r.phase));
    put(out, r.attempts as u64);
    put(out, r.restarts as u64);
    put(out, strings.id(&r.namespace) as u64);
    put(out, strings.id(&r.owner_kind) as u64);
    put(out, strings.id(&r.owner) as u64);
    // Controllers name pods after their owner: store only what follows the shared part.
    let shared = (r.name.bytes().zip(r.owner.bytes()))
        .take_while(|(a, b)| a == b)
        .count();
    let shared = (0..=shared)
        .rev()
        .find(|&n| r.name.is_char_boundary(n))
        .unwrap_or(0);
    put(out, shared as u64);
    put_str(out, &r.name[shared..]);
    put(out, r.node.as_ref().map_or(0, |n| strings.id(n) as u64 + 1));
    put_signed(out, r.cpu_request_millis);
    put_signed(out, r.memory_request_bytes);
    put_signed(out, r.gpu_request_millis);
    match &r.usage {
        None => out.push(0),
        Some(u) => {
            out.push(1);
            put_signed(out, u.cpu_peak_millis);
            put_signed(out, u.memory_peak_bytes);
            put(out, u.throttled_millicore_ms);
        }
    }
    let reason = r.last_termination_reason.as_deref();
    put(out, reason.map_or(0, |s| strings.id(s) as u64 + 1));
}

/// Reads one encoded record front to back.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn next(&mut self) -> u64 {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let b = self.bytes[0];
            self.bytes = &self.bytes[1..];
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    fn signed(&mut self) -> i64 {
        let v = self.next();
        (v >> 1) as i64 ^ -((v & 1) as i64)
    }

    fn byte(&mut self) -> u8 {
        let b = self.bytes[0];
        self.bytes = &self.bytes[1..];
        b
    }

    fn str(&mut self) -> &str {
        let len = self.next() as usize;
        let (s, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        std::str::from_utf8(s).expect("records hold UTF-8 strings")
    }

    fn time(&mut self, created: SimTime) -> Option<SimTime> {
        match self.next() {
            0 => None,
            v => {
                let v = v - 1;
                let d = (v >> 1) as i64 ^ -((v & 1) as i64);
                Some(SimTime::from_millis(
                    (created.as_millis() as i64 + d) as u64,
                ))
            }
        }
    }

    fn lifecycle(&mut self) -> Lifecycle {
        let created = SimTime::from_millis(self.next());
        let [scheduled, started, ready, finished] = [(); 4].map(|_| self.time(created));
        let phase = match self.byte() {
            0 => PodPhase::Pending,
            1 => PodPhase::Running,
            2 => PodPhase::Succeeded,
            _ => PodPhase::Failed,
        };
        Lifecycle {
            times: PodTimes {
                created,
                scheduled,
                started,
                ready,
                finished,
            },
            phase,
        }
    }

    fn record(&mut self, strings: &StringTable) -> PodRecord {
        let Lifecycle { times: l, phase } = self.lifecycle();
        let attempts = self.next() as u32;
        let restarts = self.next() as u32;
        let namespace = strings.values[self.next() as usize].clone();
        let owner_kind = strings.values[self.next() as usize].clone();
        let owner = strings.values[self.next() as usize].clone();
        let shared = self.next() as usize;
        let name = format!("{}{}", &owner[..shared], self.str());
        let node = match self.next() {
            0 => None,
            n => Some(strings.values[n as usize - 1].clone()),
        };
        let cpu_request_millis = self.signed();
        let memory_request_bytes = self.signed();
        let gpu_request_millis = self.signed();
        let usage = (self.byte() == 1).then(|| PodUsagePeaks {
            cpu_peak_millis: self.signed(),
            memory_peak_bytes: self.signed(),
            throttled_millicore_ms: self.next(),
        });
        let last_termination_reason = match self.next() {
            0 => None,
            n => Some(strings.values[n as usize - 1].clone()),
        };
        PodRecord {
            name,
            namespace,
            owner_kind,
            owner,
            node,
            created: l.created,
            scheduled: l.scheduled,
            started: l.started,
            ready: l.ready,
            finished: l.finished,
            phase,
            attempts,
            restarts,
            cpu_request_millis,
            memory_request_bytes,
            gpu_request_millis,
            usage,
            last_termination_reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, owner: &str) -> PodRecord {
        PodRecord {
            name: name.into(),
            namespace: "batch".into(),
            owner_kind: "Job".into(),
            owner: owner.into(),
            node: Some("node-2".into()),
            created: SimTime::from_millis(60_000),
            scheduled: Some(SimTime::from_millis(60_001)),
            started: Some(SimTime::from_millis(63_000)),
            ready: None,
            finished: Some(SimTime::from_millis(83_000)),
            phase: PodPhase::Succeeded,
            attempts: 1,
            restarts: 300,
            cpu_request_millis: 100,
            memory_request_bytes: 64 << 20,
            gpu_request_millis: 0,
            usage: Some(PodUsagePeaks {
                cpu_peak_millis: -1,
                memory_peak_bytes: i64::MAX,
                throttled_millicore_ms: u64::MAX,
            }),
            last_termination_reason: Some("OOMKilled".into()),
        }
    }

    /// Records come back exactly, in id order whatever the order they were recorded in;
    /// names that do not start with the owner's (or split a UTF-8 character) too.
    #[test]
    fn records_round_trip_in_id_order() {
        let mut a = record("minutely-29000000-x7k2p", "minutely-29000000");
        let b = record("é-bare", "éa");
        a.scheduled = Some(SimTime::from_millis(59_000)); // before created: negative delta
        let mut store = PodRecords::new();
        store.insert(2, &a);
        store.insert(0, &b);
        let mut seen = Vec::new();
        store
            .try_for_each(|r| {
                seen.push(r.clone());
                Ok::<_, ()>(())
            })
            .unwrap();
        assert_eq!(seen, vec![b.clone(), a.clone()]);
        assert_eq!(store.len(), 2);
        assert_eq!(store.get(1), None);
        let l = store.lifecycle(2).unwrap();
        assert_eq!(
            (l.times.scheduled, l.phase),
            (a.scheduled, PodPhase::Succeeded)
        );
    }

    /// Records spill into new chunks without moving earlier ones.
    #[test]
    fn many_records_span_chunks() {
        let mut store = PodRecords::new();
        let n = 40_000;
        for i in 0..n {
            store.push(record(&format!("job-{i}-abcde"), &format!("job-{i}")));
        }
        assert!(store.chunks.len() > 1, "{} chunk(s)", store.chunks.len());
        assert_eq!(
            store.get(n - 1).unwrap().name,
            format!("job-{}-abcde", n - 1)
        );
        assert_eq!(store.get(7).unwrap(), record("job-7-abcde", "job-7"));
    }
}
