//! Per node group accounting: nodes present and Ready over time, node-hours and cost
//! (`node_groups.csv`, `node_groups_timeseries.csv`, the total in `summary.csv`).
//!
//! A node is billed from the moment it is created until it is removed: from when it joins
//! the cluster (present, Ready or not: a failed node still costs), or earlier, from the
//! scale-up request, when an autoscaler reports the machines it is provisioning
//! ([`NodeGroupLedger::provisioning_started`], as clouds bill a VM from its creation, before
//! it registers as a Node). Billed time is integrated exactly, in integer node-milliseconds,
//! at event granularity: a node added or removed by any cause (scenario, timeline,
//! autoscaler) is seen before the next event.

use crate::cluster::Cluster;
use crate::engine::SimTime;
use std::collections::BTreeMap;

/// Milliseconds in an hour.
pub const MS_PER_HOUR: f64 = 3_600_000.0;

/// One node group over a whole run: a row of `node_groups.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeGroupTotals {
    /// Group name (`cluster.nodes[].name`); empty for nodes given as Node manifests.
    pub group: String,
    /// Cost of one node-hour (`cost_per_hour`), if the group has one.
    pub cost_per_hour: Option<f64>,
    /// Nodes present at the start of the run.
    pub nodes_initial: u64,
    /// Fewest nodes present at any time.
    pub nodes_min: u64,
    /// Most nodes present at any time.
    pub nodes_max: u64,
    /// Time-weighted mean of the nodes billed (present, or provisioning).
    pub nodes_avg: f64,
    /// ∫ billed nodes dt, in hours.
    pub node_hours: f64,
    /// `node_hours × cost_per_hour`; `None` when the group has no price.
    pub cost: Option<f64>,
}

/// One node group at one sample: a row of `node_groups_timeseries.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeGroupSample {
    /// When.
    pub time: SimTime,
    /// Index of the group in [`NodeGroupSeries::groups`].
    pub group: u32,
    /// Nodes of the group present (Ready or not).
    pub nodes_present: u64,
    /// Present nodes of the group that are Ready.
    pub nodes_ready: u64,
    /// The group's billed nodes (present and provisioning) × its cost per hour; `None`
    /// without a price.
    pub cost_per_hour_total: Option<f64>,
    /// The group's cost from the start of the run to `time`; `None` without a price.
    pub cost_so_far: Option<f64>,
    /// Machines an autoscaler asked for that have not registered as Nodes yet (billed).
    pub nodes_provisioning: u64,
}

/// Every group's samples, groups named once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeGroupSeries {
    /// Group names, in order of first appearance.
    pub groups: Vec<String>,
    /// Samples in time order, groups in their order within one time.
    pub samples: Vec<NodeGroupSample>,
}

impl NodeGroupSeries {
    /// The index of group `name`, named now if it is new.
    pub fn group_index(&mut self, name: &str) -> u32 {
        match self.groups.iter().position(|g| g == name) {
            Some(i) => i as u32,
            None => {
                self.groups.push(name.to_owned());
                (self.groups.len() - 1) as u32
            }
        }
    }
}

/// One group's running account.
#[derive(Debug, Clone, Default, PartialEq)]
struct Account {
    cost_per_hour: Option<f64>,
    present: u64,
    /// Machines being provisioned, not yet Nodes.
    provisioning: u64,
    initial: u64,
    min: u64,
    max: u64,
    /// ∫ billed (present + provisioning) nodes dt, node-milliseconds (exact).
    node_ms: u128,
}

impl Account {
    fn billed(&self) -> u64 {
        self.present + self.provisioning
    }

    fn cost_so_far(&self) -> Option<f64> {
        self.cost_per_hour
            .map(|price| self.node_ms as f64 * price / MS_PER_HOUR)
    }
}

/// The running accounts of every node group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeGroupLedger {
    /// Cost per node-hour by group name.
    cost_per_hour: BTreeMap<String, f64>,
    /// Accounts in the order of [`NodeGroupSeries::groups`].
    accounts: Vec<Account>,
    /// Per node index of the node table, its group's account.
    account_of_node: Vec<u32>,
    /// Present nodes over all groups, as last counted.
    present_total: u64,
    /// Whether the first count (the run's start) was taken.
    started: bool,
    /// Samples taken by [`NodeGroupLedger::sample`].
    pub series: NodeGroupSeries,
}

impl NodeGroupLedger {
    /// A ledger pricing groups by `cost_per_hour` (groups absent cost nothing).
    pub fn new(cost_per_hour: BTreeMap<String, f64>) -> NodeGroupLedger {
        NodeGroupLedger {
            cost_per_hour,
            ..NodeGroupLedger::default()
        }
    }

    /// Whether some group has a price, i.e. whether the run has a cost.
    pub fn priced(&self) -> bool {
        !self.cost_per_hour.is_empty()
    }

