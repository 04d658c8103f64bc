//! GPU sharing, the Alibaba openb trace and a reproduction of the FGD paper's experiment (ATC'23).
//!
//! Reference: Weng et al., "Beware of Fragmentation: Scheduling GPU-Sharing Workloads with
//! Fragmentation Gradient Descent", USENIX ATC 2023, and the authors' simulator
//! hkust-adsl/kubernetes-scheduler-simulator, whose semantics each module cites.

pub mod experiment;
pub mod frag;
pub mod model;
pub mod openb;
pub mod policies;
pub mod sim;
