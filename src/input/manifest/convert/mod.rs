//! Validation and conversion of raw manifest structs into the typed model: the conversion
//! context, metadata, quantities and resource lists, int-or-percent and counts; pod templates
//! and scheduling constraints live in the submodules.

mod pod;
mod scheduling;

pub use pod::{pod_template, run_duration, RestartRule, RUN_DURATION_ANNOTATION};
pub use scheduling::{label_selector, node_selector_term, taint_effect, taints};

use super::raw;
use crate::input::error::InputError;
use crate::model::labels::LabelSelector;
use crate::model::quantity::Quantity;
use crate::model::resources::amount;
use crate::model::resources::{ResourceNames, Resources};
use crate::model::workload::{IntOrPercent, ObjectMeta, PodTemplate};
use serde_saphyr::Spanned;
use std::path::Path;

/// Conversion context: where we are, and the errors found so far.
pub struct Ctx<'a> {
    /// The file being read.
    pub file: &'a Path,
    /// Added to document-relative lines.
    pub line_offset: u64,
    /// Line of the document's start (fallback position).
    pub doc_line: u64,
    /// Interned resource names.
    pub resources: &'a mut ResourceNames,
    /// Errors found.
    pub errors: Vec<InputError>,
}

impl Ctx<'_> {
    /// The file line of a spanned value (the document line if unknown).
    pub fn line_of<T>(&self, s: &Spanned<T>) -> u64 {
        let l = s.referenced.line();
        if l == 0 {
            self.doc_line
        } else {
            l + self.line_offset
        }
    }

    /// Records an error at `line`.
    pub fn error(&mut self, line: u64, field: &str, message: impl Into<String>) {
        self.errors
            .push(InputError::new(self.file, Some(line), field, message));
    }
}

/// Converts metadata; the name is required.
pub fn meta(ctx: &mut Ctx, m: &raw::Meta, what: &str) -> ObjectMeta {
    let name = match &m.name {
        Some(n) if !n.value.is_empty() => {
            let line = ctx.line_of(n);
            if !is_dns_subdomain(&n.value) {
                ctx.error(
                    line,
                    "metadata.name",
                    format!(
                        "expected a lowercase RFC 1123 name (a-z, 0-9, '-', '.'), found {:?}",
                        n.value
                    ),
                );
            }
            n.value.clone()
        }
        _ => {
            if let Some(g) = &m.generate_name {
                format!("{g}00000")
            } else {
                let line = ctx.doc_line;
                ctx.error(line, "metadata.name", format!("a {what} needs a name"));
                String::new()
            }
        }
    };
    ObjectMeta {
        name,
        namespace: m.namespace.clone().unwrap_or_else(|| "default".to_string()),
        labels: string_map(ctx, &m.labels, "metadata.labels"),
        annotations: string_map(ctx, &m.annotations, "metadata.annotations"),
    }
}

/// The strings of a `map[string]string` field (labels, annotations); a value written as a YAML
/// number, bool or null is an error at its line, as kubectl's JSON decoding rejects it.
pub fn string_map(
    ctx: &mut Ctx,
    m: &raw::StringMap,
    field: &str,
) -> std::collections::BTreeMap<String, String> {
    m.iter()
        .map(|(key, v)| {
            if !v.value.is_string {
                let line = ctx.line_of(v);
                let message = if v.value.text.is_empty() {
                    "expected a string, found null; write \"\" for an empty value".to_string()
                } else {
                    format!("expected a string; quote it: {:?}", v.value.text)
                };
                ctx.error(line, &format!("{field}.{key}"), message);
            }
            (key.clone(), v.value.text.clone())
        })
        .collect()
}

/// True for a lowercase RFC 1123 subdomain (metadata names, node names).
pub fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric()
}

/// Parses a quantity, recording an error on failure or if negative.
pub fn quantity(ctx: &mut Ctx, q: &Spanned<raw::Scalar>, field: &str) -> Option<Quantity> {
    let line = ctx.line_of(q);
    match Quantity::parse(&q.value.0) {
        Ok(v) if v.is_negative() => {
            ctx.error(
                line,
                field,
                format!("expected a non-negative quantity, found {:?}", q.value.0),
            );
            None
        }
        Ok(v) => Some(v),
        Err(e) => {
            ctx.error(line, field, e.to_string());
            None
        }
    }
}

