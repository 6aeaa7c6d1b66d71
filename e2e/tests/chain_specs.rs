//! The checked-in chain specs in `chain-specs/` are what the node generates now: a change to
//! the runtime or its genesis presets without `scripts/gen-chain-specs.sh` fails here.

use anyhow::{bail, Context, Result};
use serde_json::Value;
use strikeline_e2e::{repo_root, run_node_command};

fn export(chain: &str, raw: bool, out: &std::path::Path) -> Result<Value> {
	let out_str = out.to_str().context("temp path is UTF-8")?;
	let mut args = vec!["export-chain-spec", "--chain", chain, "--output", out_str];
	if raw {
		args.push("--raw");
	}
	let output = run_node_command(&args)?;
	if !output.status.success() {
		bail!("export-chain-spec failed: {}", String::from_utf8_lossy(&output.stderr));
	}
	Ok(serde_json::from_str(&std::fs::read_to_string(out)?)?)
}

/// The first differing JSON path between two values, to make a failure readable.
fn first_difference(a: &Value, b: &Value, path: String) -> Option<String> {
	match (a, b) {
		(Value::Object(x), Value::Object(y)) => {
			for key in x.keys().chain(y.keys()) {
				let here = format!("{path}.{key}");
				match (x.get(key), y.get(key)) {
					(Some(u), Some(v)) => {
						if let Some(d) = first_difference(u, v, here) {
							return Some(d);
						}
					},
					_ => return Some(here),
				}
			}
			None
		},
		_ if a != b => Some(path),
		_ => None,
	}
}

#[test]
fn checked_in_chain_specs_are_up_to_date() -> Result<()> {
	let dir = tempfile::tempdir()?;
	for chain in ["dev", "local"] {
		for raw in [false, true] {
			let name = if raw { format!("{chain}-raw.json") } else { format!("{chain}.json") };
			let fresh = export(chain, raw, &dir.path().join(&name))?;
			let path = repo_root().join("chain-specs").join(&name);
			let checked_in: Value = serde_json::from_str(
				&std::fs::read_to_string(&path).with_context(|| format!("read {}", path.display()))?,
			)?;
			if let Some(diff) = first_difference(&checked_in, &fresh, String::new()) {
				bail!(
					"chain-specs/{name} is stale (first difference at `{diff}`): run scripts/gen-chain-specs.sh"
				);
			}
		}
	}
	Ok(())
}
