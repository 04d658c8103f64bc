#!/usr/bin/env python3
"""Regenerates the committed seed corpora fuzz/corpus/<target>/seed-* from the repository's
scenarios, manifests, KubeSchedulerConfigurations, traces, openb CSVs, the YAML blocks of
the docs, and the example strings of the unit tests. Run from anywhere:
`python3 fuzz/scripts/make-seeds.py` (needs PyYAML). CI does not run it: the seeds are
committed."""

import glob
import hashlib
import os
import re
import shutil

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
MARKER = b"\n#@file "
MAX_BYTES = 16 * 1024  # a seed larger than this is left out (the fuzzers mutate small inputs)
MAX_SEEDS = 48


def rel(p):
    return os.path.relpath(p, ROOT)


def read(p):
    with open(p, "rb") as f:
        return f.read()


def kind_of(text):
    """'scenario', 'scheduler', 'manifest' or None, as `k8sim validate` tells them apart."""
    lines = text.splitlines()
    if any(l.startswith("kind:") and "KubeSchedulerConfiguration" in l for l in lines):
        return "scheduler"
    if any(l.startswith(("cluster:", "workloads:")) for l in lines):
        return "scenario"
    if re.search(r"^\s*kind:", text, re.M) or text.lstrip().startswith("{"):
        return "manifest"
    return None


def doc_blocks():
    """(name, text) of every ```yaml block of the docs and the README."""
    out = []
    for md in sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")) + [os.path.join(ROOT, "README.md")]):
        text = read(md).decode("utf-8", "replace")
        for i, block in enumerate(re.findall(r"```ya?ml\n(.*?)```", text, re.S)):
            out.append((f"{os.path.basename(md)}-{i}", block))
    return out


def yaml_files():
    """(name, path, text) of the committed YAML files."""
    out = []
    for pattern in ("scenarios/**/*.yaml", "tests/data/**/*.yaml", "tests/bad_inputs/**/*.yaml", "examples/*.yaml"):
        for p in sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True)):
            data = read(p)
            out.append((rel(p).replace("/", "_"), p, data))
    return out


def named_files(scenario_path, text):
    """The files a scenario names (workloads, cluster.manifests, `apply -f`), relative to it."""
    try:
        doc = yaml.safe_load(text)
    except Exception:
        return []
    if not isinstance(doc, dict):
        return []
    names = []
    for key in ("workloads",):
        names += [w for w in doc.get(key) or [] if isinstance(w, str)]
    cluster = doc.get("cluster") or {}
    if isinstance(cluster, dict):
        names += [m for m in cluster.get("manifests") or [] if isinstance(m, str)]
    for entry in doc.get("timeline") or []:
        if isinstance(entry, dict) and isinstance(entry.get("kubectl"), str):
            m = re.search(r"-f\s+(\S+)", entry["kubectl"])
            if m:
                names.append(m.group(1))
    base = os.path.dirname(scenario_path)
    return [(n, os.path.join(base, n)) for n in names]


def bundle(scenario_path, text):
    out = text
    for name, path in named_files(scenario_path, text):
        if os.path.isfile(path):
            out += MARKER + name.encode() + b"\n" + read(path)
    return out


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if len(data) > MAX_BYTES or len(os.listdir(d)) >= MAX_SEEDS:
        return
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:80]
    with open(os.path.join(d, f"seed-{safe}"), "wb") as f:
        f.write(data)


