//! Test runtime: System, Balances, Assets (the collateral), the real Margin pallet and
//! Liquidation, with a scripted oracle, series registry and clock.
use crate as pallet_liquidation;
use core::cell::RefCell;
use polkadot_sdk::{
	frame_support::{
		derive_impl, parameter_types,
		traits::{fungible::ItemOf, AsEnsureOriginWithArg, ConstU32, ConstU64, Hooks, UnixTime},
		weights::Weight,
		PalletId,
	},
	frame_system::{self, EnsureRoot, EnsureSigned},
	pallet_assets, pallet_balances,
	sp_io::TestExternalities,
	sp_runtime::BuildStorage,
};
use std::collections::BTreeMap;
use strikeline_primitives::{
	LedgerDelta, MarginLedger, Moment, OptionKind, OracleError, PriceOracle, SeriesId,
	SeriesRegistry, SeriesTerms, UnderlyingId,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub const USDC: u32 = 1;
/// One USD in collateral base units.
pub const USD: u128 = 1_000_000;
/// The keeper in the tests.
pub const KEEPER: AccountId = 100;
/// Collateral each test account starts with in its wallet: 10,000,000 USDC.
pub const WALLET: u128 = 10_000_000 * USD;
/// What genesis seeds the insurance fund with: 100,000 USDC.
pub const FUND_SEED: u128 = 100_000 * USD;
/// Blocks from flag to backstop.
pub const BACKSTOP_DELAY: u64 = 3;
/// Accounts scanned per block at most.
pub const MAX_SCAN: u32 = 4;

polkadot_sdk::frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Assets: pallet_assets,
		Margin: pallet_margin,
		Liquidation: pallet_liquidation,
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
	pub static SPOT: RefCell<Result<u128, OracleError>> = const { RefCell::new(Err(OracleError::NoPrice)) };
	pub static SERIES: RefCell<BTreeMap<SeriesId, SeriesTerms>> = Default::default();
	pub static SETTLEMENT: RefCell<BTreeMap<SeriesId, u128>> = Default::default();
}

pub struct Clock;
impl UnixTime for Clock {
	fn now() -> core::time::Duration {
		core::time::Duration::from_millis(NOW_MS.with(|t| *t.borrow()))
	}
}

/// One underlying (0) with a scripted spot and a 50 % volatility.
pub struct Oracle;
impl PriceOracle for Oracle {
	fn has_underlying(u: UnderlyingId) -> bool {
		u == 0
	}
	fn spot_e6(_: UnderlyingId) -> Result<u128, OracleError> {
		SPOT.with(|s| *s.borrow())
	}
	fn vol_e6(_: UnderlyingId, _: Moment) -> Result<u32, OracleError> {
		SPOT.with(|s| s.borrow().map(|_| 500_000))
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
	pub ScanWeight: Weight = Weight::from_parts(1_000_000_000_000, u64::MAX);
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

impl pallet_liquidation::Config for Test {
	type Ledger = Margin;
	type LiquidatorDiscountPpm = ConstU32<10_000>;
	type InsuranceFeePpm = ConstU32<5_000>;
	type BackstopDelay = ConstU64<BACKSTOP_DELAY>;
	type MaxScanPerBlock = ConstU32<MAX_SCAN>;
	type ScanWeight = ScanWeight;
	type MaxWatched = ConstU32<4>;
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
		set_spot(100_000);
		let first = SERIES.with(|m| m.borrow().len() as u32);
		(first..first + n).map(|id| call(id, 90_000 + id as u128 * 1_000)).collect()
	}
	fn fund_margin(who: &AccountId, amount: u128) {
		deposit(*who, amount);
	}
	fn signer(i: u32) -> AccountId {
		1_000 + i as u64
	}
	fn sign(_: u32, _: &[u8]) {}
	fn set_spot(_: UnderlyingId, spot_e6: u128) {
		SPOT.with(|s| *s.borrow_mut() = Ok(spot_e6));
	}
}

/// Sets the spot in USD (fresh).
pub fn set_spot(usd: u128) {
	SPOT.with(|s| *s.borrow_mut() = Ok(usd * USD));
}
/// Makes the spot stale.
pub fn stale_spot() {
	SPOT.with(|s| *s.borrow_mut() = Err(OracleError::Stale));
}
/// Registers series `id`: a BTC call at `strike_usd`, one BTC per contract, expiring at
/// 2,000,000,000 ms.
pub fn call(id: SeriesId, strike_usd: u128) -> SeriesId {
	let terms = SeriesTerms {
		underlying: 0,
		expiry_ms: 2_000_000_000,
		strike_e6: strike_usd * USD,
		kind: OptionKind::Call,
		contract_size_e6: 1_000_000,
	};
	SERIES.with(|m| m.borrow_mut().insert(id, terms));
	id
}
/// `who` deposits `amount` (minting it first if its wallet is short).
pub fn deposit(who: AccountId, amount: u128) {
	use polkadot_sdk::frame_support::traits::fungible::{Inspect, Mutate};
	let collateral = <Test as pallet_margin::Config>::Collateral::balance(&who);
	if collateral < amount {
		<Test as pallet_margin::Config>::Collateral::mint_into(&who, amount - collateral)
			.expect("mint");
	}
	Margin::deposit(RuntimeOrigin::signed(who), amount).expect("deposit");
}
/// `buyer` buys `n` contracts of `series` from `seller` at `premium_usd` each.
pub fn trade(buyer: AccountId, seller: AccountId, series: SeriesId, n: i64, premium_usd: u128) {
	let cash = (premium_usd * USD) as i128 * n as i128;
	let deltas = [
		LedgerDelta { who: buyer, collateral: -cash, series, contracts: n },
		LedgerDelta { who: seller, collateral: cash, series, contracts: -n },
	];
	<Margin as MarginLedger<_>>::apply(&deltas, 8).expect("the trade meets margin");
}
pub fn set_now(ms: u64) {
	NOW_MS.with(|t| *t.borrow_mut() = ms);
}

/// Finishes the current block (the scan runs in `on_finalize`) and starts the next one (the
/// backstop runs in `on_initialize`).
pub fn next_block() {
	let n = System::block_number();
	Liquidation::on_finalize(n);
	System::set_block_number(n + 1);
	Liquidation::on_initialize(n + 1);
}

/// Fresh externalities: accounts 1..=9 and the keeper hold [`WALLET`] USDC, the insurance
/// fund [`FUND_SEED`], block 1.
pub fn new_test_ext() -> TestExternalities {
	SPOT.with(|s| *s.borrow_mut() = Err(OracleError::NoPrice));
	SERIES.with(|s| s.borrow_mut().clear());
	SETTLEMENT.with(|s| s.borrow_mut().clear());
	set_now(1_000_000);
	let fund = pallet_margin::Pallet::<Test>::account_id();
	let mut accounts: Vec<_> = (1..=9).chain([KEEPER]).map(|a| (USDC, a, WALLET)).collect();
	accounts.push((USDC, fund, FUND_SEED));
	let storage = RuntimeGenesisConfig {
		assets: pallet_assets::GenesisConfig {
			assets: vec![(USDC, 1, true, 10_000)],
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

/// Runs `test` in [`new_test_ext`], then both pallets' invariants.
pub struct ExtBuilder;
impl ExtBuilder {
	pub fn build_and_execute(test: impl FnOnce()) {
		new_test_ext().execute_with(|| {
			test();
			pallet_margin::Pallet::<Test>::do_try_state().expect("ledger invariants hold");
			crate::Pallet::<Test>::do_try_state().expect("liquidation invariants hold");
		});
	}
}
