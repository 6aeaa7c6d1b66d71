//! The checked-in chain specs in `chain-specs/` are what the node generates now: a change to
//! the genesis presets (or anything else in a spec) without `scripts/gen-chain-specs.sh`
//! fails here.
//!
//! The runtime wasm blob in a spec is compared only for presence: the wasm embeds the source
//! paths of the checkout it was built in (panic locations), so the same code built in another
//! clone differs byte for byte. Regenerate the specs whenever the runtime changes.

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
					}
					_ => return Some(here),
				}
			}
			None
		}
		_ if a != b => Some(path),
		_ => None,
	}
}

/// Storage key of the runtime code (`:code`) in a raw spec.
const CODE_KEY: &str = "0x3a636f6465";

/// Replaces the runtime wasm blob by a marker (see the module docs).
fn without_code(mut spec: Value) -> Result<Value> {
	let slot = if let Some(code) = spec.pointer_mut("/genesis/runtimeGenesis/code") {
		code
	} else if let Some(code) = spec.pointer_mut(&format!("/genesis/raw/top/{CODE_KEY}")) {
		code
	} else {
		bail!("chain spec has no runtime code");
	};
	if slot.as_str().is_none_or(|c| c.len() <= 1000) {
		bail!("chain spec runtime code is not a wasm blob");
	}
	*slot = Value::String("<runtime wasm>".into());
	Ok(spec)
}

#[test]
fn checked_in_chain_specs_are_up_to_date() -> Result<()> {
	let dir = tempfile::tempdir()?;
	for chain in ["dev", "local"] {
		for raw in [false, true] {
			let name = if raw { format!("{chain}-raw.json") } else { format!("{chain}.json") };
			let fresh = without_code(export(chain, raw, &dir.path().join(&name))?)?;
			let path = repo_root().join("chain-specs").join(&name);
			let checked_in = without_code(serde_json::from_str(
				&std::fs::read_to_string(&path)
					.with_context(|| format!("read {}", path.display()))?,
			)?)?;
			if let Some(diff) = first_difference(&checked_in, &fresh, String::new()) {
				bail!(
					"chain-specs/{name} is stale (first difference at `{diff}`): run scripts/gen-chain-specs.sh"
				);
			}
		}
	}
	Ok(())
}
