//! Build script: links the `k8sim` binary as a position-dependent executable (`-no-pie`).
//! A PIE has ~50,000 relative relocations that the dynamic loader applies at every start,
//! touching (and copying) each page of constant data; a small run is over in ~20 ms, so
//! that start-up cost is a measurable share of it (BENCHMARKS.md, issue 14 target 4).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
