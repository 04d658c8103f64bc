//! Periodic measurement of the running simulation: the time integrals of the cluster-wide
//! levels and the samples behind timeseries.csv and nodes_timeseries.csv.

use super::{availability, Simulation};
use crate::metrics::{ratio, NodeSample, Sample};
use crate::model::resources::{CPU, MEMORY};

impl Simulation {
    /// Advances the time integrals of the cluster-wide levels (allocation, nodes used,
    /// pending pods, queue length) to now.
    pub(super) fn advance_integrals(&mut self) {
        let c = &self.cluster;
        let gpu = self
            .gpu
            .map(|g| ratio(c.requested_total().get(g), c.allocatable_total().get(g)))
            .unwrap_or(0.0);
        let levels = crate::metrics::Levels {
            cpu: ratio(c.requested_total().get(CPU), c.allocatable_total().get(CPU)),
            memory: ratio(
                c.requested_total().get(MEMORY),
                c.allocatable_total().get(MEMORY),
            ),
            gpu,
            nodes_used: c.nodes_used() as u64,
            pending: self.pod_counts.pending(),
            queue: self.scheduler.queue.len() as u64,
        };
        self.recorder.count_nodes(c);
        self.recorder.advance(self.engine.now(), levels);
    }

    /// Takes one sample: a timeseries.csv row, node-group and availability samples, and
    /// (when kept) a nodes_timeseries.csv row per present node.
    pub(super) fn sample(&mut self) {
        let now = self.engine.now();
        self.recorder.node_groups.sample(now, &self.cluster);
        let shapes = crate::metrics::fragmentation::minimal_shapes(
            self.scheduler
                .queue
                .pods()
                .map(|p| self.cluster.pods()[p.ix()].spec.requests),
        );
        let (frag_cpu, frag_memory) =
            crate::metrics::fragmentation::fragmentation_ratios(&self.cluster, &shapes);
        availability::sample(self);
        let c = &self.cluster;
        let gpu = self
            .gpu
            .map(|g| ratio(c.requested_total().get(g), c.allocatable_total().get(g)))
            .unwrap_or(0.0);
        self.recorder.samples.push(Sample {
            time: now,
            pods_pending: self.pod_counts.pending(),
            pods_running: self.pod_counts.running(),
            cpu_allocated_ratio: ratio(
                c.requested_total().get(CPU),
                c.allocatable_total().get(CPU),
            ),
            memory_allocated_ratio: ratio(
                c.requested_total().get(MEMORY),
                c.allocatable_total().get(MEMORY),
            ),
            gpu_allocated_ratio: gpu,
            nodes_used: c.nodes_used() as u64,
            nodes_ready: c
                .nodes()
                .ready()
                .iter()
                .zip(c.nodes().present())
                .filter(|(r, p)| **r && **p)
                .count() as u64,
            sched_queue_len: self.scheduler.queue.len() as u64,
            fragmentation_cpu_ratio: frag_cpu,
            fragmentation_memory_ratio: frag_memory,
            nodes_present: self.recorder.nodes_present(),
            cpu_used_ratio: self.usage.as_ref().map_or(0.0, |u| {
                ratio(u.used_cpu_millis, c.allocatable_total().get(CPU))
            }),
            memory_used_ratio: self.usage.as_ref().map_or(0.0, |u| {
                ratio(u.used_memory_bytes, c.allocatable_total().get(MEMORY))
            }),
        });
        if self.recorder.sample_nodes {
            for n in c.nodes().indices() {
                if !c.nodes().present()[n.ix()] {
                    continue;
                }
                let (req, alloc) = (
                    c.nodes().requested()[n.ix()],
                    c.nodes().allocatable()[n.ix()],
                );
                self.recorder.node_samples.push(NodeSample {
                    time: now,
                    node: n.0,
                    cpu_allocated_ratio: ratio(req.get(CPU), alloc.get(CPU)),
                    memory_allocated_ratio: ratio(req.get(MEMORY), alloc.get(MEMORY)),
                    gpu_allocated_ratio: self
                        .gpu
                        .map(|g| ratio(req.get(g), alloc.get(g)))
                        .unwrap_or(0.0),
                });
            }
        }
    }
}
