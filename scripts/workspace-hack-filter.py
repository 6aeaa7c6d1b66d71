#!/usr/bin/env python3
"""Restricts the generated workspace-hack/Cargo.toml to the features the workspace's real
builds turn on (scripts/workspace-hack.sh runs it after `cargo hakari generate`).

hakari unifies over every member built with no, default and all features, so its output turns
on `runtime-benchmarks` and `try-runtime` across FRAME. Strikeline's builds use default
features, so each entry keeps only the features that `cargo tree` shows in the three real
invocations (scripts/check-features.py); an entry left with nothing to add is dropped.
"""
import importlib.util
import json
import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("check_features", HERE / "check-features.py")
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)

ENTRY = re.compile(r'^(?P<key>[A-Za-z0-9_-]+) = \{ (?P<body>.*) \}$')


def parse(body):
    fields = dict(re.findall(r'([a-z-]+) = ("[^"]*"|false|true|\[[^\]]*\])', body))
    return {
        "package": fields.get("package", "").strip('"') or None,
        "version": fields["version"].strip('"'),
        "default": fields.get("default-features") != "false",
        "features": re.findall(r'"([^"]+)"', fields.get("features", "[]")),
    }


def compatible(req, version):
    r = [int(x) for x in req.split(".")]
    v = [int(x) for x in version.split("-")[0].split(".")]
    n = next((i + 1 for i, x in enumerate(r) if x != 0), len(r))
    return v[:n] == r[:n] and v[: len(r)] >= r


def observe():
    """name -> [(version, feature sets)], one item per invocation that builds the crate, as
    cargo tree resolves them."""
    observed = {}
    for packages, edges in check.INVOCATIONS.values():
        for crate, sets in check.features(packages, edges).items():
            name, version = crate.split(" ")[:2]
            observed.setdefault(name, []).append((version.lstrip("v"), sorted(sets)))
    return observed


def apply(observed):
    path = HERE.parent / "workspace-hack" / "Cargo.toml"
    out, inside, section = [], False, ""
    for line in path.read_text().splitlines():
        inside = (inside or "BEGIN HAKARI SECTION" in line) and "END HAKARI SECTION" not in line
        if inside and line.startswith("["):
            section = line
            if section.endswith("build-dependencies]"):
                continue
        if inside and section.endswith("build-dependencies]"):
            # Build scripts and proc macros are compiled apart from the node's crates anyway
            # (release's build-override), and hakari makes them the node's features: dropped.
            continue
        m = ENTRY.match(line) if inside else None
        if not m:
            out.append(line)
            continue
        e = parse(m["body"])
        name = e["package"] or m["key"]
        seen, variants = set(), set()
        for version, sets in observed.get(name, []):
            if compatible(e["version"], version):
                variants.add(tuple(sets))
                for feats in sets:
                    seen |= {f for f in feats.split(",") if f}
        if len(variants) < 2:
            continue  # built with one feature set wherever it is built: nothing to unify
        default = e["default"] and "default" in seen
        features = sorted(f for f in e["features"] if f in seen and f != "default")
        if not default and not features:
            continue
        parts = [f'package = "{e["package"]}"'] if e["package"] else []
        parts.append(f'version = "{e["version"]}"')
        if not default:
            parts.append("default-features = false")
        if features:
            parts.append("features = [" + ", ".join(f'"{f}"' for f in features) + "]")
        out.append(f'{m["key"]} = {{ {", ".join(parts)} }}')
    path.write_text("\n".join(out) + "\n")
    return 0


def existing_key(section, name, version):
    """The key of `section`'s entry for crate `name` at `version`, if it has one."""
    for m in re.finditer(r"^(?P<key>[A-Za-z0-9_-]+) = \{ (?P<body>.*) \}$", section, re.M):
        e = parse(m["body"])
        if (e["package"] or m["key"]) == name and compatible(e["version"].lstrip("="), version):
            return m["key"]
    return None


def close():
    """Make every invocation agree. Unifying a crate can turn on an optional dependency that
    another invocation builds with other features (sp-wasm-interface's `wasmtime`), and build
    scripts and proc macros (host crates) are left out of hakari's output above: each crate
    still built with different features is added, with the union of its features, as a normal
    dependency, or as a build dependency (the host copy) when it is unified as a normal one
    already. At most a few rounds."""
    path = HERE.parent / "workspace-hack" / "Cargo.toml"
    subprocess.run(["cargo", "update", "--workspace", "--offline"], check=True, capture_output=True)
    for _ in range(8):
        seen = {n: check.features(*spec) for n, spec in check.INVOCATIONS.items()}
        union = {}
        for crates in seen.values():
            for crate, sets in crates.items():
                union.setdefault(crate, []).append(frozenset(sets))
        normal, build, text = [], [], path.read_text()
        head, sep, tail = text.partition("### END HAKARI SECTION")
        normal_part, _, build_part = head.partition("[build-dependencies]\n")
        for crate, variants in sorted(union.items()):
            name, version = crate.split(" ")[:2]
            if name == "polkadot-sdk" or len(set(variants)) < 2:
                continue
            version = version.lstrip("v")
            feats = sorted({f for v in variants for s in v for f in s.split(",") if f} - {"default"})
            default = any("default" in s.split(",") for v in variants for s in v)
            key = existing_key(normal_part, name, version) or name + "-" + version.replace(".", "_")
            line = f'{key} = {{ package = "{name}", version = "={version}"'
            if not default:
                line += ", default-features = false"
            if feats:
                line += ", features = [" + ", ".join(f'"{f}"' for f in feats) + "]"
            line += " }"
            if not existing_key(normal_part, name, version):
                normal.append(line)
            elif not existing_key(build_part, name, version):
                build.append(line)  # same key as the normal entry: cargo requires one name
        if not normal and not build:
            return 0
        normal_part = normal_part.replace("[dependencies]\n", "[dependencies]\n" + "".join(l + "\n" for l in normal), 1)
        build_part = "".join(l + "\n" for l in build) + build_part
        path.write_text(normal_part + "[build-dependencies]\n" + build_part + sep + tail)
        subprocess.run(["cargo", "update", "--workspace", "--offline"], check=True, capture_output=True)
    return 1


if __name__ == "__main__":
    # observe: print what the builds resolve to (run with the workspace-hack empty);
    # apply FILE: filter workspace-hack/Cargo.toml by what `observe` printed.
    if sys.argv[1:2] == ["observe"]:
        json.dump(observe(), sys.stdout)
    elif sys.argv[1:2] == ["apply"]:
        apply(json.load(open(sys.argv[2])))
        sys.exit(close())
    else:
        sys.exit("usage: workspace-hack-filter.py observe | apply FILE")