    /// Present nodes as last counted.
    pub fn present_total(&self) -> u64 {
        self.present_total
    }

    /// Recounts the present nodes of each group when the cluster's membership changed
    /// since the last count (the node table grew or the number of present nodes moved);
    /// O(1) otherwise. The first call registers the groups and their initial sizes.
    pub fn count(&mut self, cluster: &Cluster) {
        let nodes = &cluster.nodes();
        if self.started
            && nodes.len() == self.account_of_node.len()
            && cluster.present_node_count() as u64 == self.present_total
        {
            return;
        }
        for n in self.account_of_node.len()..nodes.len() {
            let group = nodes.group()[n].as_deref().unwrap_or("");
            let account = self.account(group);
            self.account_of_node.push(account);
        }
        let mut present = vec![0u64; self.accounts.len()];
        for (n, &account) in self.account_of_node.iter().enumerate() {
            present[account as usize] += u64::from(nodes.present()[n]);
        }
        if !self.started {
            self.started = true;
            let unseen: Vec<String> = self
                .cost_per_hour
                .keys()
                .filter(|g| !self.series.groups.contains(g))
                .cloned()
                .collect();
            for g in unseen {
                self.account(&g);
                present.push(0);
            }
            for (a, &p) in self.accounts.iter_mut().zip(&present) {
                (a.initial, a.min, a.max) = (p, p, p);
            }
        }
        for (a, p) in self.accounts.iter_mut().zip(present) {
            a.present = p;
            a.min = a.min.min(p);
            a.max = a.max.max(p);
        }
        self.present_total = self.accounts.iter().map(|a| a.present).sum();
    }

    /// The account of `group`, opened (with no node yet) when first seen.
    fn account(&mut self, group: &str) -> u32 {
        if let Some(i) = self.series.groups.iter().position(|g| g == group) {
            return i as u32;
        }
        self.series.groups.push(group.to_owned());
        self.accounts.push(Account {
            cost_per_hour: self.cost_per_hour.get(group).copied(),
            ..Account::default()
        });
        (self.accounts.len() - 1) as u32
    }

    /// A machine of `group` was requested (an autoscaler's scale-up): billed from now until
    /// [`NodeGroupLedger::provisioning_ended`].
    pub fn provisioning_started(&mut self, group: &str) {
        let a = self.account(group) as usize;
        self.accounts[a].provisioning += 1;
    }

    /// A machine of `group` asked for earlier registered as a Node (it is then billed as
    /// present) or was given up (a provisioning time-out).
    pub fn provisioning_ended(&mut self, group: &str) {
        let a = self.account(group) as usize;
        let n = &mut self.accounts[a].provisioning;
        *n = n.saturating_sub(1);
    }

    /// Adds `dt_ms` milliseconds of the billed nodes as last counted.
    #[inline]
    pub fn advance(&mut self, dt_ms: u64) {
        for a in &mut self.accounts {
            a.node_ms += u128::from(a.billed()) * u128::from(dt_ms);
        }
    }

    /// Recounts, then records every group's nodes present and Ready and its cost so far.
    pub fn sample(&mut self, now: SimTime, cluster: &Cluster) {
        self.count(cluster);
        let nodes = &cluster.nodes();
        let mut ready = vec![0u64; self.accounts.len()];
        for (n, &account) in self.account_of_node.iter().enumerate() {
            ready[account as usize] += u64::from(nodes.present()[n] && nodes.ready()[n]);
        }
        for (i, (a, ready)) in self.accounts.iter().zip(ready).enumerate() {
            self.series.samples.push(NodeGroupSample {
                time: now,
                group: i as u32,
                nodes_present: a.present,
                nodes_ready: ready,
                cost_per_hour_total: a.cost_per_hour.map(|p| a.billed() as f64 * p),
                cost_so_far: a.cost_so_far(),
                nodes_provisioning: a.provisioning,
            });
        }
    }

    /// Every group's totals over a run of `end_ms` milliseconds.
    pub fn totals(&self, end_ms: u64) -> Vec<NodeGroupTotals> {
        let end = end_ms.max(1) as f64;
        self.series
            .groups
            .iter()
            .zip(&self.accounts)
            .map(|(group, a)| NodeGroupTotals {
                group: group.clone(),
                cost_per_hour: a.cost_per_hour,
                nodes_initial: a.initial,
                nodes_min: a.min,
                nodes_max: a.max,
                nodes_avg: a.node_ms as f64 / end,
                node_hours: a.node_ms as f64 / MS_PER_HOUR,
                cost: a.cost_so_far(),
            })
            .collect()
    }

    /// ∫ billed nodes dt over every group, in hours.
    pub fn node_hours(&self) -> f64 {
        self.accounts.iter().map(|a| a.node_ms).sum::<u128>() as f64 / MS_PER_HOUR
    }

