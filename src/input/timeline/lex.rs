//! Lexing a kubectl command line: shell-style word splitting, the flags each verb accepts,
//! and the positional-argument helpers the verbs share.

use super::canonical_kind;

/// Splits a command line into words like a POSIX shell (single and double quotes,
/// backslash escapes), so `-p '{"spec": {"replicas": 3}}'` is one word.
pub fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("unterminated single quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c) => cur.push(c),
                            None => return Err("unterminated double quote".into()),
                        },
                        Some(c) => cur.push(c),
                        None => return Err("unterminated double quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    cur.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// A flag a verb accepts: long name, short name, whether it takes a value.
type FlagSpec = (&'static str, Option<char>, bool);

/// Flags every verb accepts.
const GLOBAL_FLAGS: &[FlagSpec] = &[("namespace", Some('n'), true)];

fn verb_flags(verb: &str) -> &'static [FlagSpec] {
    match verb {
        "apply" => &[("filename", Some('f'), true), ("server-side", None, false)],
        "delete" => &[
            ("filename", Some('f'), true),
            ("grace-period", None, true),
            ("now", None, false),
            ("force", None, false),
            ("wait", None, true),
            // `--cascade` alone means background (kubectl's NoOptDefVal), so it takes its
            // value only as `--cascade=VALUE`, like a boolean flag.
            ("cascade", None, false),
        ],
        "scale" => &[("replicas", None, true)],
        "rollout" => &[("to-revision", None, true)],
        "set" => &[
            ("containers", Some('c'), true),
            ("requests", None, true),
            ("limits", None, true),
        ],
        "create" => &[
            ("image", None, true),
            ("replicas", Some('r'), true),
            ("port", None, true),
        ],
        "run" => &[
            ("image", None, true),
            ("restart", None, true),
            ("port", None, true),
            ("labels", Some('l'), true),
        ],
        "drain" => &[
            ("grace-period", None, true),
            ("ignore-daemonsets", None, false),
            ("delete-emptydir-data", None, false),
            ("force", None, false),
            ("disable-eviction", None, false),
            ("timeout", None, true),
        ],
        "label" | "taint" => &[("overwrite", None, false)],
        "patch" => &[("patch", Some('p'), true), ("type", None, true)],
        _ => &[],
    }
}

/// A parsed command line: positional words and flags.
pub(super) struct CommandLine {
    pub(super) verb: String,
    pub(super) args: Vec<String>,
    pub(super) flags: Vec<(&'static str, String)>,
    pub(super) namespace: String,
}

impl CommandLine {
    pub(super) fn take(&mut self, name: &str) -> Option<String> {
        let pos = self.flags.iter().position(|(k, _)| *k == name)?;
        Some(self.flags.remove(pos).1)
    }

    pub(super) fn has(&mut self, name: &str) -> bool {
        match self.take(name) {
            None => false,
            Some(v) => v != "false",
        }
    }

    pub(super) fn next_arg(&mut self, what: &str) -> Result<String, String> {
        if self.args.is_empty() {
            return Err(format!("{}: expected {what}", self.verb));
        }
        Ok(self.args.remove(0))
    }

    /// `KIND NAME` or `KIND/NAME`.
    pub(super) fn kind_name(&mut self) -> Result<(&'static str, String), String> {
        let first = self.next_arg("KIND NAME or KIND/NAME")?;
        let (kind_word, name) = match first.split_once('/') {
            Some((k, n)) => (k.to_string(), n.to_string()),
            None => {
                let name = self.next_arg(&format!("a name after {first:?}"))?;
                (first, name)
            }
        };
        let kind = canonical_kind(&kind_word)
            .ok_or_else(|| format!("the server doesn't have a resource type {kind_word:?}"))?;
        if name.is_empty() {
            return Err(format!("{}: expected a name after {kind_word}/", self.verb));
        }
        Ok((kind, name))
    }

    pub(super) fn node_arg(&mut self) -> Result<String, String> {
        let first = self.next_arg("NODE")?;
        let word = first.to_ascii_lowercase();
        if matches!(word.as_str(), "node" | "nodes" | "no") {
            return self.next_arg("NODE");
        }
        if let Some(n) = first
            .strip_prefix("node/")
            .or_else(|| first.strip_prefix("nodes/"))
        {
            return Ok(n.to_string());
        }
        Ok(first)
    }
}

pub(super) fn lex(line: &str) -> Result<CommandLine, String> {
    let mut words = shell_words(line)?;
    if words.first().map(String::as_str) == Some("kubectl") {
        words.remove(0);
    }
    let Some(verb_pos) = words.iter().position(|w| !w.starts_with('-')) else {
        return Err("empty kubectl command".to_string());
    };
    let verb = words[verb_pos].clone();
    let known = verb_flags(&verb);
    let lookup_long = |name: &str| {
        GLOBAL_FLAGS
            .iter()
            .chain(known.iter())
            .find(|f| f.0 == name)
    };
    let lookup_short = |c: char| {
        GLOBAL_FLAGS
            .iter()
            .chain(known.iter())
            .find(|f| f.1 == Some(c))
    };
    let mut cmd = CommandLine {
        verb: verb.clone(),
        args: Vec::new(),
        flags: Vec::new(),
        namespace: "default".to_string(),
    };
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if i - 1 == verb_pos {
            continue;
        }
        let (spec, inline) = if let Some(body) = w.strip_prefix("--") {
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let spec = lookup_long(name).ok_or_else(|| format!("unknown flag: --{name}"))?;
            (spec, value)
        } else if let Some(body) = w.strip_prefix('-').filter(|b| !b.is_empty() && w != "-") {
            let c = body.chars().next().expect("non-empty");
            let rest = &body[c.len_utf8()..];
            let spec =
                lookup_short(c).ok_or_else(|| format!("unknown shorthand flag: {c:?} in {w}"))?;
            let value = match rest.strip_prefix('=') {
                Some(v) => Some(v.to_string()),
                None if rest.is_empty() => None,
                None => Some(rest.to_string()),
            };
            (spec, value)
        } else {
            cmd.args.push(w.clone());
            continue;
        };
        let value = if spec.2 {
            match inline {
                Some(v) => v,
                None => {
                    let v = words
                        .get(i)
                        .ok_or_else(|| format!("flag needs an argument: --{}", spec.0))?;
                    i += 1;
                    v.clone()
                }
            }
        } else {
            inline.unwrap_or_else(|| "true".to_string())
        };
        if spec.0 == "namespace" {
            cmd.namespace = value;
        } else {
            cmd.flags.push((spec.0, value));
        }
    }
    Ok(cmd)
}

pub(super) fn node_only(cmd: &mut CommandLine) -> Result<String, String> {
    let first = cmd.next_arg("nodes NODE")?;
    let (kind, name) = match first.split_once('/') {
        Some((k, n)) => (k.to_string(), n.to_string()),
        None => (first, cmd.next_arg("NODE")?),
    };
    match canonical_kind(&kind) {
        Some("Node") => Ok(name),
        _ => Err(format!(
            "{}: only nodes are supported, not {kind:?}",
            cmd.verb
        )),
    }
}
