//! metrics-server's pod storage: each scrape keeps a pod's last two points (cumulative
//! CPU, working-set memory) and serves the CPU rate between them, as
//! kubernetes-sigs/metrics-server pkg/storage/pod.go (`podStorage.Store`/`GetMetrics`)
//! does; the scrape period is its `--metric-resolution`, 60 s by default
//! (cmd/metrics-server/app/options/options.go `NewOptions`).

use crate::cluster::pod_metrics::PodMetrics;
use crate::engine::SimTime;

/// metrics-server's default `--metric-resolution`: one scrape a minute.
pub const METRIC_RESOLUTION_MS: u64 = 60_000;
/// A container younger than this at a scrape gets no start-time point
/// (`freshContainerMinMetricsResolution`).
pub const FRESH_CONTAINER_MIN_MS: u64 = 10_000;

/// One kubelet sample of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    /// When it was taken.
    pub at: SimTime,
    /// CPU used since the container started, millicore-milliseconds.
    pub cpu_cumulative: u64,
    /// Working set, bytes.
    pub memory_bytes: i64,
}

/// What metrics-server holds for one pod.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PodStore {
    last: Option<Point>,
    prev: Option<Point>,
}

impl PodStore {
    /// A scrape at `new.at`: `Some(started)` when the pod's container is running (started
    /// at `started`), `None` when the pod is not in the scrape (its points are dropped).
    pub fn store(&mut self, new: Point, started: Option<SimTime>) {
        let Some(started) = started else {
            *self = PodStore::default();
            return;
        };
        let age = new.at.millis_since(started);
        let prev =
            if started < new.at && (FRESH_CONTAINER_MIN_MS..METRIC_RESOLUTION_MS).contains(&age) {
                // A fresh container: a zero point at its start.
                Some(Point {
                    at: started,
                    cpu_cumulative: 0,
                    memory_bytes: new.memory_bytes,
                })
            } else {
                // The last point, if the container has not restarted since.
                self.last
                    .filter(|last| started < last.at && new.at > last.at)
            };
        self.prev = prev;
        self.last = Some(new);
    }

    /// What metrics-server serves: the CPU rate (millicores, rounded up as `MilliValue`)
    /// between the last two points, the last working set, the last point's time and the
    /// window between the points; `None` until there are two points.
    pub fn served(&self) -> Option<PodMetrics> {
        let (last, prev) = (self.last?, self.prev?);
        let window_ms = last.at.millis_since(prev.at);
        if window_ms == 0 {
            return None;
        }
        let cpu = last.cpu_cumulative.saturating_sub(prev.cpu_cumulative);
        Some(PodMetrics {
            cpu_millis: cpu.div_ceil(window_ms) as i64,
            memory_bytes: last.memory_bytes,
            timestamp: last.at,
            window_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(s: u64, cpu_cumulative: u64) -> Point {
        Point {
            at: SimTime::from_millis(s * 1000),
            cpu_cumulative,
            memory_bytes: 7,
        }
    }

    // Cases after metrics-server pkg/storage/pod_test.go: a fresh container is served from
    // its first scrape, an older one from its second, a restart drops the old point.
    #[test]
    fn scrapes_serve_the_rate_between_the_last_two_points() {
        let t = SimTime::from_millis;
        // Started at 30 s; scraped at 60 s (age 30 s: fresh): a start point at 30 s,
        // 500m over 30 s = 15,000,000 m·ms -> 500m, window 30 s, timestamp 60 s.
        let mut s = PodStore::default();
        s.store(point(60, 15_000_000), Some(t(30_000)));
        assert_eq!(
            s.served(),
            Some(PodMetrics {
                cpu_millis: 500,
                memory_bytes: 7,
                timestamp: t(60_000),
                window_ms: 30_000
            })
        );
        // Next scrape at 120 s: 250m over the minute -> window 60 s.
        s.store(point(120, 30_000_000), Some(t(30_000)));
        let m = s.served().unwrap();
        assert_eq!(
            (m.cpu_millis, m.window_ms, m.timestamp),
            (250, 60_000, t(120_000))
        );

        // Started 5 s before the scrape (younger than 10 s): nothing yet.
        let mut young = PodStore::default();
        young.store(point(60, 5_000), Some(t(55_000)));
        assert_eq!(young.served(), None);
        // Served from the next scrape, over the minute between the two.
        young.store(point(120, 65_000), Some(t(55_000)));
        assert_eq!(young.served().unwrap().cpu_millis, 1);

        // Running for more than a minute at its first scrape: nothing until the second.
        let mut old = PodStore::default();
        old.store(point(180, 1_000), Some(t(60_000)));
        assert_eq!(old.served(), None);

        // A restart after the last point (at 130 s, 50 s before the scrape at 180 s):
        // served from the new container's start.
        s.store(point(180, 50_000), Some(t(130_000)));
        let m = s.served().unwrap();
        assert_eq!((m.cpu_millis, m.window_ms), (1, 50_000));

        // A pod missing from a scrape loses its points.
        s.store(point(240, 0), None);
        assert_eq!(s.served(), None);
    }
}
