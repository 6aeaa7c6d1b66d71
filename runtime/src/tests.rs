//! Runtime tests in a test externality: genesis presets, metadata, transfers.

use crate::{
	genesis_config_presets::{self, DEV_COLLATERAL_ENDOWMENT, DEV_NATIVE_ENDOWMENT},
	*,
};
use codec::Decode;
use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::{
			fungibles::{metadata::Inspect as MetadataInspect, Inspect},
			Get,
		},
	},
	sp_genesis_builder::{self, PresetId},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_runtime::BuildStorage,
};
use serde_json::Value;

/// Merges a genesis patch into a full genesis config, as the node's chain-spec builder does:
/// objects merge key by key, anything else is replaced.
fn merge(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (k, v) in patch {
				merge(base.entry(k).or_insert(Value::Null), v);
			}
		}
		(base, patch) => *base = patch,
	}
}

/// The genesis config of a preset, built the way the node builds it.
fn preset_config(name: &str) -> RuntimeGenesisConfig {
	let patch_bytes = genesis_config_presets::get_preset(&PresetId::from(name))
		.unwrap_or_else(|| panic!("preset {name} exists"));
	let patch: Value = serde_json::from_slice(&patch_bytes).expect("preset is json");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
	merge(&mut config, patch);
	serde_json::from_value(config).expect("merged preset is a valid genesis config")
}

pub(crate) fn ext(preset: &str) -> TestExternalities {
	let storage = preset_config(preset).build_storage().expect("genesis storage builds");
	let mut ext = TestExternalities::new(storage);
	// The bridge's benchmarks generate validator keys in a keystore.
	ext.register_extension(polkadot_sdk::sp_keystore::KeystoreExt::new(
		polkadot_sdk::sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

#[test]
fn preset_names_are_development_and_local_testnet() {
	let names = genesis_config_presets::preset_names();
	assert_eq!(
		names,
		vec![
			PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
			PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		]
	);
	assert!(genesis_config_presets::get_preset(&PresetId::from("mainnet")).is_none());
}

#[test]
fn development_preset_builds_with_alice_alone() {
	ext(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(Grandpa::grandpa_authorities().len(), 1);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
	});
}

#[test]
fn local_testnet_preset_builds_with_four_validators() {
	ext(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let aura = pallet_aura::Authorities::<Runtime>::get();
		assert_eq!(aura.len(), 4);
		for (i, who) in [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.into_iter()
		.enumerate()
		{
			assert_eq!(aura[i], who.public().into());
		}
		assert_eq!(Grandpa::grandpa_authorities().len(), 4);
	});
}

#[test]
fn presets_fund_dev_accounts_and_create_the_collateral_asset() {
	for preset in
		[sp_genesis_builder::DEV_RUNTIME_PRESET, sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET]
	{
		ext(preset).execute_with(|| {
			let accounts = genesis_config_presets::dev_accounts();
			assert_eq!(accounts.len(), 6);
			for who in &accounts {
				assert_eq!(Balances::free_balance(who), DEV_NATIVE_ENDOWMENT);
				assert_eq!(Assets::balance(COLLATERAL_ASSET_ID, who), DEV_COLLATERAL_ENDOWMENT);
			}
			assert_eq!(
				<Assets as Inspect<AccountId>>::total_issuance(COLLATERAL_ASSET_ID),
				DEV_COLLATERAL_ENDOWMENT * accounts.len() as u128
					+ genesis_config_presets::INSURANCE_FUND_SEED
			);
			assert_eq!(
				<Assets as Inspect<AccountId>>::minimum_balance(COLLATERAL_ASSET_ID),
				COLLATERAL_MIN_BALANCE
			);
			assert_eq!(
				<Assets as MetadataInspect<AccountId>>::decimals(COLLATERAL_ASSET_ID),
				COLLATERAL_DECIMALS
			);
			assert_eq!(
				<Assets as MetadataInspect<AccountId>>::symbol(COLLATERAL_ASSET_ID),
				b"USDC".to_vec()
			);
		});
	}
}

#[test]
fn metadata_is_v16_and_lists_the_pallets() {
	assert!(Runtime::metadata_versions().contains(&16));
	let opaque = Runtime::metadata_at_version(16).expect("V16 is supported");
	let prefixed = RuntimeMetadataPrefixed::decode(&mut &opaque[..]).expect("decodes");
	let RuntimeMetadata::V16(metadata) = prefixed.1 else {
		panic!("expected V16 metadata, got version {}", prefixed.1.version())
	};
	let names: Vec<&str> = metadata.pallets.iter().map(|p| p.name.as_str()).collect();
	assert_eq!(
		names,
		[
			"System",
			"Timestamp",
			"Aura",
			"Grandpa",
			"Balances",
			"TransactionPayment",
			"Sudo",
			"Utility",
			"Assets",
			"Oracle",
			"Margin",
			"Options",
			"Liquidation",
			"Bridge"
		]
	);
	let apis: Vec<&str> = metadata.apis.iter().map(|a| a.name.as_str()).collect();
	for api in [
		"StrikelineApi",
		"Core",
		"Metadata",
		"BlockBuilder",
		"TaggedTransactionQueue",
		"AuraApi",
		"GrandpaApi",
		"SessionKeys",
		"AccountNonceApi",
		"TransactionPaymentApi",
		"GenesisBuilder",
	] {
		assert!(apis.contains(&api), "runtime API {api} missing from metadata: {apis:?}");
	}
}

#[test]
fn balance_transfer_works() {
	ext(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(alice.clone()),
			bob.clone().into(),
			5 * UNIT
		));
		assert_eq!(Balances::free_balance(&alice), DEV_NATIVE_ENDOWMENT - 5 * UNIT);
		assert_eq!(Balances::free_balance(&bob), DEV_NATIVE_ENDOWMENT + 5 * UNIT);
		System::assert_last_event(
			pallet_balances::Event::Transfer { from: alice, to: bob, amount: 5 * UNIT }.into(),
		);
	});
}

