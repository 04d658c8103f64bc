//! Opens a rendered report in headless Chromium: screenshot and DOM checks (a failure under
//! `CI=true` when Chromium is missing, skipped with a notice elsewhere).

#[allow(dead_code)]
mod common;
mod prereq;

use std::fs::{self, File};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{png_colours, temp_dir, write_run};
use k8sim::output::report::render_report;

const CHROMIUM: &str = "/usr/bin/chromium";
const TIMEOUT: Duration = Duration::from_secs(60);

/// Runs headless Chromium on `url` with `extra` arguments, stdout into `stdout`; the
/// child is killed after [`TIMEOUT`]. Panics on failure, with its stderr.
fn chromium(extra: &[String], url: &str, work: &Path, stdout: &Path) {
    let profile = work.join(format!("profile-{}", extra.len()));
    let stderr = work.join("chromium-stderr.txt");
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(File::create(stdout).unwrap())
        .stderr(File::create(&stderr).unwrap())
        .spawn()
        .expect("cannot start chromium");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium timed out after {TIMEOUT:?}: {}",
                fs::read_to_string(&stderr).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        status.success(),
        "chromium failed ({status}): {}",
        fs::read_to_string(&stderr).unwrap_or_default()
    );
}

#[test]
fn report_renders_in_chromium() {
    let what = format!("chromium ({CHROMIUM}; .ci/run installs it)");
    if !prereq::available(Path::new(CHROMIUM).exists(), &what) {
        return;
    }
    let dir = temp_dir("browser");
    let run = dir.join("run");
    write_run(&run, "default", 1, 1.0);
    render_report(&run).unwrap();
    let url = format!("file://{}", run.join("report.html").display());

    let shot = dir.join("screenshot.png");
    chromium(
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1200,2000".to_owned(),
            "--hide-scrollbars".to_owned(),
        ],
        &url,
        &dir,
        &dir.join("screenshot-stdout.txt"),
    );
    let colours = png_colours(&shot);
    assert!(colours > 50, "screenshot looks blank: {colours} colours");

    let dom = dir.join("dom.html");
    chromium(&["--dump-dom".to_owned()], &url, &dir, &dom);
    let dom = fs::read_to_string(&dom).unwrap();
    assert!(
        dom.contains("id=\"summary\""),
        "summary table missing from DOM"
    );
    assert!(dom.contains("<svg"), "inline plots missing from DOM");
    assert!(dom.contains("Scheduling latency CDF"));
}
