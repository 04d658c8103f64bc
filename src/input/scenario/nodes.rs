//! The `cluster.nodes` node groups: each group expands into `count` nodes named
//! `NAME-i` (or one node named `NAME`), with allocatable, labels, taints and a cost per
//! node-hour; and the image sizes nodes report.

use super::raw;
use crate::input::error::InputError;
use crate::input::limits::{self, MAX_NODES};
use crate::input::manifest::convert::{self as cv, Ctx};
use crate::input::manifest::raw as raw_manifest;
use crate::model::labels::Taint;
use crate::model::node::NodeSpec;
use crate::model::resources::{ResourceNames, Resources, PODS};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;

/// The expanded nodes, each priced group's price per hour, and each group's template node
/// (named after the group, in group order).
pub(super) type NodeGroups = (Vec<NodeSpec>, BTreeMap<String, f64>, Vec<NodeSpec>);

/// Expands the node groups into nodes; also returns each priced group's price per hour
/// and each group's template node.
pub(super) fn node_groups(
    path: &Path,
    groups: &[raw::NodeGroup],
    resources: &mut ResourceNames,
    errors: &mut Vec<InputError>,
) -> NodeGroups {
    let mut nodes = Vec::new();
    let mut templates = Vec::new();
    let mut price_per_hour = BTreeMap::new();
    for (gi, g) in groups.iter().enumerate() {
        let field = format!("cluster.nodes[{gi}]");
        if let Some(price) = group_price(path, g, &field, errors) {
            price_per_hour.insert(g.name.value.clone(), price);
        }
        check_group_name(path, g, &field, errors);
        let (allocatable, taints, count) = group_nodes(path, g, &field, resources, errors);
        let total = nodes.len() as u64 + count as u64;
        if total > MAX_NODES {
            errors.push(InputError::new(
                path,
                Some(g.name.referenced.line()),
                format!("{field}.count"),
                format!(
                    "the node groups add up to {total} nodes: {}",
                    limits::over(total, MAX_NODES, "nodes in a scenario")
                ),
            ));
            break;
        }
        let mut template_labels = g.labels.clone();
        template_labels.insert("kubernetes.io/hostname".to_string(), g.name.value.clone());
        templates.push(NodeSpec {
            name: g.name.value.clone(),
            allocatable,
            labels: template_labels,
            taints: taints.clone(),
            unschedulable: false,
            images: g.images.clone(),
            group: Some(g.name.value.clone()),
        });
        let single = g.count.is_none();
        for i in 0..count {
            let node_name = if single {
                g.name.value.clone()
            } else {
                format!("{}-{i}", g.name.value)
            };
            let mut labels = g.labels.clone();
            labels.insert("kubernetes.io/hostname".to_string(), node_name.clone());
            nodes.push(NodeSpec {
                name: node_name,
                allocatable,
                labels,
                taints: taints.clone(),
                unschedulable: g.unschedulable,
                images: g.images.clone(),
                group: Some(g.name.value.clone()),
            });
        }
    }
    (nodes, price_per_hour, templates)
}

/// The group's cost of one node-hour, `cost_per_hour` (or its older spelling
/// `price_per_hour`; giving both is an error), if given and valid (finite, non-negative).
fn group_price(
    path: &Path,
    g: &raw::NodeGroup,
    field: &str,
    errors: &mut Vec<InputError>,
) -> Option<f64> {
    let (key, price) = match (&g.cost_per_hour, &g.price_per_hour) {
        (Some(cost), Some(price)) => {
            errors.push(InputError::new(
                path,
                Some(price.referenced.line().max(cost.referenced.line())),
                format!("{field}.cost_per_hour"),
                "both `cost_per_hour` and `price_per_hour` are given: they are two spellings of one field (`price_per_hour` is the older one), keep `cost_per_hour`",
            ));
            return None;
        }
        (Some(cost), None) => ("cost_per_hour", cost),
        (None, Some(price)) => ("price_per_hour", price),
        (None, None) => return None,
    };
    if price.value.is_finite() && price.value >= 0.0 {
        return Some(price.value);
    }
    errors.push(InputError::new(
        path,
        Some(price.referenced.line()),
        format!("{field}.{key}"),
        format!(
            "expected a non-negative price per node-hour, found {}",
            price.value
        ),
    ));
    None
}

/// Node names are RFC 1123 subdomains, as the API server requires (`NAME-i` stays one
/// when `NAME` is one and shorter than 253 - 7 characters).
fn check_group_name(path: &Path, g: &raw::NodeGroup, field: &str, errors: &mut Vec<InputError>) {
    if !cv::is_dns_subdomain(&g.name.value) || g.name.value.len() > 246 {
        errors.push(InputError::new(
            path,
            Some(g.name.referenced.line()),
            format!("{field}.name"),
            format!(
                "expected a lowercase RFC 1123 node name (a-z, 0-9, '-', '.', starting and ending with a letter or digit, at most 246 characters), found {:?}",
                g.name.value
            ),
        ));
    }
}

/// What each node of the group gets: allocatable (cpu and memory required, 110 pods by
/// default) and taints; and how many nodes the group has.
fn group_nodes(
    path: &Path,
    g: &raw::NodeGroup,
    field: &str,
    resources: &mut ResourceNames,
    errors: &mut Vec<InputError>,
) -> (Resources, Vec<Taint>, i32) {
    let mut ctx = Ctx {
        file: path,
        line_offset: 0,
        doc_line: g.name.referenced.line(),
        resources,
        errors: Vec::new(),
    };
    let (mut allocatable, present) =
        cv::resource_list(&mut ctx, &g.allocatable, &format!("{field}.allocatable"));
    for required in ["cpu", "memory"] {
        if !g.allocatable.contains_key(required) {
            let line = ctx.doc_line;
            ctx.error(
                line,
                &format!("{field}.allocatable.{required}"),
                "every node group needs allocatable cpu and memory",
            );
        }
    }
    if !present[PODS.0 as usize] {
        allocatable.set(PODS, 110);
    }
    let taints = cv::taints(&mut ctx, &g.taints, &format!("{field}.taints"));
    // Checked before a single node is materialised: `count: 2147483647` fails at once.
    let count = cv::non_negative_at_most(
        &mut ctx,
        &g.count.clone().map(Some).unwrap_or(None),
        &format!("{field}.count"),
        1,
        MAX_NODES as i64,
    );
    errors.append(&mut ctx.errors);
    (allocatable, taints, count)
}

/// Reads `cluster.image_sizes` (image name → size, a quantity such as `150Mi`): the
/// `status.images[].sizeBytes` that ImageLocality scores with.
pub(super) fn image_sizes(
    path: &Path,
    sizes: &BTreeMap<String, Spanned<raw_manifest::Scalar>>,
    resources: &mut ResourceNames,
    errors: &mut Vec<InputError>,
) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for (image, size) in sizes {
        let mut ctx = Ctx {
            file: path,
            line_offset: 0,
            doc_line: size.referenced.line(),
            resources,
            errors: Vec::new(),
        };
        if let Some(q) = cv::quantity(&mut ctx, size, &format!("cluster.image_sizes.{image}")) {
            out.insert(image.clone(), q.value());
        }
        errors.append(&mut ctx.errors);
    }
    out
}