/// Converts a resource list into integer base units (cpu in millicores, others as values).
/// Returns the amounts and which slots were present.
pub fn resource_list(
    ctx: &mut Ctx,
    list: &raw::RawResourceList,
    field: &str,
) -> (Resources, [bool; crate::model::resources::MAX_RESOURCES]) {
    let mut out = Resources::ZERO;
    let mut present = [false; crate::model::resources::MAX_RESOURCES];
    for (name, q) in list {
        let f = format!("{field}.{name}");
        let Some(v) = quantity(ctx, q, &f) else {
            continue;
        };
        let Some(idx) = ctx.resources.intern(name) else {
            let line = ctx.line_of(q);
            ctx.error(
                line,
                &f,
                "too many distinct extended resources (at most 4 per scenario)",
            );
            continue;
        };
        out.set(idx, amount(idx, &v));
        present[idx.0 as usize] = true;
    }
    (out, present)
}

/// Parses an enum-valued string field (`restartPolicy: Never`) against its `choices`; an
/// unknown value is recorded as "expected A, B or C, found \"x\"" at its line and gives `None`.
pub fn enum_value<T: Copy>(
    ctx: &mut Ctx,
    v: &Spanned<String>,
    field: &str,
    choices: &[(&str, T)],
) -> Option<T> {
    if let Some((_, value)) = choices.iter().find(|(name, _)| *name == v.value) {
        return Some(*value);
    }
    let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
    let expected = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    };
    let line = ctx.line_of(v);
    ctx.error(
        line,
        field,
        format!("expected {expected}, found {:?}", v.value),
    );
    None
}

/// Converts an int-or-percent field ("25%", 1).
pub fn int_or_percent(ctx: &mut Ctx, v: &Spanned<raw::Scalar>, field: &str) -> IntOrPercent {
    let s = v.value.0.trim();
    let parsed = if let Some(p) = s.strip_suffix('%') {
        p.parse::<i32>()
            .ok()
            .filter(|p| *p >= 0)
            .map(IntOrPercent::Percent)
    } else {
        s.parse::<i32>()
            .ok()
            .filter(|p| *p >= 0)
            .map(IntOrPercent::Int)
    };
    parsed.unwrap_or_else(|| {
        let line = ctx.line_of(v);
        ctx.error(
            line,
            field,
            format!("expected a non-negative integer or percentage such as 25%, found {s:?}"),
        );
        IntOrPercent::Int(0)
    })
}

/// Validates an optional spanned integer count (replicas, completions, ...) as >= 0.
pub fn non_negative(ctx: &mut Ctx, v: &Option<Spanned<i64>>, field: &str, default: i32) -> i32 {
    match v {
        None => default,
        Some(s) if s.value < 0 || s.value > i32::MAX as i64 => {
            let line = ctx.line_of(s);
            ctx.error(
                line,
                field,
                format!("expected a non-negative integer, found {}", s.value),
            );
            default
        }
        Some(s) => s.value as i32,
    }
}

/// [`non_negative`] with a ceiling (an input limit): a value above `ceiling` is an error
/// naming the field, the value and the ceiling, and gives `default`.
pub fn non_negative_at_most(
    ctx: &mut Ctx,
    v: &Option<Spanned<i64>>,
    field: &str,
    default: i32,
    ceiling: i64,
) -> i32 {
    match v {
        Some(s) if s.value > ceiling => {
            let line = ctx.line_of(s);
            let what = match field.rsplit('.').next().unwrap_or(field) {
                "count" => "nodes in a node group",
                other => other,
            };
            ctx.error(
                line,
                field,
                crate::input::limits::over(s.value, ceiling as u64, what),
            );
            default
        }
        _ => non_negative(ctx, v, field, default),
    }
}

/// Checks that `selector` is present, non-empty, and matches the template's labels.
pub fn selector_matching_template(
    ctx: &mut Ctx,
    sel: &Option<Spanned<raw::LabelSelector>>,
    template: &PodTemplate,
) -> LabelSelector {
    let Some(sel) = sel else {
        ctx.error(
            ctx.doc_line,
            "spec.selector",
            "a selector is required (apps/v1)",
        );
        return LabelSelector::default();
    };
    let line = ctx.line_of(sel);
    let converted = label_selector(ctx, &sel.value, "spec.selector");
    if converted.is_empty() {
        ctx.error(line, "spec.selector", "expected a non-empty selector");
    } else if !converted.matches(&template.labels) {
        ctx.error(
            line,
            "spec.selector",
            "`selector` does not match template `labels` (spec.template.metadata.labels)",
        );
    }
    converted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_or_percent_rounding() {
        // intstr.GetScaledValueFromIntOrPercent: 25% of 10 = 2.5 -> 3 up, 2 down.
        assert_eq!(IntOrPercent::Percent(25).resolve(10, true), 3);
        assert_eq!(IntOrPercent::Percent(25).resolve(10, false), 2);
        assert_eq!(IntOrPercent::Int(2).resolve(10, true), 2);
    }
}
