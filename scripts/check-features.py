#!/usr/bin/env python3
"""Checks that the workspace's three cargo invocations build every shared crate with one
feature set, so that each reuses the artifacts of the one before (no crate compiled twice).

The invocations (scripts/env.sh): the node build, the unit tests (with dev-dependencies), and
the e2e + relayer build. A difference means workspace-hack/ is stale: run
scripts/workspace-hack.sh. Uses only `cargo tree` (seconds, no build).
"""
import pathlib
import re
import subprocess
import sys

ENV_SH = pathlib.Path(__file__).resolve().parent / "env.sh"
# The unit tests' packages: scripts/env.sh's UNIT_TEST_PACKAGES, the one list of them.
UNIT = re.search(r"UNIT_TEST_PACKAGES=\(([^)]*)\)", ENV_SH.read_text())[1].split()
CLIENT = re.search(r"CLIENT_PACKAGES=\(([^)]*)\)", ENV_SH.read_text())[1].split()
INVOCATIONS = {
    "node build": (["strikeline-node"], "normal,build"),
    "unit tests": (UNIT, "normal,build,dev"),
    "e2e build": (CLIENT, "normal,build,dev"),
}


def features(packages, edges):
    args = ["cargo", "tree", "--locked", "-e", edges, "-f", "{p}|{f}", "--prefix", "none"]
    for p in packages:
        args += ["-p", p]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    crates = {}
    for line in out.splitlines():
        if "|" not in line:
            continue
        pkg, feats = line.split("|", 1)
        feats = feats.removesuffix(" (*)").strip()
        pkg = pkg.split(" (")[0].strip()  # "name vX.Y.Z (path)" -> "name vX.Y.Z"
        crates.setdefault(pkg, set()).add(feats)
    return crates


def main():
    seen = {name: features(*spec) for name, spec in INVOCATIONS.items()}
    names = list(seen)
    problems = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            for crate in sorted(seen[a].keys() & seen[b].keys()):
                if crate.startswith("polkadot-sdk ") and "e2e build" in (a, b):
                    # The umbrella only re-exports (seconds to build twice); the relayer turns on
                    # few of its features so that it never depends on the client crates.
                    continue
                if seen[a][crate] != seen[b][crate]:
                    problems.append(f"{crate}: {a} {sorted(seen[a][crate])} vs {b} {sorted(seen[b][crate])}")
    if problems:
        print("crates built with different features in different invocations:")
        print("\n".join(problems))
        print("run scripts/workspace-hack.sh to regenerate workspace-hack/")
        return 1
    shared = len(seen["node build"].keys() & seen["e2e build"].keys())
    print(f"one feature set per crate across {', '.join(names)} ({shared} crates shared by the node and e2e builds)")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--unit-packages"]:  # for scripts/workspace-hack.sh
        print(" ".join(UNIT))
        sys.exit(0)
    sys.exit(main())
