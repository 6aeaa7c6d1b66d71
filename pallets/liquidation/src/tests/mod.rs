//! Unit and property tests of the liquidation pallet on the real margin pallet.
mod liquidate;
mod properties;
mod scan;

use crate::mock::*;
use strikeline_primitives::{Health, RiskLedger};

/// Alice, the option buyer.
pub const ALICE: AccountId = 1;
/// Bob, the writer who goes under.
pub const BOB: AccountId = 2;

/// `who`'s health now.
pub fn health(who: AccountId) -> Health {
	<Margin as RiskLedger<_>>::health(&who).expect("fresh prices")
}

/// The most contracts of `who`'s `series` one liquidation may take now.
pub fn allowed(who: AccountId, series: u32) -> u64 {
	<Margin as RiskLedger<_>>::liquidatable_contracts(&who, series, Liquidation::fees())
		.expect("liquidatable")
}

/// `who`'s collateral.
pub fn collateral(who: AccountId) -> i128 {
	pallet_margin::Accounts::<Test>::get(who).map_or(0, |l| l.collateral)
}

/// Spot 100k; BOB (120k deposited) writes 10 calls struck at 110k to ALICE (20k deposited)
/// at 1,700 each (the mark is 1,708); the keeper deposits 1M. Returns the series.
pub fn bob_writes_ten_calls() -> u32 {
	set_spot(100_000);
	let s = call(0, 110_000);
	deposit(ALICE, 20_000 * USD);
	deposit(BOB, 120_000 * USD);
	deposit(KEEPER, 1_000_000 * USD);
	trade(ALICE, BOB, s, 10, 1_700);
	assert!(!health(BOB).is_liquidatable());
	s
}
