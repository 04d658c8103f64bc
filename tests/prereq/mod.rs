//! Prerequisites from outside the repository (`../shared/data`, Chromium): a test that needs
//! one fails loudly under CI (`CI=true`) and only skips, with a printed notice, elsewhere.

/// True when the prerequisite `what` is `present`. When it is absent: panics if the
/// environment variable `CI` is `true` (so a CI run can never pass without running the
/// test), otherwise prints a notice saying what was skipped and returns false.
pub fn available(present: bool, what: &str) -> bool {
    if present {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
        panic!("missing test prerequisite under CI=true: {what}");
    }
    eprintln!("skipped: {what} (with CI=true this is a failure)");
    false
}
