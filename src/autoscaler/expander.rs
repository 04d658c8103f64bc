//! Expanders: which of the scale-up options CA takes (cluster-autoscaler/expander). Each
//! expander of `--expander` keeps its best options and hands them to the next; a tie left
//! at the end is broken uniformly at random.

use crate::model::resources::{Resources, CPU, MEMORY};
use crate::scenario::autoscaler::{Expander, PriorityTier};
use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// One way to scale up: `nodes` new nodes of a group, taking `pods` pods.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaleUpOption {
    /// Index of the group.
    pub group: usize,
    /// Group name.
    pub group_name: String,
    /// New nodes.
    pub nodes: u32,
    /// Pods helped.
    pub pod_count: u32,
    /// Sum of the helped pods' requests.
    pub requested: Resources,
    /// Allocatable of one new node.
    pub node_allocatable: Resources,
    /// Price of one node-hour, if the group is priced.
    pub price_per_hour: Option<f64>,
}

/// least-waste's score (expander/waste): the unused fraction of the new nodes' cpu plus
/// that of their memory; lower is better.
pub fn waste_score(o: &ScaleUpOption) -> f64 {
    [CPU, MEMORY]
        .iter()
        .map(|r| {
            let total = o.node_allocatable.get(*r) as f64 * o.nodes as f64;
            if total <= 0.0 {
                0.0
            } else {
                (total - o.requested.get(*r) as f64) / total
            }
        })
        .sum()
}

/// The price of the option per pod helped; `None` when the group has no price.
fn price_per_pod(o: &ScaleUpOption) -> Option<f64> {
    o.price_per_hour
        .map(|p| p * o.nodes as f64 / o.pod_count.max(1) as f64)
}

/// The priority of group `name`: the highest tier one of whose patterns matches.
pub fn group_priority(tiers: &[PriorityTier], name: &str) -> Option<i32> {
    tiers
        .iter()
        .filter(|t| {
            t.patterns
                .iter()
                .any(|p| regex::Regex::new(p).is_ok_and(|re| re.is_match(name)))
        })
        .map(|t| t.priority)
        .max()
}

/// The options `e` keeps: the best by its measure (all, for `random`).
fn filter(e: Expander, tiers: &[PriorityTier], options: Vec<ScaleUpOption>) -> Vec<ScaleUpOption> {
    let keep_best = |key: &dyn Fn(&ScaleUpOption) -> Option<f64>, options: Vec<ScaleUpOption>| {
        let best = options
            .iter()
            .filter_map(key)
            .fold(None, |acc: Option<f64>, v| {
                Some(acc.map_or(v, |a| a.min(v)))
            });
        match best {
            // Options without a measure (an unpriced group, a group no tier names) lose
            // to any with one; if none has one, all stay.
            None => options,
            Some(b) => options.into_iter().filter(|o| key(o) == Some(b)).collect(),
        }
    };
    match e {
        Expander::Random => options,
        Expander::MostPods => keep_best(&|o| Some(-(o.pod_count as f64)), options),
        Expander::LeastWaste => keep_best(&|o| Some(waste_score(o)), options),
        Expander::Price => keep_best(&price_per_pod, options),
        Expander::Priority => keep_best(
            &|o| group_priority(tiers, &o.group_name).map(|p| -(p as f64)),
            options,
        ),
    }
}

/// The option the expanders pick (`None` only for no options).
pub fn choose(
    expanders: &[Expander],
    tiers: &[PriorityTier],
    mut options: Vec<ScaleUpOption>,
    rng: &mut Xoshiro256PlusPlus,
) -> Option<ScaleUpOption> {
    for e in expanders {
        if options.len() <= 1 {
            break;
        }
        options = filter(*e, tiers, options);
    }
    match options.len() {
        0 => None,
        1 => options.pop(),
        n => Some(options.swap_remove(rng.random_range(0..n))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn option(
        group: usize,
        nodes: u32,
        pods: u32,
        cpu: i64,
        node_cpu: i64,
        price: f64,
    ) -> ScaleUpOption {
        let mut requested = Resources::ZERO;
        requested.set(CPU, cpu);
        let mut node_allocatable = Resources::ZERO;
        node_allocatable.set(CPU, node_cpu);
        ScaleUpOption {
            group,
            group_name: format!("g{group}"),
            nodes,
            pod_count: pods,
            requested,
            node_allocatable,
            price_per_hour: Some(price),
        }
    }

    /// Expander choices as in expander/mostpods, expander/waste, expander/price and
    /// expander/priority (cluster-autoscaler): rows (expander, expected group).
    #[test]
    fn expanders_pick_as_ca_does() {
        // g0: 1 node of 4 cpu for 3 pods of 1 cpu: waste 1/4 = 0.25, 1.0 $/h / 3 pods.
        // g1: 2 nodes of 2 cpu for 4 pods of 1 cpu: waste 0, 2 × 0.4 / 4 = 0.2 $/pod.
        // g2: 1 node of 8 cpu for 2 pods of 1 cpu: waste 6/8, 0.5 $/pod.
        let options = || {
            vec![
                option(0, 1, 3, 3000, 4000, 1.0),
                option(1, 2, 4, 4000, 2000, 0.4),
                option(2, 1, 2, 2000, 8000, 1.0),
            ]
        };
        let tiers = vec![
            PriorityTier {
                priority: 10,
                patterns: vec!["^g2$".into()],
            },
            PriorityTier {
                priority: 5,
                patterns: vec!["g.*".into()],
            },
        ];
        let table = [
            (Expander::MostPods, 1),
            (Expander::LeastWaste, 1),
            (Expander::Price, 1),
            (Expander::Priority, 2),
        ];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        for (e, want) in table {
            let got = choose(&[e], &tiers, options(), &mut rng).unwrap();
            assert_eq!(got.group, want, "{e:?}");
        }
        // priority, then least-waste among the equal tier-5 groups g0 and g1 (no g2 tier).
        let tiers5 = vec![tiers[1].clone()];
        let got = choose(
            &[Expander::Priority, Expander::LeastWaste],
            &tiers5,
            options(),
            &mut rng,
        );
        assert_eq!(got.unwrap().group, 1);
    }

    #[test]
    fn random_picks_every_option_sometimes() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut seen = [false; 3];
        for _ in 0..64 {
            let opts = vec![
                option(0, 1, 1, 1000, 2000, 1.0),
                option(1, 1, 1, 1000, 2000, 1.0),
                option(2, 1, 1, 1000, 2000, 1.0),
            ];
            seen[choose(&[Expander::Random], &[], opts, &mut rng)
                .unwrap()
                .group] = true;
        }
        assert_eq!(seen, [true; 3]);
    }
}
