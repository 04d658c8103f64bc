//! Pod specifications (what a manifest asks for) and the effective-request and QoS rules.

use super::labels::{LabelSelector, Labels, NodeSelectorTerm, Toleration};
use super::resources::{Resources, CPU, MEMORY, PODS};

/// A container port; `host_port` > 0 claims the port on the node (NodePorts plugin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPort {
    /// The container's port.
    pub container_port: i32,
    /// The node port claimed, 0 for none.
    pub host_port: i32,
    /// TCP, UDP or SCTP.
    pub protocol: String,
    /// The host IP the port binds to ("" means all).
    pub host_ip: String,
}

/// A container of a pod (application or init).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Container {
    /// Container name.
    pub name: String,
    /// Image reference.
    pub image: String,
    /// Requests (defaulted from limits where only limits are set, as the API server does).
    pub requests: Resources,
    /// Limits (zero means unset).
    pub limits: Resources,
    /// Which resources had an explicit limit (by slot), for the QoS rule.
    pub limited: [bool; super::resources::MAX_RESOURCES],
    /// Which resources had a request after defaulting (by slot), for the QoS rule.
    pub requested: [bool; super::resources::MAX_RESOURCES],
    /// Ports.
    pub ports: Vec<ContainerPort>,
    /// For init containers: `restartPolicy: Always` makes it a sidecar.
    pub sidecar: bool,
    /// readinessProbe.initialDelaySeconds in ms, if a readiness probe is set.
    pub readiness_delay_ms: Option<u64>,
    /// imagePullPolicy (defaulted from the image's tag when absent).
    pub pull_policy: PullPolicy,
}

/// `imagePullPolicy` of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PullPolicy {
    /// Check the registry every time the container starts; pull when absent.
    Always,
    /// Pull only when the image is not on the node.
    #[default]
    IfNotPresent,
    /// Never pull: the container cannot start without the image (`ErrImageNeverPull`).
    Never,
}

impl PullPolicy {
    /// API defaulting (pkg/apis/core/v1/defaults.go SetDefaults_Container): `Always` for
    /// the `latest` tag or no tag at all (which means `latest`), else `IfNotPresent` (an
    /// image pinned by digest only has no tag).
    pub fn default_for(image: &str) -> PullPolicy {
        let (name, digest) = match image.split_once('@') {
            Some((name, _)) => (name, true),
            None => (image, false),
        };
        let last = name.rsplit('/').next().unwrap_or(name);
        match last.split_once(':').map(|(_, tag)| tag) {
            Some("latest") => PullPolicy::Always,
            Some(_) => PullPolicy::IfNotPresent,
            None if digest => PullPolicy::IfNotPresent,
            None => PullPolicy::Always,
        }
    }
}

/// Restart policy of a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RestartPolicy {
    /// Containers are always restarted (Deployments, StatefulSets, DaemonSets).
    #[default]
    Always,
    /// Restarted only on failure.
    OnFailure,
    /// Never restarted.
    Never,
}

/// QoS class (`v1.PodQOSClass`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QosClass {
    /// Every container has equal cpu and memory requests and limits.
    Guaranteed,
    /// Something is requested or limited, but not Guaranteed.
    Burstable,
    /// Nothing requested or limited.
    BestEffort,
}

impl QosClass {
    /// Kubernetes' spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            QosClass::Guaranteed => "Guaranteed",
            QosClass::Burstable => "Burstable",
            QosClass::BestEffort => "BestEffort",
        }
    }
}

/// A pod (anti-)affinity term.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodAffinityTerm {
    /// Which pods the term is about.
    pub label_selector: LabelSelector,
    /// Namespaces searched; empty means the pod's own namespace.
    pub namespaces: Vec<String>,
    /// Namespace selector; `Some(empty)` means all namespaces.
    pub namespace_selector: Option<LabelSelector>,
    /// Node label that defines the topology domain.
    pub topology_key: String,
}

