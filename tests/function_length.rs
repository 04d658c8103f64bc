//! Issue 12 item 5: no function in `src/` is over 100 lines (aim for 70), so each reads
//! as one step. A function runs from its `fn` line to the `}` at the same indentation
//! (rustfmt's layout); one-line functions and trait declarations are skipped.

#[allow(dead_code)]
mod common;

use common::rust_files;
use std::path::Path;

/// Most lines a function may span, its signature and closing brace included.
const MAX_FUNCTION_LINES: usize = 100;

/// The indentation and name of a line that starts a function, if it does.
fn function_start(line: &str) -> Option<(&str, &str)> {
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    let mut words = body.split_whitespace().peekable();
    while let Some(w) = words.peek() {
        if *w == "pub" || w.starts_with("pub(") || ["const", "async", "unsafe"].contains(w) {
            words.next();
        } else {
            break;
        }
    }
    if words.next()? != "fn" {
        return None;
    }
    let name = words.next()?.split(['(', '<']).next()?;
    let one_line = body.ends_with('}') || body.ends_with(';');
    (!one_line).then_some((indent, name))
}

/// `(lines, file:line, name)` of every function longer than [`MAX_FUNCTION_LINES`].
fn long_functions(file: &Path) -> Vec<(usize, String, String)> {
    let text = std::fs::read_to_string(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut long = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((indent, name)) = function_start(line) else {
            continue;
        };
        let close = format!("{indent}}}");
        if let Some(end) = (i + 1..lines.len()).find(|&j| lines[j] == close) {
            let span = end - i + 1;
            if span > MAX_FUNCTION_LINES {
                long.push((
                    span,
                    format!("{}:{}", file.display(), i + 1),
                    name.to_owned(),
                ));
            }
        }
    }
    long
}

#[test]
fn no_function_is_over_100_lines() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files.sort();
    assert!(
        files.len() > 100,
        "found only {} files under src/",
        files.len()
    );
    let long: Vec<String> = files
        .iter()
        .flat_map(|f| long_functions(f))
        .map(|(span, at, name)| format!("{at}: fn {name} spans {span} lines"))
        .collect();
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines (split them into named steps):\n{}",
        long.join("\n")
    );
}

/// The scanner itself: a function of 101 lines is caught, one-line ones are skipped.
#[test]
fn the_scanner_measures_from_fn_to_its_closing_brace() {
    assert_eq!(
        function_start("    pub(crate) fn x(a: u8) {"),
        Some(("    ", "x"))
    );
    assert_eq!(function_start("fn y<T>(t: T) -> T {"), Some(("", "y")));
    assert_eq!(function_start("    fn z() -> u8 { 1 }"), None);
    assert_eq!(function_start("    fn decl(&self);"), None);
    assert_eq!(function_start("    let f = x;"), None);
    let dir = std::env::temp_dir().join(format!("k8sim-fn-length-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("long.rs");
    let body = "    let _ = 1;\n".repeat(99);
    std::fs::write(
        &file,
        format!("fn long() {{\n{body}}}\nfn short() {{\n}}\n"),
    )
    .unwrap();
    let found = long_functions(&file);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].0, found[0].2.as_str()), (101, "long"));
}
