//! The discrete-event engine: simulated clock, ordered event queue, limits and seeded RNG streams.
//!
//! The engine knows nothing about pods or nodes: it orders opaque events of a closed type
//! chosen by its user.

pub mod budget;
pub mod queue;
pub mod rng;
pub mod time;

pub use budget::Budget;
pub use queue::{Engine, EngineError, Limits};
pub use rng::{RngStreams, Stream};
pub use time::SimTime;
