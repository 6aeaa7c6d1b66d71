//! Chain specifications built into the node: `dev` and `local`.
//!
//! Both come from the runtime's genesis presets (`development`, `local_testnet`); the files
//! in `chain-specs/` are exported from these by `scripts/gen-chain-specs.sh`.

use polkadot_sdk::{
	sc_chain_spec::Properties,
	sc_service::{ChainType, GenericChainSpec},
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
};
use strikeline_runtime::WASM_BINARY;

/// A chain spec of Strikeline (no chain-spec extensions).
pub type ChainSpec = GenericChainSpec;

/// Token properties shown by wallets: STRK, 12 decimals, generic SS58 prefix 42.
fn properties() -> Properties {
	let mut props = Properties::new();
	props.insert("tokenSymbol".into(), "STRK".into());
	props.insert("tokenDecimals".into(), 12.into());
	props.insert("ss58Format".into(), 42.into());
	props
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"the runtime wasm is not built into this node (was it built with SKIP_WASM_BUILD?)"
			.to_string()
	})
}

/// The `dev` chain: Alice alone authors and finalizes.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("Strikeline Development")
		.with_id("strikeline_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// The `local` chain: Alice, Bob, Charlie and Dave validate.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("Strikeline Local Testnet")
		.with_id("strikeline_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}
