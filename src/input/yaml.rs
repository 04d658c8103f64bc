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
/// file line.
pub fn parse_document<T: DeserializeOwned>(
    file: &Path,
    doc: &Document<'_>,
) -> Result<T, InputError> {
    serde_saphyr::from_str::<T>(doc.text).map_err(|e| {
        let line = e.location().map(|l| l.line() + doc.line_offset);
        InputError::new(file, line, "", describe_yaml_error(&e))
    })
}

/// The first line of the YAML library's message, which says what was expected.
fn describe_yaml_error(e: &serde_saphyr::Error) -> String {
    let text = e.to_string();
    let first = text.lines().next().unwrap_or("invalid YAML").trim();
    format!("invalid YAML or wrong type: {first}")
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
}