/// Required and preferred pod (anti-)affinity terms.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodAffinity {
    /// requiredDuringSchedulingIgnoredDuringExecution.
    pub required: Vec<PodAffinityTerm>,
    /// preferredDuringSchedulingIgnoredDuringExecution: (weight, term).
    pub preferred: Vec<(i32, PodAffinityTerm)>,
}

impl PodAffinity {
    /// True if there is no term.
    pub fn is_empty(&self) -> bool {
        self.required.is_empty() && self.preferred.is_empty()
    }
}

/// Node affinity.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeAffinity {
    /// Required terms, ORed; `None` when not set.
    pub required: Option<Vec<NodeSelectorTerm>>,
    /// Preferred terms with weights.
    pub preferred: Vec<(i32, NodeSelectorTerm)>,
}

/// All affinity of a pod.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Affinity {
    /// Node affinity.
    pub node: NodeAffinity,
    /// Pod affinity.
    pub pod_affinity: PodAffinity,
    /// Pod anti-affinity.
    pub pod_anti_affinity: PodAffinity,
}

/// What to do when a spread constraint cannot be satisfied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenUnsatisfiable {
    /// Hard constraint (Filter).
    DoNotSchedule,
    /// Soft constraint (Score).
    ScheduleAnyway,
}

/// A topology spread constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopologySpreadConstraint {
    /// Maximum allowed skew.
    pub max_skew: i32,
    /// Node label defining domains.
    pub topology_key: String,
    /// Hard or soft.
    pub when_unsatisfiable: WhenUnsatisfiable,
    /// Which pods count.
    pub label_selector: LabelSelector,
    /// minDomains (hard constraints only).
    pub min_domains: Option<i32>,
    /// nodeAffinityPolicy Honor (true, default) or Ignore.
    pub node_affinity_honor: bool,
    /// nodeTaintsPolicy Honor (true) or Ignore (false, default).
    pub node_taints_honor: bool,
    /// matchLabelKeys.
    pub match_label_keys: Vec<String>,
}

/// A volume of a pod that refers to a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodVolumeClaim {
    /// Volume name in the pod.
    pub volume_name: String,
    /// Claim name.
    pub claim_name: String,
}

/// A distribution of run durations for run-to-completion pods (milliseconds).
#[derive(Debug, Clone, PartialEq)]
pub enum RunDuration {
    /// Always the same.
    Fixed(u64),
    /// Uniform in `[min, max]`.
    Uniform(u64, u64),
    /// Exponential with the given mean.
    Exponential(u64),
    /// Log-normal with the given median and sigma.
    LogNormal(u64, f64),
}

/// The spec of a pod as given in a manifest or template, shared by all pods of a workload.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PodSpec {
    /// Application containers.
    pub containers: Vec<Container>,
    /// Init containers, in order.
    pub init_containers: Vec<Container>,
    /// Pod overhead (RuntimeClass).
    pub overhead: Resources,
    /// nodeSelector.
    pub node_selector: Labels,
    /// Affinity.
    pub affinity: Affinity,
    /// Tolerations.
    pub tolerations: Vec<Toleration>,
    /// Topology spread constraints.
    pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
    /// spec.nodeName, if set.
    pub node_name: Option<String>,
    /// spec.schedulerName (default "default-scheduler").
    pub scheduler_name: String,
    /// Resolved priority.
    pub priority: i32,
    /// spec.priorityClassName.
    pub priority_class_name: Option<String>,
    /// Whether the pod may preempt (`PreemptionPolicy` != Never).
    pub preempts: bool,
    /// Restart policy.
    pub restart_policy: RestartPolicy,
    /// terminationGracePeriodSeconds, in ms.
    pub termination_grace_ms: u64,
    /// schedulingGates names.
    pub scheduling_gates: Vec<String>,
    /// Volumes backed by claims.
    pub claims: Vec<PodVolumeClaim>,
    /// Run duration from the `k8sim.io/run-duration` annotation, if any.
    pub run_duration: Option<RunDuration>,
    /// Effective requests, computed once by [`PodSpec::finish`].
    pub requests: Resources,
    /// Effective cpu (millicores) and memory (bytes) requests with the scheduler's defaults
    /// for containers that request none (`schedutil.GetNonzeroRequests`: 100m, 200Mi), used
    /// for scoring; computed by [`PodSpec::finish`].
    pub nonzero_requests: [i64; 2],
}

