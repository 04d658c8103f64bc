//! YAML plumbing: splitting a stream into documents with their starting lines, and turning
//! the YAML library's errors into [`InputError`]s.

use super::error::InputError;
use serde::de::DeserializeOwned;
use std::path::Path;

/// One YAML document of a stream and the 1-based line of the file where its text starts.
pub struct Document<'a> {
    /// The document's text.
    pub text: &'a str,
    /// The file line of the document's first line, minus one (add to a document line).
    pub line_offset: u64,
}

/// Splits a multi-document YAML stream at `---` marker lines, skipping empty documents
/// (only blanks and comments).
pub fn split_documents(text: &str) -> Vec<Document<'_>> {
    let mut docs = Vec::new();
    let mut start_byte = 0usize;
    let mut start_line = 0u64;
    let mut byte = 0usize;
    for (line_no, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        let is_marker = trimmed == "---"
            || trimmed.starts_with("--- ")
            || trimmed.starts_with("---\t")
            || trimmed == "...";
        if is_marker {
            docs.push(Document {
                text: &text[start_byte..byte],
                line_offset: start_line,
            });
            start_byte = byte + line.len();
            start_line = line_no as u64 + 1;
            // `--- {inline: doc}` keeps its content on the marker line.
            if let Some(rest) = trimmed.strip_prefix("--- ") {
                if !rest.trim().is_empty() && !rest.trim_start().starts_with('#') {
                    start_byte = byte + 4;
                    start_line = line_no as u64;
                }
            }
        }
        byte += line.len();
    }
    docs.push(Document {
        text: &text[start_byte..],
        line_offset: start_line,
    });
    docs.retain(|d| {
        d.text
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    });
    docs
}

/// Parses one document into `T`, mapping a YAML or type error to an [`InputError`] with the
/// file line, the field at that position (for block-style YAML) and what was expected.
pub fn parse_document<T: DeserializeOwned>(
    file: &Path,
    doc: &Document<'_>,
) -> Result<T, InputError> {
    serde_saphyr::from_str::<T>(doc.text).map_err(|e| {
        let location = e.location();
        let line = location.as_ref().map(|l| l.line() + doc.line_offset);
        let field = location
            .map(|l| field_at(doc.text, l.line() as usize))
            .unwrap_or_default();
        InputError::new(file, line, field, describe_yaml_error(&e))
    })
}

/// The YAML library's message in user terms: its position prefix dropped (the error already
/// carries the file line), its type names turned into what the manifest should hold.
fn describe_yaml_error(e: &serde_saphyr::Error) -> String {
    let text = e.to_string();
    let mut first = text.lines().next().unwrap_or("invalid YAML").trim();
    first = first.strip_prefix("error:").unwrap_or(first).trim();
    if let Some(rest) = first.strip_prefix("line ") {
        if let Some((_, msg)) = rest.split_once(": ") {
            first = msg.trim();
        }
    }
    let first = first
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(first);
    let plain = match first {
        "invalid i8" | "invalid i16" | "invalid i32" | "invalid i64" | "invalid u8"
        | "invalid u16" | "invalid u32" | "invalid u64" => "expected an integer".to_string(),
        "invalid f32" | "invalid f64" => "expected a number".to_string(),
        "invalid bool" => "expected true or false".to_string(),
        "expected sequence start" => "expected a list (`- item` lines or `[a, b]`)".to_string(),
        "expected mapping start" => {
            "expected a mapping (`key: value` lines or `{key: value}`)".to_string()
        }
        m if m.starts_with("duplicate mapping key") => {
            format!("{m} (each key may appear only once in a mapping, as kubectl requires)")
        }
        m if m.starts_with("budget breached") && m.contains("Nodes") => {
            // serde-saphyr's default budget: 250,000 nodes per document.
            return format!(
                "YAML aliases expand to more than {} nodes (an alias bomb?): k8sim's limit per document",
                super::limits::grouped(super::limits::MAX_YAML_NODES as u64)
            );
        }
        m if m.starts_with("budget breached") => {
            return format!("the YAML document is too large or too deeply nested ({m})");
        }
        m if m.starts_with("tabs disallowed") => {
            format!("{m}: indent YAML with spaces, not tabs")
        }
        m => match super::suggest::unknown_field_message(m) {
            // Not a YAML or type problem: the field name is wrong.
            Some(unknown) => return unknown,
            None => m.to_string(),
        },
    };
    format!("invalid YAML or wrong type: {plain}")
}

/// The dotted path of the mapping key at 1-based `line` of a block-style document, found by
/// walking up to the lines that open each enclosing mapping or list
/// (`spec.template.spec.containers[].image`); empty when no `key:` is found (flow style).
pub fn field_at(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if line == 0 || line > lines.len() {
        return String::new();
    }
    let indent_of = |l: &str| l.len() - l.trim_start().len();
    let here = lines[line - 1];
    let (mut indent, mut item, mut path) = match key_of(here) {
        Some((i, k, it)) => (i, it, vec![k]),
        // A value on its own line (a list element): start from the key that owns it.
        None => (indent_of(here), false, Vec::new()),
    };
    for l in lines[..line - 1].iter().rev() {
        let Some((i, k, it)) = key_of(l) else {
            continue;
        };
        if i < indent {
            path.push(if item { format!("{k}[]") } else { k });
            indent = i;
            item = it;
        } else if i == indent && it {
            // The first key of the list item this line belongs to.
            item = true;
        }
        if indent == 0 && !item {
            break;
        }
    }
    path.reverse();
    path.join(".")
}

/// `(column of the key, key, starts a list item)` of a block-style `key: value` line.
fn key_of(l: &str) -> Option<(usize, String, bool)> {
    let mut indent = l.len() - l.trim_start().len();
    let mut rest = l.trim_start();
    let mut item = false;
    while let Some(r) = rest.strip_prefix('-').filter(|r| r.starts_with(' ')) {
        item = true;
        indent += 1 + (r.len() - r.trim_start().len());
        rest = r.trim_start();
    }
    if rest.starts_with(['#', '{', '[', '"', '\'', '|', '>']) {
        return None;
    }
    let (key, _) = rest
        .split_once(": ")
        .or_else(|| rest.strip_suffix(':').map(|k| (k, "")))?;
    let key = key.trim();
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    Some((indent, key.to_string(), item))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_documents_and_tracks_lines() {
        let text = "# c\n---\na: 1\n---\n# only a comment\n---\nb: 2\n";
        let docs = split_documents(text);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].text, "a: 1\n");
        assert_eq!(docs[0].line_offset, 2);
        assert_eq!(docs[1].text, "b: 2\n");
        assert_eq!(docs[1].line_offset, 6);
    }

    #[test]
    fn field_paths_follow_indentation() {
        let text = "apiVersion: v1\nspec:\n  replicas: x\n  template:\n    spec:\n      containers:\n      - name: c\n        image: 3\n";
        assert_eq!(field_at(text, 3), "spec.replicas");
        assert_eq!(field_at(text, 8), "spec.template.spec.containers[].image");
        assert_eq!(field_at(text, 7), "spec.template.spec.containers[].name");
        assert_eq!(field_at("{a: 1}\n", 1), "");
    }
}
