//! SimKube traces (`.sktrace`): a recorded timeline of applied and deleted objects plus the
//! recorded lifetimes of their pods, replayed as a scenario's workload and timeline.

pub mod convert;
pub mod raw;

pub use convert::{load, load_bytes, Replay, ReplayEvent};