#[test]
fn collateral_transfer_works_and_overdraft_changes_nothing() {
	ext(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let eve = Sr25519Keyring::Eve.to_account_id();
		let amount = 250 * COLLATERAL_UNIT;
		assert_ok!(Assets::transfer(
			RuntimeOrigin::signed(alice.clone()),
			COLLATERAL_ASSET_ID.into(),
			eve.clone().into(),
			amount
		));
		assert_eq!(Assets::balance(COLLATERAL_ASSET_ID, &alice), DEV_COLLATERAL_ENDOWMENT - amount);
		assert_eq!(Assets::balance(COLLATERAL_ASSET_ID, &eve), DEV_COLLATERAL_ENDOWMENT + amount);

		assert_noop!(
			Assets::transfer(
				RuntimeOrigin::signed(alice.clone()),
				COLLATERAL_ASSET_ID.into(),
				eve.into(),
				DEV_COLLATERAL_ENDOWMENT
			),
			pallet_assets::Error::<Runtime>::BalanceLow
		);
	});
}

#[test]
fn signed_origins_cannot_create_assets() {
	ext(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		assert!(Assets::create(RuntimeOrigin::signed(alice.clone()), 7.into(), alice.into(), 1)
			.is_err());
	});
}

#[test]
fn block_limits_follow_the_slot() {
	let weights = configs::RuntimeBlockWeights::get();
	assert_eq!(weights.max_block, MAXIMUM_BLOCK_WEIGHT);
	assert_eq!(
		MAXIMUM_BLOCK_WEIGHT.ref_time(),
		SLOT_DURATION_MS / 3 * frame_support::weights::constants::WEIGHT_REF_TIME_PER_MILLIS
	);
	let length = configs::RuntimeBlockLength::get();
	assert_eq!(
		*length.max.get(frame_support::dispatch::DispatchClass::Operational),
		MAXIMUM_BLOCK_LENGTH
	);
	let min_period_ms: u64 =
		<<Runtime as pallet_timestamp::Config>::MinimumPeriod as Get<u64>>::get();
	assert_eq!(min_period_ms * 2, SLOT_DURATION_MS);
}

/// Each network has its own bridge chain id and genesis hash, a strictly increasing validator
/// set, and an exit address for the insurance fund (which has no key to set one).
#[test]
fn each_network_has_its_own_bridge_identity() {
	use strikeline_primitives::bridge;
	let mut ids = Vec::new();
	for preset in ["development", "local_testnet"] {
		ext(preset).execute_with(|| {
			let id = pallet_settlement_bridge::ChainId::<Runtime>::get();
			assert_ne!(id, 0);
			assert_eq!(
				pallet_settlement_bridge::GenesisHash::<Runtime>::get(),
				bridge::genesis_hash(id)
			);
			assert!(bridge::is_validator_set(&Bridge::current_set()));
			let fund = pallet_margin::Pallet::<Runtime>::account_id();
			assert_eq!(
				pallet_settlement_bridge::ExitAddresses::<Runtime>::get(fund),
				genesis_config_presets::DEV_INSURANCE_EXIT_ADDRESS
			);
			ids.push(id);
		});
	}
	assert_ne!(ids[0], ids[1]);
}
