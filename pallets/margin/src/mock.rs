//! Test runtime: System, Balances, Assets (the collateral) and Margin, with a scripted oracle,
//! series registry and clock.
use crate as pallet_margin;
use core::cell::RefCell;
use polkadot_sdk::{
	frame_support::{
		derive_impl, parameter_types,
		traits::{fungible::ItemOf, AsEnsureOriginWithArg, ConstU32, ConstU64, UnixTime},
		PalletId,
	},
	frame_system::{self, EnsureRoot, EnsureSigned},
	pallet_assets, pallet_balances,
	sp_io::TestExternalities,
	sp_runtime::BuildStorage,
};
use std::collections::BTreeMap;
use strikeline_primitives::{
	Moment, OracleError, PriceOracle, SeriesId, SeriesRegistry, SeriesTerms, UnderlyingId,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub const USDC: u32 = 1;
pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
/// Collateral each test account starts with in its wallet: 1,000,000 USDC.
pub const WALLET: u128 = 1_000_000_000_000;
/// What genesis seeds the insurance fund with.
pub const FUND_SEED: u128 = 1_000_000;

polkadot_sdk::frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Assets: pallet_assets,
		Margin: pallet_margin,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = u128;
	type AccountStore = System;
}

#[derive_impl(pallet_assets::config_preludes::TestDefaultConfig)]
impl pallet_assets::Config for Test {
	type Balance = u128;
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type Freezer = ();
	type Holder = ();
}

thread_local! {
	pub static NOW_MS: RefCell<u64> = const { RefCell::new(1_000_000) };
	pub static SPOT: RefCell<BTreeMap<UnderlyingId, Result<u128, OracleError>>> = Default::default();
	pub static VOL: RefCell<u32> = const { RefCell::new(500_000) };
	pub static SERIES: RefCell<BTreeMap<SeriesId, SeriesTerms>> = Default::default();
	pub static SETTLEMENT: RefCell<BTreeMap<SeriesId, u128>> = Default::default();
}

pub struct Clock;
impl UnixTime for Clock {
	fn now() -> core::time::Duration {
		core::time::Duration::from_millis(NOW_MS.with(|t| *t.borrow()))
	}
}

pub struct Oracle;
impl PriceOracle for Oracle {
	fn has_underlying(u: UnderlyingId) -> bool {
		u == 0
	}
	fn spot_e6(u: UnderlyingId) -> Result<u128, OracleError> {
		SPOT.with(|s| s.borrow().get(&u).copied().unwrap_or(Err(OracleError::NoPrice)))
	}
	fn vol_e6(_: UnderlyingId, _: Moment) -> Result<u32, OracleError> {
		Ok(VOL.with(|v| *v.borrow()))
	}
	fn settlement_price_e6(_: UnderlyingId, _: Moment) -> Option<u128> {
		None
	}
}

pub struct Registry;
impl SeriesRegistry for Registry {
	fn terms(s: SeriesId) -> Option<SeriesTerms> {
		SERIES.with(|m| m.borrow().get(&s).copied())
	}
	fn settlement_price_e6(s: SeriesId) -> Option<u128> {
		SETTLEMENT.with(|m| m.borrow().get(&s).copied())
	}
}

parameter_types! {
	pub const MarginPalletId: PalletId = PalletId(*b"sl/margn");
	pub const CollateralAsset: u32 = USDC;
}

impl pallet_margin::Config for Test {
	type AdminOrigin = EnsureRoot<AccountId>;
	type Collateral = ItemOf<Assets, CollateralAsset, AccountId>;
	type Oracle = Oracle;
	type Series = Registry;
	type Time = Clock;
	type PalletId = MarginPalletId;
	type MaxPositions = ConstU32<8>;
	type MaxContracts = ConstU64<1_000_000_000_000>;
	type InitialMarginPpm = ConstU32<150_000>;
	type MarginFloorPpm = ConstU32<100_000>;
	type MaintenanceMarginPpm = ConstU32<75_000>;
	type OnLedgerChange = ();
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchHelper;
}

/// Benchmark set-up on the scripted oracle and registry.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchHelper;
#[cfg(feature = "runtime-benchmarks")]
impl strikeline_primitives::BenchmarkHelper<AccountId, ()> for BenchHelper {
	fn setup_series(n: u32) -> Vec<SeriesId> {
		use strikeline_primitives::OptionKind;
		set_spot(0, Ok(100_000_000_000));
		let first = SERIES.with(|m| m.borrow().len() as u32);
		(first..first + n)
			.map(|id| {
				add_series(
					id,
					SeriesTerms {
						underlying: 0,
						expiry_ms: 2_000_000_000,
						strike_e6: 90_000_000_000 + id as u128 * 1_000_000_000,
						kind: OptionKind::Call,
						contract_size_e6: 1_000_000,
					},
				);
				id
			})
			.collect()
	}
	fn fund_margin(who: &AccountId, amount: u128) {
		use polkadot_sdk::frame_support::traits::fungible::Mutate;
		<Test as crate::Config>::Collateral::mint_into(who, amount).expect("mint");
		Margin::deposit(RuntimeOrigin::signed(*who), amount).expect("deposit");
	}
	fn signer(i: u32) -> AccountId {
		1_000 + i as u64
	}
	fn sign(_: u32, _: &[u8]) {}
	fn set_spot(u: UnderlyingId, spot_e6: u128) {
		set_spot(u, Ok(spot_e6));
	}
}

pub fn set_spot(u: UnderlyingId, price: Result<u128, OracleError>) {
	SPOT.with(|s| s.borrow_mut().insert(u, price));
}
pub fn add_series(id: SeriesId, terms: SeriesTerms) {
	SERIES.with(|m| m.borrow_mut().insert(id, terms));
}
pub fn set_settlement(id: SeriesId, price: u128) {
	SETTLEMENT.with(|m| m.borrow_mut().insert(id, price));
}
pub fn set_now(ms: u64) {
	NOW_MS.with(|t| *t.borrow_mut() = ms);
}

/// Fresh externalities as [`ExtBuilder`] sets them up (for the benchmark test suite).
pub fn new_test_ext() -> TestExternalities {
	SPOT.with(|s| s.borrow_mut().clear());
	SERIES.with(|s| s.borrow_mut().clear());
	SETTLEMENT.with(|s| s.borrow_mut().clear());
	set_now(1_000_000);
	let fund = crate::Pallet::<Test>::account_id();
	let mut accounts: Vec<_> = (1..=9).map(|a| (USDC, a, WALLET)).collect();
	accounts.push((USDC, fund, FUND_SEED));
	let storage = RuntimeGenesisConfig {
		assets: pallet_assets::GenesisConfig {
			assets: vec![(USDC, ALICE, true, 10_000)],
			accounts,
			..Default::default()
		},
		..Default::default()
	}
	.build_storage()
	.unwrap();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Builds the test externalities: ALICE and BOB (and accounts 3..=9) hold [`WALLET`] USDC,
/// the insurance fund holds [`FUND_SEED`]. Runs the pallet's invariants after the test.
pub struct ExtBuilder;
impl ExtBuilder {
	pub fn build_and_execute(test: impl FnOnce()) {
		new_test_ext().execute_with(|| {
			test();
			crate::Pallet::<Test>::do_try_state().expect("invariants hold after the test");
		});
	}
}
