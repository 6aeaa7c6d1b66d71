//! Genesis presets: `development` (Alice alone) and `local_testnet` (Alice, Bob, Charlie and
//! Dave as validators).
//!
//! Both presets fund the six well-known dev accounts (Alice, Bob, Charlie, Dave, Eve, Ferdie)
//! with [`DEV_NATIVE_ENDOWMENT`] of the native token and [`DEV_COLLATERAL_ENDOWMENT`] of the
//! collateral asset, make Alice the sudo key, and create the collateral asset
//! ([`COLLATERAL_ASSET_ID`], "USD Coin" / "USDC", 6 decimals, sufficient) owned by Alice.
//!
//! Clearing: the validators are the oracle's feeders; BTC ([`BTC`]) and ETH ([`ETH`]) are the
//! underlyings; [`demo_series`] lists the option series open at genesis; the margin pallet's
//! account holds [`INSURANCE_FUND_SEED`] as the insurance fund.

use crate::{
	AccountId, AssetsConfig, AuraConfig, Balance, BalancesConfig, BridgeConfig, GrandpaConfig,
	OptionsConfig, OracleConfig, Runtime, RuntimeGenesisConfig, SudoConfig, COLLATERAL_ASSET_ID,
	COLLATERAL_DECIMALS, COLLATERAL_MIN_BALANCE, COLLATERAL_UNIT, UNIT,
};
use alloc::{vec, vec::Vec};
use polkadot_sdk::{
	frame_support::build_struct_json_patch,
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_consensus_grandpa::AuthorityId as GrandpaId,
	sp_genesis_builder::{self, PresetId},
	sp_keyring::{Ed25519Keyring, Sr25519Keyring},
};
use serde_json::Value;
use strikeline_primitives::{OptionKind, SeriesTerms, UnderlyingId};

/// Native token given to each dev account: one million STRK.
pub const DEV_NATIVE_ENDOWMENT: Balance = 1_000_000 * UNIT;
/// Collateral given to each dev account: one million USDC.
pub const DEV_COLLATERAL_ENDOWMENT: Balance = 1_000_000 * COLLATERAL_UNIT;
/// Name of the collateral asset in its on-chain metadata.
pub const COLLATERAL_NAME: &[u8] = b"USD Coin";
/// Symbol of the collateral asset in its on-chain metadata.
pub const COLLATERAL_SYMBOL: &[u8] = b"USDC";

/// Underlying id of Bitcoin.
pub const BTC: UnderlyingId = 0;
/// Underlying id of Ether.
pub const ETH: UnderlyingId = 1;
/// Collateral in the margin pallet's account at genesis: the insurance fund.
pub const INSURANCE_FUND_SEED: Balance = 10_000 * COLLATERAL_UNIT;
/// Demo expiries: 2027-03-26 and 2027-06-25, 08:00 UTC, in ms since the Unix epoch.
pub const DEMO_EXPIRIES_MS: [u64; 2] = [1_806_048_000_000, 1_813_910_400_000];

/// The option series open at genesis: for each demo expiry, BTC calls and puts struck at
/// 90k, 100k and 110k USD and ETH calls and puts at 3,000 and 3,500 USD, one unit of
/// underlying per contract.
pub fn demo_series() -> Vec<SeriesTerms> {
	let mut series = Vec::new();
	for expiry_ms in DEMO_EXPIRIES_MS {
		let strikes: [(UnderlyingId, u128); 5] =
			[(BTC, 90_000), (BTC, 100_000), (BTC, 110_000), (ETH, 3_000), (ETH, 3_500)];
		for (underlying, strike_usd) in strikes {
			for kind in [OptionKind::Call, OptionKind::Put] {
				series.push(SeriesTerms {
					underlying,
					expiry_ms,
					strike_e6: strike_usd * COLLATERAL_UNIT,
					kind,
					contract_size_e6: 1_000_000,
				});
			}
		}
	}
	series
}

/// The well-known dev accounts funded in every preset.
pub fn dev_accounts() -> Vec<AccountId> {
	[
		Sr25519Keyring::Alice,
		Sr25519Keyring::Bob,
		Sr25519Keyring::Charlie,
		Sr25519Keyring::Dave,
		Sr25519Keyring::Eve,
		Sr25519Keyring::Ferdie,
	]
	.into_iter()
	.map(|k| k.to_account_id())
	.collect()
}

/// Ethereum addresses of the well-known dev validators' secp256k1 bridge keys (`//Alice`,
/// `//Bob`, `//Charlie`, `//Dave` as ecdsa; a dev node started with `--alice` etc. has them in
/// its keystore through the session keys).
pub const DEV_BRIDGE_ADDRESSES: [[u8; 20]; 4] = [
	[
		0xe0, 0x4c, 0xc5, 0x5e, 0xbe, 0xe1, 0xcb, 0xce, 0x55, 0x2f, 0x25, 0x0e, 0x85, 0xc5, 0x7b,
		0x70, 0xb2, 0xe2, 0x62, 0x5b,
	],
	[
		0x25, 0x45, 0x1a, 0x4d, 0xe1, 0x2d, 0xcc, 0xc2, 0xd1, 0x66, 0x92, 0x2f, 0xa9, 0x38, 0xe9,
		0x00, 0xfc, 0xc4, 0xed, 0x24,
	],
	[
		0x56, 0x30, 0xa4, 0x80, 0x72, 0x7c, 0xd7, 0x79, 0x90, 0x73, 0xb3, 0x64, 0x72, 0xd9, 0xb1,
		0xa6, 0x03, 0x1f, 0x84, 0x0b,
	],
	[
		0x4b, 0xb3, 0x2a, 0x42, 0x63, 0xe3, 0x69, 0xac, 0xbb, 0x6c, 0x02, 0x0f, 0xfa, 0x89, 0xa4,
		0x1f, 0xd9, 0x72, 0x28, 0x94,
	],
];

