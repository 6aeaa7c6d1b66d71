//! Test runtime with the whole clearing stack: System, Balances, Assets (collateral), the
//! price oracle, margin and options pallets, a scripted clock and `TestSignature` orders.
use crate as pallet_options;
use core::cell::RefCell;
use polkadot_sdk::{
	frame_support::{
		derive_impl, parameter_types,
		traits::{fungible::ItemOf, AsEnsureOriginWithArg, ConstU32, ConstU64, Hooks, UnixTime},
		BoundedVec, PalletId,
	},
	frame_system::{self, EnsureRoot, EnsureSigned},
	pallet_assets, pallet_balances,
	sp_io::TestExternalities,
	sp_runtime::{
		testing::{TestSignature, UintAuthorityId},
		BuildStorage,
	},
};
use strikeline_primitives::{OptionKind, SeriesTerms};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub const USDC: u32 = 1;
pub const USD: u128 = 1_000_000;
pub const MINUTE: u64 = 60_000;
/// Start of the clock: a whole minute.
pub const T0: u64 = 29_000_000 * MINUTE;
/// The feeder.
pub const FEEDER: AccountId = 100;
/// Each trader's wallet: 1,000,000 USDC.
pub const WALLET: u128 = 1_000_000 * USD;

polkadot_sdk::frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Assets: pallet_assets,
		Oracle: pallet_price_oracle,
		Margin: pallet_margin,
		Options: pallet_options,
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
	pub static NOW_MS: RefCell<u64> = const { RefCell::new(T0) };
}

pub struct Clock;
impl UnixTime for Clock {
	fn now() -> core::time::Duration {
		core::time::Duration::from_millis(NOW_MS.with(|t| *t.borrow()))
	}
}
pub fn now() -> u64 {
	NOW_MS.with(|t| *t.borrow())
}
pub fn set_now(ms: u64) {
	NOW_MS.with(|t| *t.borrow_mut() = ms);
}

impl pallet_price_oracle::Config for Test {
	type AdminOrigin = EnsureRoot<AccountId>;
	type Time = Clock;
	type MaxFeeders = ConstU32<4>;
	type MaxVolsPerFeed = ConstU32<4>;
	type StalenessMs = ConstU64<{ 5 * MINUTE }>;
	type MaxJumpPpm = ConstU32<250_000>;
	type ObservationPeriodMs = ConstU64<MINUTE>;
	type SettlementWindowMs = ConstU64<{ 30 * MINUTE }>;
	type OnPriceUpdate = ();
	type WeightInfo = ();
}

parameter_types! {
	pub const MarginPalletId: PalletId = PalletId(*b"sl/margn");
	pub const CollateralAsset: u32 = USDC;
}

impl pallet_margin::Config for Test {
	type AdminOrigin = EnsureRoot<AccountId>;
	type Collateral = ItemOf<Assets, CollateralAsset, AccountId>;
	type Oracle = Oracle;
	type Series = Options;
	type Time = Clock;
	type PalletId = MarginPalletId;
	type MaxPositions = ConstU32<8>;
	type MaxContracts = ConstU64<1_000_000_000>;
	type InitialMarginPpm = ConstU32<150_000>;
	type MarginFloorPpm = ConstU32<100_000>;
	type MaintenanceMarginPpm = ConstU32<75_000>;
	type OnLedgerChange = ();
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchHelper;
}

impl pallet_options::Config for Test {
	type AdminOrigin = EnsureRoot<AccountId>;
	type Margin = Margin;
	type Oracle = Oracle;
	type Time = Clock;
	type OrderSignature = TestSignature;
	type OrderSigner = UintAuthorityId;
	type MaxFillsPerBatch = ConstU32<16>;
	type MaxLiveSeries = ConstU32<16>;
	type MaxSettlementsPerBlock = ConstU32<3>;
	type ExpiryGranularityMs = ConstU64<MINUTE>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchHelper;
}

