//! Test runtime: System and the oracle, with a scripted clock. Feeders 1, 2 and 3; BTC (0)
//! registered; 1-minute observation period, 30-minute settlement window.
use crate as pallet_price_oracle;
use core::cell::RefCell;
use polkadot_sdk::{
	frame_support::{
		derive_impl,
		traits::{ConstU32, ConstU64, UnixTime},
	},
	frame_system::{self, EnsureRoot},
	sp_io::TestExternalities,
	sp_runtime::BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub const MINUTE: u64 = 60_000;
/// The clock's start: a whole number of minutes.
pub const T0: u64 = 1_000 * MINUTE;

polkadot_sdk::frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Oracle: pallet_price_oracle,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
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

pub fn set_now(ms: u64) {
	NOW_MS.with(|t| *t.borrow_mut() = ms);
}
pub fn now() -> u64 {
	NOW_MS.with(|t| *t.borrow())
}

impl pallet_price_oracle::Config for Test {
	type AdminOrigin = EnsureRoot<AccountId>;
	type Time = Clock;
	type MaxFeeders = ConstU32<5>;
	type MaxVolsPerFeed = ConstU32<4>;
	type StalenessMs = ConstU64<{ 2 * MINUTE }>;
	type MaxJumpPpm = ConstU32<200_000>;
	type ObservationPeriodMs = ConstU64<MINUTE>;
	type SettlementWindowMs = ConstU64<{ 30 * MINUTE }>;
	type OnPriceUpdate = ();
	type WeightInfo = ();
}

pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		crate::Pallet::<Test>::do_try_state().expect("invariants hold after the test");
	});
}

/// Fresh externalities: feeders 1, 2, 3 and BTC registered, the clock at [`T0`].
pub fn new_test_ext() -> TestExternalities {
	set_now(T0);
	let storage = RuntimeGenesisConfig {
		oracle: pallet_price_oracle::GenesisConfig {
			feeders: vec![1, 2, 3],
			underlyings: vec![(0, b"BTC".to_vec())],
		},
		..Default::default()
	}
	.build_storage()
	.unwrap();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