/// The bridge chain id of the `development` network ("STRK").
pub const DEV_BRIDGE_CHAIN_ID: u64 = 0x5354_524b;
/// The bridge chain id of the `local_testnet` network ("STRL"): every network has its own, so
/// nothing signed for one is worth anything to another.
pub const LOCAL_BRIDGE_CHAIN_ID: u64 = 0x5354_524c;
/// Where the insurance fund (the margin pallet's account, which has no key) exits to after a
/// freeze on the dev networks: anvil's first development account. A real network sets its
/// treasury's address here (or by root, `force_set_exit_address`).
pub const DEV_INSURANCE_EXIT_ADDRESS: [u8; 20] = [
	0xf3, 0x9f, 0xd6, 0xe5, 0x1a, 0xad, 0x88, 0xf6, 0xf4, 0xce, 0x6a, 0xb8, 0x82, 0x72, 0x79, 0xcf,
	0xff, 0xb9, 0x22, 0x66,
];

/// A bridge validator set from dev addresses: strictly increasing, as every set must be.
fn bridge_set(addresses: &[[u8; 20]]) -> Vec<[u8; 20]> {
	let mut set = addresses.to_vec();
	set.sort();
	set
}

/// Aura and GRANDPA keys of a well-known dev validator (`//Alice` etc.).
fn authority_keys(sr: Sr25519Keyring, ed: Ed25519Keyring) -> (AuraId, GrandpaId) {
	(sr.public().into(), ed.public().into())
}

/// Genesis configuration for the given validators, endowed accounts and sudo key.
fn strikeline_genesis(
	authorities: Vec<(AuraId, GrandpaId)>,
	feeders: Vec<AccountId>,
	bridge_chain_id: u64,
	bridge_validators: Vec<[u8; 20]>,
	endowed: Vec<AccountId>,
	root: AccountId,
) -> Value {
	let mut collateral_accounts: Vec<_> = endowed
		.iter()
		.cloned()
		.map(|a| (COLLATERAL_ASSET_ID, a, DEV_COLLATERAL_ENDOWMENT))
		.collect();
	collateral_accounts.push((
		COLLATERAL_ASSET_ID,
		pallet_margin::Pallet::<Runtime>::account_id(),
		INSURANCE_FUND_SEED,
	));
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed
				.iter()
				.cloned()
				.map(|a| (a, DEV_NATIVE_ENDOWMENT))
				.collect::<Vec<_>>(),
		},
		aura: AuraConfig {
			authorities: authorities.iter().map(|a| a.0.clone()).collect::<Vec<_>>()
		},
		grandpa: GrandpaConfig {
			authorities: authorities.iter().map(|a| (a.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root.clone()) },
		assets: AssetsConfig {
			assets: vec![(COLLATERAL_ASSET_ID, root, true, COLLATERAL_MIN_BALANCE)],
			metadata: vec![(
				COLLATERAL_ASSET_ID,
				COLLATERAL_NAME.to_vec(),
				COLLATERAL_SYMBOL.to_vec(),
				COLLATERAL_DECIMALS
			)],
			accounts: collateral_accounts,
		},
		oracle: OracleConfig {
			feeders,
			underlyings: vec![(BTC, b"BTC".to_vec()), (ETH, b"ETH".to_vec())],
		},
		options: OptionsConfig { series: demo_series() },
		bridge: BridgeConfig {
			chain_id: bridge_chain_id,
			validators: bridge_validators,
			exit_addresses: vec![(
				pallet_margin::Pallet::<Runtime>::account_id(),
				DEV_INSURANCE_EXIT_ADDRESS
			)],
		},
	})
}

/// The `development` preset: Alice is the only validator.
pub fn development_config_genesis() -> Value {
	strikeline_genesis(
		vec![authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		vec![Sr25519Keyring::Alice.to_account_id()],
		DEV_BRIDGE_CHAIN_ID,
		bridge_set(&DEV_BRIDGE_ADDRESSES[..1]),
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The `local_testnet` preset: Alice, Bob, Charlie and Dave validate, so one may fail and
/// GRANDPA (which needs more than 2/3) still finalizes.
pub fn local_testnet_config_genesis() -> Value {
	strikeline_genesis(
		vec![
			authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority_keys(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority_keys(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			authority_keys(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
			.into_iter()
			.map(|k| k.to_account_id())
			.collect(),
		LOCAL_BRIDGE_CHAIN_ID,
		bridge_set(&DEV_BRIDGE_ADDRESSES),
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The JSON patch of the named preset, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
