//! kubectl's eyes on a simulated cluster: `get`, `describe`, `logs` and `rollout history`
//! rendered from a [`Simulation`] at its current time, in kubectl's column layouts
//! (staging/src/k8s.io/kubectl and pkg/printers/internalversion/printers.go).

mod describe;
mod format;
mod get;
mod selector;
mod top;

use crate::sim::Simulation;
pub use format::human_duration;
/// The `-l` selector parser, public so it can be fuzzed on its own.
pub use selector::{parse_selector, Selector};

/// Output format of `get` (`-o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The default table.
    Table,
    /// `-o wide`.
    Wide,
    /// `-o yaml`.
    Yaml,
    /// `-o json`.
    Json,
    /// `-o name`.
    Name,
}

/// A parsed kubectl view command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Verb: get, describe, logs, rollout.
    pub verb: String,
    /// Positional arguments after the verb.
    pub args: Vec<String>,
    /// `-n`.
    pub namespace: String,
    /// `-A`.
    pub all_namespaces: bool,
    /// `-l`.
    pub selector: Option<String>,
    /// `-o`.
    pub output: Output,
}

/// Parses the words after `--` of `k8sim kubectl SCENARIO --at T -- ...`.
pub fn parse(words: &[String]) -> Result<Request, String> {
    let mut words: Vec<String> = words.to_vec();
    if words.first().map(String::as_str) == Some("kubectl") {
        words.remove(0);
    }
    let mut req = Request {
        verb: String::new(),
        args: Vec::new(),
        namespace: "default".into(),
        all_namespaces: false,
        selector: None,
        output: Output::Table,
    };
    let mut i = 0;
    while i < words.len() {
        let w = words[i].clone();
        i += 1;
        let mut value = |name: &str, inline: Option<&str>| -> Result<String, String> {
            if let Some(v) = inline {
                return Ok(v.to_string());
            }
            let v = words
                .get(i)
                .cloned()
                .ok_or_else(|| format!("flag needs an argument: {name}"))?;
            i += 1;
            Ok(v)
        };
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) if w.starts_with('-') => (f.to_string(), Some(v.to_string())),
            _ => (w.clone(), None),
        };
        match flag.as_str() {
            "-n" | "--namespace" => req.namespace = value("--namespace", inline.as_deref())?,
            "-A" | "--all-namespaces" => req.all_namespaces = true,
            "-l" | "--selector" => req.selector = Some(value("--selector", inline.as_deref())?),
            "-o" | "--output" => {
                req.output = match value("--output", inline.as_deref())?.as_str() {
                    "wide" => Output::Wide,
                    "yaml" => Output::Yaml,
                    "json" => Output::Json,
                    "name" => Output::Name,
                    other => {
                        return Err(format!(
                            "unable to match a printer suitable for the output format {other:?}, allowed formats are: json, name, wide, yaml"
                        ))
                    }
                }
            }
            f if f.starts_with('-') => return Err(format!("unknown flag: {f}")),
            _ => {
                if req.verb.is_empty() {
                    req.verb = w;
                } else {
                    req.args.push(w);
                }
            }
        }
    }
    if req.verb.is_empty() {
        return Err(
            "expected a kubectl command: get, describe, logs, rollout history or top".into(),
        );
    }
    Ok(req)
}

/// Renders `req` against the simulation at its current time.
pub fn render(sim: &Simulation, req: &Request) -> Result<String, String> {
    let selector = match &req.selector {
        Some(s) => Some(selector::parse_selector(s)?),
        None => None,
    };
    match req.verb.as_str() {
        "get" => get::get(sim, req, selector.as_ref()),
        "describe" => describe::describe(sim, req),
        "logs" => describe::logs(sim, req),
        "rollout" => describe::rollout_history(sim, req),
        "top" => top::top(sim, req),
        other => Err(format!(
            "unsupported kubectl view {other:?}: expected get, describe, logs, rollout history or top"
        )),
    }
}
