#!/usr/bin/env python3
"""Content-based modification times for the checkout, so that a fresh clone reuses the build.

Cargo decides whether Strikeline's own crates (and the build scripts that follow their files,
such as the runtime's wasm build) are stale by comparing file modification times with the
time of the last build. A fresh clone (CI) has every file modified "now", so cargo would
rebuild every workspace crate, the wasm runtime and the node although nothing changed.

This script keeps one record per target directory (source-stamps.json beside it):
relative path -> (sha256 of the content, the modification time given to that content).

  prepare   for every file of the checkout (tracked, or untracked and not ignored): if its
            content is the recorded one, give the file the recorded time (older than the
            build that used it, so cargo keeps the artifact); otherwise give it the time now
            and record that. The record is marked "in use" by OWNER_PID (the building script).
            Prints on stdout a digest of the runtime's inputs (RUNTIME_INPUTS below): the
            runtime's build script reruns the wasm build when it changes, whatever the times.
  finish    after the builds: forget every file whose content changed since `prepare`
            (edited while cargo ran; the next `prepare` stamps it "now" again) and mark the
            record complete.

Why this is sound: a file keeps an old time only if its content equals what the record says,
and the record says what the last build through these scripts compiled. A build that did
not reach `finish` (killed, failed) leaves the record "in use": the next `prepare` discards it
and stamps every file "now" (unless the script that marked it is still running: scripts
nest), which costs one rebuild of the workspace crates and is never wrong. Builds that
bypass the scripts use a different target directory (./target), since only scripts/env.sh
points cargo at the shared one.
"""
import hashlib
import json
import os
import subprocess
import sys
import time


# What the wasm runtime is built from (the runtime's path dependencies, the lock file).
RUNTIME_INPUTS = ("Cargo.toml", "Cargo.lock", "runtime/", "pallets/", "workspace-hack/")


def checkout_files(root):
    out = subprocess.run(
        ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
    ).stdout
    return sorted({p for p in out.decode().split("\0") if p})


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def alive(pid):
    """A record still in use by a live script is valid: scripts nest (bench-build.sh runs
    .ci/run, which runs scripts/test.sh), and only one build runs at a time."""
    if not isinstance(pid, int) or pid <= 1:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def load(record_path):
    try:
        with open(record_path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"complete": False, "files": {}}


def save(record_path, record):
    tmp = record_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(record, f, sort_keys=True)
    os.replace(tmp, record_path)


def prepare(root, record_path, owner):
    record = load(record_path)
    known = record["files"] if record.get("complete") or alive(record.get("owner")) else {}
    now_ns = time.time_ns()
    files = {}
    kept = 0
    for rel in checkout_files(root):
        path = os.path.join(root, rel)
        if not os.path.isfile(path) or os.path.islink(path):
            continue
        sha = digest(path)
        entry = known.get(rel)
        stamp_ns = entry[1] if entry and entry[0] == sha else now_ns
        kept += stamp_ns != now_ns
        os.utime(path, ns=(stamp_ns, stamp_ns))
        files[rel] = [sha, stamp_ns]
    save(record_path, {"complete": False, "owner": int(owner), "files": files})
    runtime = hashlib.sha256()
    for rel, (sha, _) in files.items():
        if rel.startswith(RUNTIME_INPUTS):
            runtime.update(f"{rel}\0{sha}\n".encode())
    print(runtime.hexdigest())
    print(f"source stamps: {kept} of {len(files)} files unchanged since the last build", file=sys.stderr)


def finish(root, record_path):
    record = load(record_path)
    files = {}
    for rel, (sha, stamp_ns) in record["files"].items():
        path = os.path.join(root, rel)
        if os.path.isfile(path) and digest(path) == sha:
            files[rel] = [sha, stamp_ns]
    save(record_path, {"complete": True, "files": files})


def main():
    if sys.argv[1:2] == ["prepare"] and len(sys.argv) == 5:
        prepare(*sys.argv[2:])
    elif sys.argv[1:2] == ["finish"] and len(sys.argv) == 4:
        finish(*sys.argv[2:])
    else:
        sys.exit("usage: source-stamps.py prepare CHECKOUT RECORD OWNER_PID | finish CHECKOUT RECORD")


if __name__ == "__main__":
    main()
