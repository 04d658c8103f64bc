//! One seed, many independent random streams: each purpose draws from its own stream so that
//! adding a feature does not shift the draws of the others.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The purposes that draw random numbers. Append new purposes at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Random suffixes of generated pod names.
    PodNames,
    /// Run durations of run-to-completion pods.
    Durations,
    /// Scheduler tie-breaks and random policies.
    Scheduler,
    /// Node and pod faults.
    Faults,
    /// Workload generators and trace sampling.
    Arrivals,
    /// Container crashes (kubelet pod faults).
    PodFaults,
    /// How long containers take to exit after SIGTERM.
    Termination,
    /// Cluster Autoscaler: provisioning times and the random expander.
    Autoscaler,
    /// Noise on pods' resource usage (a key per run, hashed with each pod and instant).
    Usage,
}

/// The seeded source of all randomness in a simulation.
#[derive(Debug, Clone, Copy)]
pub struct RngStreams {
    seed: u64,
}

impl RngStreams {
    /// Streams derived from `seed`.
    pub fn new(seed: u64) -> Self {
        RngStreams { seed }
    }

    /// The seed these streams derive from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// A portable generator for `purpose`: same seed and purpose give the same sequence on
    /// every machine (Xoshiro256++ seeded through SplitMix64).
    pub fn stream(&self, purpose: Stream) -> Xoshiro256PlusPlus {
        let salt = (purpose as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Xoshiro256PlusPlus::seed_from_u64(self.seed ^ salt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn same_seed_same_sequence_and_streams_differ() {
        let a: u64 = RngStreams::new(7).stream(Stream::PodNames).random();
        let b: u64 = RngStreams::new(7).stream(Stream::PodNames).random();
        let c: u64 = RngStreams::new(7).stream(Stream::Durations).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