    /// The cost of every priced group, summed; `None` when no group has a price.
    pub fn cost(&self) -> Option<f64> {
        self.priced()
            .then(|| self.accounts.iter().filter_map(Account::cost_so_far).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::NodeIdx;
    use crate::model::node::NodeSpec;
    use crate::model::resources::Resources;

    fn node(name: &str, group: Option<&str>) -> NodeSpec {
        NodeSpec {
            name: name.into(),
            allocatable: Resources::ZERO,
            labels: Default::default(),
            taints: Vec::new(),
            unschedulable: false,
            images: Vec::new(),
            group: group.map(str::to_owned),
        }
    }

    /// Group `a` (2.0 per hour) has 2 nodes, a Node manifest node has no group, and `idle`
    /// is priced (0.5) but never has a node. Over 1000 ms `a` loses a node at 400 ms and
    /// gains one at 700 ms:
    ///   a: 2 × 400 + 1 × 300 + 2 × 300 = 1700 node-ms; cost 1700 × 2.0 / 3,600,000
    ///   no group: 1000 node-ms, no cost; idle: 0 node-ms, cost 0.
    #[test]
    fn removals_and_additions_are_counted_at_the_event() {
        let mut cluster = Cluster::default();
        cluster.add_node(node("a-0", Some("a")));
        cluster.add_node(node("manual", None));
        cluster.add_node(node("a-1", Some("a")));
        let prices = BTreeMap::from([("a".to_owned(), 2.0), ("idle".to_owned(), 0.5)]);
        let mut ledger = NodeGroupLedger::new(prices);
        ledger.count(&cluster);
        assert_eq!(ledger.series.groups, ["a", "", "idle"]);
        assert_eq!(ledger.present_total(), 3);
        ledger.advance(400);
        cluster.set_node_present(NodeIdx(2), false);
        ledger.count(&cluster);
        assert_eq!(ledger.present_total(), 2);
        ledger.advance(300);
        cluster.add_node(node("a-2", Some("a")));
        ledger.count(&cluster);
        ledger.advance(300);
        let totals = ledger.totals(1000);
        assert_eq!(totals[0].nodes_initial, 2);
        assert_eq!((totals[0].nodes_min, totals[0].nodes_max), (1, 2));
        assert_eq!(totals[0].nodes_avg, 1.7);
        assert_eq!(totals[0].cost, Some(1700.0 * 2.0 / MS_PER_HOUR));
        assert_eq!((totals[1].group.as_str(), totals[1].cost), ("", None));
        assert_eq!(totals[1].node_hours, 1000.0 / MS_PER_HOUR);
        assert_eq!((totals[2].node_hours, totals[2].cost), (0.0, Some(0.0)));
        assert_eq!(ledger.node_hours(), 2700.0 / MS_PER_HOUR);
        assert_eq!(ledger.cost(), Some(1700.0 * 2.0 / MS_PER_HOUR));
    }

    /// A machine asked for at 100 ms that registers at 600 ms and stays is billed from
    /// 100 ms: 1 × 1000 + 1 × (1000 − 100) = 1900 node-ms; a second one asked for at 200 ms
    /// and given up at 500 ms adds 300: 2200 node-ms in all.
    #[test]
    fn provisioning_machines_are_billed_from_the_request() {
        let mut cluster = Cluster::default();
        cluster.add_node(node("w-0", Some("w")));
        let mut ledger = NodeGroupLedger::new(BTreeMap::from([("w".to_owned(), 1.0)]));
        ledger.count(&cluster);
        ledger.advance(100);
        ledger.provisioning_started("w");
        ledger.advance(100);
        ledger.provisioning_started("w");
        ledger.advance(300);
        ledger.provisioning_ended("w");
        ledger.advance(100);
        cluster.add_node(node("w-1", Some("w")));
        ledger.provisioning_ended("w");
        ledger.count(&cluster);
        ledger.sample(SimTime::from_millis(600), &cluster);
        let s = ledger.series.samples.last().unwrap();
        assert_eq!((s.nodes_present, s.nodes_provisioning), (2, 0));
        ledger.advance(400);
        assert_eq!(ledger.node_hours(), 2200.0 / MS_PER_HOUR);
        let t = &ledger.totals(1000)[0];
        assert_eq!((t.nodes_min, t.nodes_max, t.nodes_avg), (1, 2, 2.2));
    }

    /// Without any price there is no cost at all (unknown, not 0).
    #[test]
    fn no_price_no_cost() {
        let mut cluster = Cluster::default();
        cluster.add_node(node("w-0", Some("w")));
        let mut ledger = NodeGroupLedger::new(BTreeMap::new());
        ledger.count(&cluster);
        ledger.advance(3_600_000);
        assert_eq!((ledger.node_hours(), ledger.cost()), (1.0, None));
    }
}
