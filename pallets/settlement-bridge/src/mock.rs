//! Test runtime: System and the bridge, over a scripted ledger.
use crate as pallet_settlement_bridge;
use core::cell::RefCell;
use polkadot_sdk::{
	frame_support::{
		derive_impl,
		traits::{ConstU32, ConstU64, Hooks},
	},
	frame_system,
	sp_io::TestExternalities,
	sp_runtime::{BuildStorage, DispatchError, DispatchResult},
};
use std::collections::BTreeMap;
use strikeline_primitives::{BridgeLedger, OnLedgerChange};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
/// Blocks per epoch in the tests.
pub const EPOCH: u64 = 10;
/// Closed epochs whose changes are kept.
pub const RETENTION: u64 = 3;
/// Change records pruned per block at most.
pub const MAX_PRUNE: u32 = 7;

polkadot_sdk::frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Bridge: pallet_settlement_bridge,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// Extrinsics of the test runtime (for the offchain worker's unsigned transactions).
pub type Extrinsic = polkadot_sdk::sp_runtime::testing::TestXt<RuntimeCall, ()>;

impl<C> frame_system::offchain::CreateTransactionBase<C> for Test
where
	RuntimeCall: From<C>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateBare<C> for Test
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> Extrinsic {
		Extrinsic::new_bare(call)
	}
}

/// The Ethereum address of an ecdsa key.
pub fn address_of(pair: &polkadot_sdk::sp_core::ecdsa::Pair) -> [u8; 20] {
	let hash = [7u8; 32];
	let sig = pair.sign_prehashed(&hash);
	let public = polkadot_sdk::sp_io::crypto::secp256k1_ecdsa_recover(&sig.0, &hash)
		.ok()
		.expect("a valid signature recovers");
	crate::eth_address(&public)
}

/// The seed of validator `i` in the tests: the validators come in groups of four ordered by
/// address (a set is strictly increasing), so validator `i` is the `i % 4`-th by address of
/// `//Validator{4g}` .. `//Validator{4g + 3}`, `g = i / 4`. Group 0 is the genesis set.
pub fn validator_seed(i: u32) -> String {
	use polkadot_sdk::sp_core::Pair;
	let g = i / 4;
	let mut group: Vec<String> = (4 * g..4 * g + 4).map(|k| format!("//Validator{k}")).collect();
	group.sort_by_key(|seed| {
		address_of(&polkadot_sdk::sp_core::ecdsa::Pair::from_string(seed, None).unwrap())
	});
	group.swap_remove((i % 4) as usize)
}

/// Validator `i`'s secp256k1 key ([`validator_seed`]).
pub fn validator_pair(i: u32) -> polkadot_sdk::sp_core::ecdsa::Pair {
	use polkadot_sdk::sp_core::Pair;
	polkadot_sdk::sp_core::ecdsa::Pair::from_string(&validator_seed(i), None).unwrap()
}

/// Validator `i`'s Ethereum address.
pub fn validator_address(i: u32) -> [u8; 20] {
	address_of(&validator_pair(i))
}

thread_local! {
	pub static LEDGER: RefCell<BTreeMap<AccountId, i128>> = Default::default();
}

/// A ledger of collateral per account; every change is reported to the bridge, as the margin
/// pallet does.
pub struct Ledger;
impl BridgeLedger<AccountId> for Ledger {
	fn collateral(who: &AccountId) -> Option<i128> {
		LEDGER.with(|l| l.borrow().get(who).copied())
	}
	fn burn_for_withdrawal(who: &AccountId, amount: u128) -> DispatchResult {
		let c = Self::collateral(who).ok_or(DispatchError::Other("no account"))?;
		if c < amount as i128 {
			return Err(DispatchError::Other("InsufficientMargin"));
		}
		set_collateral(*who, c - amount as i128);
		Ok(())
	}
	fn credit_from_bridge(who: &AccountId, amount: u128) -> DispatchResult {
		let c = Self::collateral(who).unwrap_or(0);
		set_collateral(*who, c + amount as i128);
		Ok(())
	}
}

/// Sets `who`'s collateral and reports the change.
pub fn set_collateral(who: AccountId, collateral: i128) {
	LEDGER.with(|l| l.borrow_mut().insert(who, collateral));
	Bridge::ledger_changed(&who, collateral);
}

/// Strikeline's chain id in the tests.
pub const CHAIN_ID: u64 = 4242;
/// Ethereum's chain id and the vault of the tests' deployment.
pub const ETH_CHAIN_ID: u64 = 1;
pub const VAULT: [u8; 20] = [0x5a; 20];
/// Deposit ids votes are taken for, from the next to credit.
pub const WINDOW: u32 = 4;

impl pallet_settlement_bridge::Config for Test {
	type Ledger = Ledger;
	type EpochLength = ConstU64<EPOCH>;
	type ChangesRetention = ConstU64<RETENTION>;
	type MaxPrunePerBlock = ConstU32<MAX_PRUNE>;
	type MaxWithdrawalsPerEpoch = ConstU32<4>;
	type MaxValidators = ConstU32<8>;
	type DepositWindow = ConstU32<WINDOW>;
	type WeightInfo = ();
}

/// The insurance fund's account in the tests (its exit address is set at genesis).
pub const FUND: AccountId = 1_000;
/// The insurance fund's exit address.
pub const FUND_EXIT: [u8; 20] = [0xf0; 20];

/// Runs blocks until (and including) block `n`'s `on_initialize`: each block before it ends
/// with `on_idle` (all the weight left).
pub fn run_to(n: u64) {
	while System::block_number() < n {
		Bridge::on_idle(System::block_number(), polkadot_sdk::frame_support::weights::Weight::MAX);
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Bridge::on_initialize(next);
	}
}

/// Fresh externalities without an Ethereum deployment: four validators, block 1; the ledger
/// empty.
pub fn new_test_ext_without_ethereum() -> TestExternalities {
	LEDGER.with(|l| l.borrow_mut().clear());
	let validators =
		TestExternalities::default().execute_with(|| (0..4).map(validator_address).collect());
	let storage = RuntimeGenesisConfig {
		bridge: pallet_settlement_bridge::GenesisConfig {
			chain_id: CHAIN_ID,
			validators,
			exit_addresses: vec![(FUND, FUND_EXIT)],
		},
		..Default::default()
	}
	.build_storage()
	.unwrap();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// [`new_test_ext_without_ethereum`] with the deployment ([`ETH_CHAIN_ID`], [`VAULT`]) set.
pub fn new_test_ext() -> TestExternalities {
	let mut ext = new_test_ext_without_ethereum();
	ext.execute_with(|| {
		Bridge::set_ethereum(RuntimeOrigin::root(), ETH_CHAIN_ID, VAULT).unwrap();
	});
	ext
}

/// [`new_test_ext`] with a keystore, where the benchmarks generate validator keys.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> TestExternalities {
	use polkadot_sdk::sp_keystore::{testing::MemoryKeystore, KeystoreExt};
	let mut ext = new_test_ext_without_ethereum();
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext
}

/// Runs `test`, then the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		crate::Pallet::<Test>::do_try_state().expect("invariants hold after the test");
	});
}
