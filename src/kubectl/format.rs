//! Formatting helpers shared by the kubectl views: ages, quantities, tables, label
//! selectors, simulated IPs, and a small JSON-to-YAML printer.

use crate::cluster::{PodId, PodPhase};
use crate::engine::SimTime;
use crate::model::labels::Labels;
use crate::sim::Simulation;
use serde_json::Value;

/// kubectl's age format (`duration.HumanDuration` of k8s.io/apimachinery).
pub fn human_duration(ms: u64) -> String {
    let s = ms / 1000;
    if s < 120 {
        return format!("{s}s");
    }
    let m = s / 60;
    if m < 10 {
        return if s.is_multiple_of(60) {
            format!("{m}m")
        } else {
            format!("{m}m{}s", s % 60)
        };
    }
    if m < 180 {
        return format!("{m}m");
    }
    let h = m / 60;
    if h < 8 {
        return if m.is_multiple_of(60) {
            format!("{h}h")
        } else {
            format!("{h}h{}m", m % 60)
        };
    }
    if h < 48 {
        return format!("{h}h");
    }
    let d = h / 24;
    if h < 24 * 8 {
        return if h.is_multiple_of(24) {
            format!("{d}d")
        } else {
            format!("{d}d{}h", h % 24)
        };
    }
    if d < 365 * 2 {
        return format!("{d}d");
    }
    format!("{}y{}d", d / 365, d % 365)
}

/// Age of something created at `t`, now.
pub fn age(sim: &Simulation, t: SimTime) -> String {
    human_duration(sim.now().millis_since(t))
}

/// An RFC 3339 timestamp of simulated time `t`.
pub fn timestamp(sim: &Simulation, t: SimTime) -> String {
    let secs = sim.start_epoch_s + (t.as_millis() / 1000) as i64;
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The `describe` timestamp format (RFC 1123 with numeric zone).
pub fn describe_time(sim: &Simulation, t: SimTime) -> String {
    let secs = sim.start_epoch_s + (t.as_millis() / 1000) as i64;
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%a, %d %b %Y %H:%M:%S +0000").to_string())
        .unwrap_or_default()
}

/// cpu millicores as kubectl prints them (`500m`, `2`).
pub fn cpu(millis: i64) -> String {
    if millis % 1000 == 0 {
        format!("{}", millis / 1000)
    } else {
        format!("{millis}m")
    }
}

/// Bytes with the largest exact binary suffix (`1Gi`, `512Mi`, `1000`).
pub fn bytes(b: i64) -> String {
    for (suffix, unit) in [
        ("Ti", 1i64 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ] {
        if b != 0 && b % unit == 0 {
            return format!("{}{suffix}", b / unit);
        }
    }
    b.to_string()
}

/// Left-aligned columns separated by three spaces, as `kubectl get` prints them.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    table_padded(header, rows, 3)
}

/// Left-aligned columns separated by `pad` spaces (`kubectl describe` uses 2).
pub fn table_padded(header: &[&str], rows: &[Vec<String>], pad: usize) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.len());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                l.push_str(c);
            } else {
                l.push_str(&format!("{c:<w$}{}", " ".repeat(pad), w = widths[i]));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for r in rows {
        line(r.iter().map(String::as_str).collect());
    }
    out
}

/// The simulated IP of pod `p` (`10.244.<node>.<n>`), once it has a node.
pub fn pod_ip(sim: &Simulation, p: PodId) -> Option<String> {
    let pod = &sim.cluster.pods()[p.ix()];
    let n = pod.node?;
    if pod.phase == PodPhase::Pending && pod.times.started.is_none() {
        return None;
    }
    Some(format!("10.244.{}.{}", n.0 % 256, p.0 % 253 + 2))
}

/// The simulated InternalIP of node `n` (`10.0.<hi>.<lo>`).
pub fn node_ip(n: u32) -> String {
    format!("10.0.{}.{}", (n + 1) / 256, (n + 1) % 256)
}

/// Labels as `k=v,k=v` (`<none>` when empty).
pub fn labels(l: &Labels) -> String {
    if l.is_empty() {
        return "<none>".into();
    }
    l.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// YAML of a JSON value, in kubectl's block style.
pub fn yaml(v: &Value) -> String {
    let mut out = String::new();
    emit(v, 0, &mut out, false);
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let plain = !s.is_empty()
                && !s.starts_with(|c: char| !c.is_ascii_alphanumeric() && c != '/' && c != '.')
                && !s.contains([':', '#', '\'', '"', '\n', '{', '}', '[', ']', ','])
                && s.parse::<f64>().is_err()
                && !matches!(
                    s.as_str(),
                    "true" | "false" | "null" | "yes" | "no" | "on" | "off"
                );
            if plain {
                s.clone()
            } else {
                format!("{:?}", s)
            }
        }
        _ => String::new(),
    }
}

fn emit(v: &Value, indent: usize, out: &mut String, in_list: bool) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (i, (k, val)) in m.iter().enumerate() {
                let p = if in_list && i == 0 {
                    String::new()
                } else {
                    pad.clone()
                };
                match val {
                    Value::Object(o) if !o.is_empty() => {
                        out.push_str(&format!("{p}{k}:\n"));
                        emit(val, indent + 2, out, false);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{p}{k}:\n"));
                        emit(val, indent, out, false);
                    }
                    Value::Object(_) => out.push_str(&format!("{p}{k}: {{}}\n")),
                    Value::Array(_) => out.push_str(&format!("{p}{k}: []\n")),
                    _ => out.push_str(&format!("{p}{k}: {}\n", scalar(val))),
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for item in a {
                match item {
                    Value::Object(o) if !o.is_empty() => {
                        out.push_str(&format!("{pad}- "));
                        emit(item, indent + 2, out, true);
                    }
                    _ => out.push_str(&format!("{pad}- {}\n", scalar(item))),
                }
            }
        }
        Value::Object(_) => out.push_str(&format!("{pad}{{}}\n")),
        Value::Array(_) => out.push_str(&format!("{pad}[]\n")),
        _ => out.push_str(&format!("{pad}{}\n", scalar(v))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_follow_human_duration() {
        assert_eq!(human_duration(59_000), "59s");
        assert_eq!(human_duration(119_000), "119s");
        assert_eq!(human_duration(150_000), "2m30s");
        assert_eq!(human_duration(30 * 60_000), "30m");
        assert_eq!(human_duration(5 * 3_600_000 + 60_000), "5h1m");
        assert_eq!(human_duration(30 * 3_600_000), "30h");
        assert_eq!(human_duration(3 * 86_400_000), "3d");
    }

    #[test]
    fn quantities() {
        assert_eq!(cpu(500), "500m");
        assert_eq!(cpu(2000), "2");
        assert_eq!(bytes(1 << 30), "1Gi");
        assert_eq!(bytes(1000), "1000");
    }

    #[test]
    fn yaml_of_nested_values() {
        let v: Value =
            serde_json::from_str(r#"{"a":{"b":1,"c":["x",{"d":"y","e":2}]},"f":"1"}"#).unwrap();
        assert_eq!(
            yaml(&v),
            "a:\n  b: 1\n  c:\n  - x\n  - d: y\n    e: 2\nf: \"1\"\n"
        );
    }
}
