//! A Job's new pods: named after the Job (and completion index), labelled with the Job's
//! name and index, counted as open in its tally.

use super::ControllerContext;
use crate::cluster::{Owner, Pod};
use crate::model::workload::{CompletionMode, JobSpec};

/// Creates `count` pods, each on the next free index of an Indexed Job (skipping
/// `failed_indexes`).
pub(super) fn create_pods(
    ctx: &mut impl ControllerContext,
    j: u32,
    spec: &JobSpec,
    count: usize,
    failed_indexes: &std::collections::BTreeSet<u32>,
) {
    let name = ctx.workloads().jobs[j as usize].name.clone();
    let indexes: Vec<Option<i32>> = if spec.completion_mode == CompletionMode::Indexed {
        ctx.workloads_mut().jobs[j as usize]
            .tally_mut()
            .take_indexes(count, failed_indexes)
            .into_iter()
            .map(|i| Some(i as i32))
            .collect()
    } else {
        vec![None; count]
    };
    for index in indexes {
        create_pod(ctx, j, &name, index);
    }
}

/// Creates one pod of Job `j` (on completion index `index` of an Indexed Job), labelled
/// and named as the Job controller does.
fn create_pod(ctx: &mut impl ControllerContext, j: u32, job_name: &str, index: Option<i32>) {
    let st = &ctx.workloads().jobs[j as usize];
    let namespace = st.namespace.clone();
    let prefix = match index {
        Some(i) => format!("{job_name}-{i}"),
        None => job_name.to_string(),
    };
    let name = ctx.unique_pod_name(&namespace, &prefix);
    let st = &ctx.workloads().jobs[j as usize];
    let mut labels = st.spec.template.labels.clone();
    labels.insert("job-name".to_string(), job_name.to_string());
    labels.insert(
        "batch.kubernetes.io/job-name".to_string(),
        job_name.to_string(),
    );
    if let Some(i) = index {
        labels.insert(
            "batch.kubernetes.io/job-completion-index".to_string(),
            i.to_string(),
        );
    }
    let mut pod = Pod::new(
        name,
        namespace,
        labels,
        Owner::Job(j),
        st.spec.template.spec.clone(),
        ctx.now(),
    );
    pod.index = index;
    pod.workload = st.workload.clone();
    let id = ctx.create_pod(pod, "Job", job_name);
    let st = &mut ctx.workloads_mut().jobs[j as usize];
    st.pods.push(id);
    st.pods_created += 1;
    st.tally_mut().open.insert(id);
}
