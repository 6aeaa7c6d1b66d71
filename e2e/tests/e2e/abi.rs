//! The relayer's hand-written Solidity interfaces (`strikeline_relayer::anchor`) against
//! forge's build output: every function, error and event they declare exists in the
//! contract forge compiled, with the same signature (so the same selector), including the
//! layout of `Commitment` and `Signature` inside `submit`'s signature.

use anyhow::{anyhow, Result};
use serde_json::Value;
use std::collections::BTreeSet;
use strikeline_e2e::ethereum::{artifact, ISettlementAnchor, IVault};

/// A parameter's canonical type: tuples as `(t1,t2)`, with any array suffix.
fn canonical(param: &Value) -> Result<String> {
	let ty = param["type"].as_str().ok_or_else(|| anyhow!("a parameter without a type"))?;
	Ok(match ty.strip_prefix("tuple") {
		Some(suffix) => {
			let parts = param["components"]
				.as_array()
				.ok_or_else(|| anyhow!("a tuple without components"))?;
			let inner = parts.iter().map(canonical).collect::<Result<Vec<_>>>()?;
			format!("({}){suffix}", inner.join(","))
		}
		None => ty.to_string(),
	})
}

/// The signatures (`name(types)`) of the `kind` items of `contract`'s ABI in forge's output.
fn artifact_signatures(contract: &str, kind: &str) -> Result<BTreeSet<String>> {
	let json = artifact(contract)?;
	let abi = json["abi"].as_array().ok_or_else(|| anyhow!("{contract}: no abi"))?;
	let mut out = BTreeSet::new();
	for item in abi.iter().filter(|i| i["type"] == kind) {
		let name = item["name"].as_str().ok_or_else(|| anyhow!("an item without a name"))?;
		let inputs = item["inputs"].as_array().map(Vec::as_slice).unwrap_or_default();
		let types = inputs.iter().map(canonical).collect::<Result<Vec<_>>>()?;
		out.insert(format!("{name}({})", types.join(",")));
	}
	Ok(out)
}

fn check(contract: &str, kind: &str, declared: &[&str]) -> Result<()> {
	anyhow::ensure!(!declared.is_empty(), "{contract}: no {kind}s declared");
	let built = artifact_signatures(contract, kind)?;
	let missing: Vec<_> = declared.iter().filter(|s| !built.contains(**s)).collect();
	anyhow::ensure!(
		missing.is_empty(),
		"{contract}: the relayer declares {kind}s forge did not build: {missing:?}\nforge's: {built:?}"
	);
	Ok(())
}

#[test]
fn the_relayers_interfaces_match_forges_build_output() -> Result<()> {
	check("SettlementAnchor", "function", ISettlementAnchor::ISettlementAnchorCalls::SIGNATURES)?;
	check("SettlementAnchor", "error", ISettlementAnchor::ISettlementAnchorErrors::SIGNATURES)?;
	check("SettlementAnchor", "event", ISettlementAnchor::ISettlementAnchorEvents::SIGNATURES)?;
	check("Vault", "function", IVault::IVaultCalls::SIGNATURES)?;
	check("Vault", "error", IVault::IVaultErrors::SIGNATURES)?;
	check("Vault", "event", IVault::IVaultEvents::SIGNATURES)?;
	Ok(())
}

#[test]
fn a_changed_signature_is_caught() -> Result<()> {
	let err = check("SettlementAnchor", "function", &["submit((uint64),address[])"]).unwrap_err();
	assert!(err.to_string().contains("submit((uint64),address[])"), "{err}");
	Ok(())
}