/// Default cpu request assumed for scoring when a container requests none (100m).
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
/// Default memory request assumed for scoring when a container requests none (200 MiB).
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024;

/// The scheduler name pods get when they name none.
pub const DEFAULT_SCHEDULER_NAME: &str = "default-scheduler";

impl PodSpec {
    /// Computes derived fields; call once after building the spec.
    pub fn finish(mut self) -> PodSpec {
        self.requests = self.effective_requests();
        self.nonzero_requests = self.nonzero_effective_requests();
        self
    }

    /// The effective cpu and memory requests where each container that requests none counts
    /// as 100m cpu and 200 MiB memory (for scoring only).
    pub fn nonzero_effective_requests(&self) -> [i64; 2] {
        let nz = |c: &Container| {
            let mut c = c.clone();
            // Only a missing request gets the default; an explicit 0 stays 0
            // (`NonMissingContainerRequests`, kube least/most_allocated_test.go).
            if !c.requested[CPU.0 as usize] {
                c.requests.set(CPU, DEFAULT_MILLI_CPU_REQUEST);
            }
            if !c.requested[MEMORY.0 as usize] {
                c.requests.set(MEMORY, DEFAULT_MEMORY_REQUEST);
            }
            c
        };
        let spec = PodSpec {
            containers: self.containers.iter().map(nz).collect(),
            init_containers: self.init_containers.iter().map(nz).collect(),
            overhead: self.overhead,
            ..Default::default()
        };
        let r = spec.effective_requests();
        [r.get(CPU), r.get(MEMORY)]
    }

    /// Kubernetes' effective request rule (`resource.PodRequests`): the larger of the sum
    /// of the app containers (plus sidecars) and the largest init container (plus the
    /// sidecars started before it), plus pod overhead, plus one `pods` slot.
    pub fn effective_requests(&self) -> Resources {
        let mut app = Resources::ZERO;
        for c in &self.containers {
            app += c.requests;
        }
        let mut sidecars = Resources::ZERO;
        let mut init_max = Resources::ZERO;
        for c in &self.init_containers {
            if c.sidecar {
                sidecars += c.requests;
                init_max = init_max.max(&sidecars);
            } else {
                init_max = init_max.max(&(c.requests + sidecars));
            }
        }
        let mut total = (app + sidecars).max(&init_max) + self.overhead;
        total.set(PODS, 1);
        total
    }

    /// QoS class (`qos.GetPodQOS`), from cpu and memory requests and limits.
    pub fn qos_class(&self) -> QosClass {
        let all = self.containers.iter().chain(self.init_containers.iter());
        let mut any = false;
        let mut guaranteed = true;
        for c in all {
            for r in [CPU, MEMORY] {
                let i = r.0 as usize;
                if c.requested[i] || c.limited[i] {
                    any = true;
                }
                if !c.limited[i] || !c.requested[i] || c.requests.get(r) != c.limits.get(r) {
                    guaranteed = false;
                }
            }
        }
        if !any {
            QosClass::BestEffort
        } else if guaranteed {
            QosClass::Guaranteed
        } else {
            QosClass::Burstable
        }
    }

    /// Images of all containers, in order.
    pub fn images(&self) -> impl Iterator<Item = &str> {
        self.init_containers
            .iter()
            .chain(self.containers.iter())
            .map(|c| c.image.as_str())
    }