def strings_of(call):
    """The string literals passed to `call("...")` in the sources and tests."""
    found = set()
    for p in glob.glob(os.path.join(ROOT, "src", "**", "*.rs"), recursive=True) + glob.glob(
        os.path.join(ROOT, "tests", "*.rs")
    ):
        for m in re.finditer(re.escape(call) + r'\("((?:[^"\\]|\\.)*)"\)', read(p).decode("utf-8", "replace")):
            found.add(m.group(1).encode().decode("unicode_escape"))
    return sorted(found)


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    texts = yaml_files()
    for name, path, data in texts:
        text = data.decode("utf-8", "replace")
        kind = kind_of(text)
        if kind == "scenario":
            b = bundle(path, text.encode())
            write("scenario", name, b)
            write("pipeline", name, b)
        elif kind == "scheduler":
            write("scheduler_config", name, data)
        elif kind == "manifest":
            write("manifest", name, data)
    for name, block in doc_blocks():
        kind = kind_of(block)
        target = {"scenario": "scenario", "scheduler": "scheduler_config", "manifest": "manifest"}.get(kind)
        if target:
            write(target, name, block.encode())

    # Scalars: the values the committed files and the unit tests write.
    quantities = set(strings_of("Quantity::parse")) | {"100m", "0.5", "512Mi", "2Gi", "1e3", "1k", "-1", "1.5E-3", "+.5Ki"}
    for i, q in enumerate(sorted(quantities)):
        write("quantity", f"{i:02}", q.encode())
    durations = set(strings_of("parse_duration_ms")) | {"90s", "1h30m", "500ms", "2d", "0", "1.5s", "10m"}
    for i, d in enumerate(sorted(durations)):
        write("duration", f"{i:02}", d.encode())
    crons = ["*/5 * * * *", "0 0 * * 0\nEurope/Paris", "@hourly", "@midnight", "0 2 29 2 *\nAmerica/New_York\n1767225600",
             "30 1 * * 1-5\nAustralia/Lord_Howe", "0 */2 1,15 * MON-FRI", "59 23 31 12 *\nUTC\n4102444000",
             "0 2 * 3 0\nEurope/London\n1774746000", "0 0 1 1 *"]
    crons += [c for c in strings_of("parse_schedule") if c]
    for i, c in enumerate(crons):
        write("cron", f"{i:02}", c.encode())
    lines = set(strings_of("parse_kubectl"))
    for _, _, data in texts:
        lines |= {m.strip().strip("\"'") for m in re.findall(rb"kubectl: *(.*)", data) for m in [m.decode("utf-8", "replace")]}
    for i, l in enumerate(sorted(lines)):
        write("timeline", f"{i:02}", l.encode())
    selectors = set(strings_of("parse_selector")) | {"app=web,tier!=db,!canary", "env in (prod, qa),tier notin (cache),gen>2",
                                                      "app", "app==web", "gen<3", "a in ()", "x notin (a,b),y"}
    for i, s in enumerate(sorted(selectors)):
        write("selector", f"{i:02}", s.encode())

    # openb: the first rows of the committed node and pod lists, and a multi-GPU variant.
    nodes = read(os.path.join(ROOT, "data/openb/openb_node_list_gpu_node.csv")).splitlines(keepends=True)
    pods = read(os.path.join(ROOT, "data/openb/openb_pod_list_default.csv")).splitlines(keepends=True)
    for i, (n, p) in enumerate([(4, 8), (12, 30), (2, 3)]):
        write("openb", f"openb-{i}", b"".join(nodes[:n]).rstrip(b"\n") + MARKER + b"pods\n" + b"".join(pods[:p]))
    multi = b"name,cpu_milli,memory_mib,num_gpu,gpu_milli\np0,4000,8192,2,1000\np1,2000,4096,1,500\np2,1000,1024,0,0\n"
    write("openb", "openb-multigpu", b"".join(nodes[:6]).rstrip(b"\n") + MARKER + b"pods\n" + multi)

    for p in sorted(glob.glob(os.path.join(ROOT, "tests/data/sktrace/*.sktrace"))):
        write("sktrace", os.path.basename(p), read(p))
    # The pipeline also replays the small traces on a small cluster.
    for p in sorted(glob.glob(os.path.join(ROOT, "tests/data/sktrace/*.sktrace"))):
        name = os.path.basename(p)
        sc = (f"cluster:\n  nodes:\n    - name: w\n      count: 3\n      allocatable: {{cpu: \"16\", memory: 64Gi}}\n"
              f"workloads:\n  - {name}\nduration: 2h\n").encode()
        write("pipeline", f"replay-{name}", sc + MARKER + name.encode() + b"\n" + read(p))
        write("scenario", f"replay-{name}", sc + MARKER + name.encode() + b"\n" + read(p))
    for t in sorted(os.listdir(CORPUS)):
        n = len(os.listdir(os.path.join(CORPUS, t)))
        size = sum(os.path.getsize(f) for f in glob.glob(os.path.join(CORPUS, t, "*")))
        print(f"{t}: {n} seeds, {size} bytes")


if __name__ == "__main__":
    main()
