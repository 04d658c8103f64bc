//! The `k8sim` binary: the command line with the in-tree scheduler plugins.

use k8sim::scheduler::plugins::registry::Registry;

fn main() {
    k8sim::cli::main_with_registry(Registry::in_tree())
}