    /// Host ports claimed by the pod.
    pub fn host_ports(&self) -> impl Iterator<Item = &ContainerPort> {
        self.containers
            .iter()
            .flat_map(|c| c.ports.iter())
            .filter(|p| p.host_port > 0)
    }

    /// Longest readiness delay over the app containers, in ms.
    pub fn readiness_delay_ms(&self) -> u64 {
        self.containers
            .iter()
            .filter_map(|c| c.readiness_delay_ms)
            .max()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::resources::MAX_RESOURCES;

    fn container(cpu: i64, mem: i64) -> Container {
        let mut c = Container::default();
        c.requests.set(CPU, cpu);
        c.requests.set(MEMORY, mem);
        c.requested[CPU.0 as usize] = cpu > 0;
        c.requested[MEMORY.0 as usize] = mem > 0;
        c
    }

    // kubernetes docs, "Resource sharing within containers": the effective init request
    // is the highest of any init container; the pod's is max(app sum, effective init).
    #[test]
    fn effective_request_takes_max_of_init_and_app_sum() {
        let spec = PodSpec {
            containers: vec![container(100, 10), container(200, 10)],
            init_containers: vec![container(500, 5), container(50, 50)],
            ..Default::default()
        }
        .finish();
        assert_eq!(spec.requests.get(CPU), 500); // max(100+200, 500)
        assert_eq!(spec.requests.get(MEMORY), 50); // max(10+10, 50)
        assert_eq!(spec.requests.get(PODS), 1);
    }

    // pkg/apis/core/v1/defaults.go SetDefaults_Container with the tags that
    // reference.ParseNormalizedNamed finds: no tag means `latest`; a registry port is not
    // a tag; a digest without a tag has no tag.
    #[test]
    fn pull_policy_defaults_from_the_image_tag() {
        use PullPolicy::{Always, IfNotPresent};
        for (image, policy) in [
            ("nginx", Always),
            ("nginx:latest", Always),
            ("nginx:1.7.9", IfNotPresent),
            ("localhost:5000/app", Always),
            ("localhost:5000/app:v1", IfNotPresent),
            ("nginx@sha256:0123abcd", IfNotPresent),
            ("nginx:latest@sha256:0123abcd", Always),
        ] {
            assert_eq!(PullPolicy::default_for(image), policy, "{image}");
        }
    }

    // KEP-753 sidecars: restartable init containers add to the app sum and to later inits.
    #[test]
    fn sidecar_init_containers_are_added() {
        let mut sidecar = container(100, 0);
        sidecar.sidecar = true;
        let spec = PodSpec {
            containers: vec![container(300, 0)],
            init_containers: vec![sidecar, container(350, 0)],
            ..Default::default()
        }
        .finish();
        // app + sidecar = 400; init after sidecar = 350 + 100 = 450
        assert_eq!(spec.requests.get(CPU), 450);
    }

    #[test]
    fn overhead_is_added() {
        let mut overhead = Resources::ZERO;
        overhead.set(CPU, 250);
        let spec = PodSpec {
            containers: vec![container(100, 0)],
            overhead,
            ..Default::default()
        }
        .finish();
        assert_eq!(spec.requests.get(CPU), 350);
    }

    #[test]
    fn qos_classes() {
        let best_effort = PodSpec {
            containers: vec![Container::default()],
            ..Default::default()
        };
        assert_eq!(best_effort.qos_class(), QosClass::BestEffort);
        let burstable = PodSpec {
            containers: vec![container(100, 0)],
            ..Default::default()
        };
        assert_eq!(burstable.qos_class(), QosClass::Burstable);
        let mut g = container(100, 64);
        g.limits = g.requests;
        g.limited = [true; MAX_RESOURCES];
        let guaranteed = PodSpec {
            containers: vec![g],
            ..Default::default()
        };
        assert_eq!(guaranteed.qos_class(), QosClass::Guaranteed);
    }
}