/// Benchmark set-up on the whole mock stack: series at [`EXPIRY`], BTC fed, `TestSignature`s.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchHelper;
/// The signature types the helper signs for: `TestSignature` for orders, `()` for the margin
/// pallet (which signs nothing).
#[cfg(feature = "runtime-benchmarks")]
pub trait FromTestSignature {
	fn from_test(signature: TestSignature) -> Self;
}
#[cfg(feature = "runtime-benchmarks")]
impl FromTestSignature for TestSignature {
	fn from_test(signature: TestSignature) -> Self {
		signature
	}
}
#[cfg(feature = "runtime-benchmarks")]
impl FromTestSignature for () {
	fn from_test(_: TestSignature) -> Self {}
}
#[cfg(feature = "runtime-benchmarks")]
impl<S: FromTestSignature> strikeline_primitives::BenchmarkHelper<AccountId, S> for BenchHelper {
	fn setup_series(n: u32) -> Vec<strikeline_primitives::SeriesId> {
		feed(100_000);
		(0..n)
			.map(|k| {
				let id = crate::NextSeriesId::<Test>::get();
				let terms = btc(OptionKind::Call, 90_000 + 1_000 * k as u128);
				Options::create_series(RuntimeOrigin::root(), terms).expect("room for series");
				id
			})
			.collect()
	}
	fn fund_margin(who: &AccountId, amount: u128) {
		use polkadot_sdk::frame_support::traits::fungible::Mutate;
		<Test as pallet_margin::Config>::Collateral::mint_into(who, amount).expect("mint");
		Margin::deposit(RuntimeOrigin::signed(*who), amount).expect("deposit");
	}
	fn signer(i: u32) -> AccountId {
		1_000 + i as u64
	}
	fn sign(i: u32, message: &[u8]) -> S {
		S::from_test(TestSignature(1_000 + i as u64, message.to_vec()))
	}
	fn set_spot(underlying: strikeline_primitives::UnderlyingId, spot_e6: u128) {
		pallet_price_oracle::Spot::<Test>::insert(
			underlying,
			pallet_price_oracle::PricePoint { value: spot_e6, updated_ms: now() },
		);
	}
}

/// One hour after [`T0`].
pub const EXPIRY: u64 = T0 + 60 * MINUTE;

/// Series 0: BTC call, strike 100k, 1 BTC, expiring at [`EXPIRY`]; series 1: the put.
pub fn btc(kind: OptionKind, strike_usd: u128) -> SeriesTerms {
	SeriesTerms {
		underlying: 0,
		expiry_ms: EXPIRY,
		strike_e6: strike_usd * USD,
		kind,
		contract_size_e6: 1_000_000,
	}
}

/// Feeds the BTC spot and a 60 % vol for [`EXPIRY`] at the current time.
pub fn feed(spot_usd: u128) {
	let vols = BoundedVec::try_from(vec![(EXPIRY, 600_000)]).unwrap();
	Oracle::feed(RuntimeOrigin::signed(FEEDER), 0, spot_usd * USD, vols, now())
		.expect("feeding works");
}

/// Moves the clock to `ms` and runs one block's `on_initialize`.
pub fn advance_to(ms: u64) {
	set_now(ms);
	let n = System::block_number() + 1;
	System::set_block_number(n);
	Options::on_initialize(n);
}

/// Runs every pallet's invariants.
pub fn check_invariants() {
	pallet_margin::Pallet::<Test>::do_try_state().expect("margin invariants");
	pallet_price_oracle::Pallet::<Test>::do_try_state().expect("oracle invariants");
	crate::Pallet::<Test>::do_try_state().expect("options invariants");
}

/// Builds the externalities: accounts 1..=9 with [`WALLET`] USDC, a seeded insurance fund,
/// BTC registered with [`FEEDER`], series 0 (call 100k) and 1 (put 100k) at [`EXPIRY`], BTC at
/// 100k. Runs all invariants after the test.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		check_invariants();
	});
}

pub fn new_test_ext() -> TestExternalities {
	set_now(T0);
	let fund = pallet_margin::Pallet::<Test>::account_id();
	let mut accounts: Vec<_> = (1..=9).map(|a| (USDC, a, WALLET)).collect();
	accounts.push((USDC, fund, USD));
	let storage = RuntimeGenesisConfig {
		assets: pallet_assets::GenesisConfig {
			assets: vec![(USDC, 1, true, 10_000)],
			accounts,
			..Default::default()
		},
		oracle: pallet_price_oracle::GenesisConfig {
			feeders: vec![FEEDER],
			underlyings: vec![(0, b"BTC".to_vec())],
		},
		options: crate::GenesisConfig {
			series: vec![btc(OptionKind::Call, 100_000), btc(OptionKind::Put, 100_000)],
			..Default::default()
		},
		..Default::default()
	}
	.build_storage()
	.unwrap();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		feed(100_000);
	});
	ext
}
