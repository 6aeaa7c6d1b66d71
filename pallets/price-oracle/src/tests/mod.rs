//! Unit tests of the price oracle; every test ends with the pallet's invariants checked.
use crate::{mock::*, Error, Event, Spot, Vol};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, dispatch::Pays, BoundedVec},
	sp_runtime::DispatchError,
};
use strikeline_primitives::{OracleError, PriceOracle};

const USD: u128 = 1_000_000;

fn feed(who: AccountId, spot_usd: u128) -> Result<Pays, DispatchError> {
	feed_with_vols(who, spot_usd, vec![])
}

fn feed_with_vols(
	who: AccountId,
	spot_usd: u128,
	vols: Vec<(u64, u32)>,
) -> Result<Pays, DispatchError> {
	Oracle::feed(
		RuntimeOrigin::signed(who),
		0,
		spot_usd * USD,
		BoundedVec::try_from(vols).unwrap(),
		now(),
	)
	.map(|post| post.pays_fee)
	.map_err(|e| e.error)
}

#[test]
fn median_of_fresh_submissions() {
	build_and_execute(|| {
		assert_eq!(feed(1, 100), Ok(Pays::No));
		assert_eq!(Oracle::spot_e6(0), Ok(100 * USD));
		assert_ok!(feed(2, 110));
		// Two fresh: mean of the middle pair.
		assert_eq!(Oracle::spot_e6(0), Ok(105 * USD));
		assert_ok!(feed(3, 90));
		assert_eq!(Oracle::spot_e6(0), Ok(100 * USD));
		System::assert_last_event(
			Event::PriceFed { feeder: 3, underlying: 0, spot_e6: 90 * USD, median_e6: 100 * USD }
				.into(),
		);
		// Feeders 1 and 2 go stale; 3's new price alone makes the median.
		set_now(now() + 2 * MINUTE + 1);
		assert_eq!(Oracle::spot_e6(0), Err(OracleError::Stale));
		set_now(now() - 2);
		assert_ok!(feed(3, 95));
		set_now(now() + 2);
		assert_ok!(feed(3, 96));
		assert_eq!(Oracle::spot_e6(0), Ok(96 * USD));
	});
}

#[test]
fn implied_vols_per_expiry() {
	build_and_execute(|| {
		let expiry = T0 + 60 * MINUTE;
		assert_ok!(feed_with_vols(1, 100, vec![(expiry, 500_000), (expiry * 2, 600_000)]));
		assert_ok!(feed_with_vols(2, 100, vec![(expiry, 700_000)]));
		assert_eq!(Oracle::vol_e6(0, expiry), Ok(600_000));
		assert_eq!(Oracle::vol_e6(0, expiry * 2), Ok(600_000));
		assert_eq!(Oracle::vol_e6(0, expiry * 3), Err(OracleError::NoPrice));
		assert_eq!(Oracle::vol_e6(1, expiry), Err(OracleError::NoPrice));
	});
}

#[test]
fn bad_submissions_are_rejected_and_change_nothing() {
	build_and_execute(|| {
		assert_ok!(feed(1, 100));
		let o = |who| RuntimeOrigin::signed(who);
		let none = BoundedVec::default();
		assert_noop!(feed(9, 100), Error::<Test>::NotFeeder);
		assert_noop!(
			Oracle::feed(o(1), 7, 100 * USD, none.clone(), now()),
			Error::<Test>::UnknownUnderlying
		);
		assert_noop!(
			Oracle::feed(o(1), 0, 100 * USD, none.clone(), now() - 2 * MINUTE - 1),
			Error::<Test>::StaleSubmission
		);
		assert_noop!(
			Oracle::feed(o(1), 0, 100 * USD, none.clone(), now() + 1),
			Error::<Test>::FutureSubmission
		);
		assert_noop!(feed(1, 0), Error::<Test>::PriceOutOfRange);
		assert_noop!(
			Oracle::feed(o(1), 0, crate::MAX_PRICE_E6 + 1, none.clone(), now()),
			Error::<Test>::PriceOutOfRange
		);
		assert_noop!(feed_with_vols(1, 100, vec![(T0, 0)]), Error::<Test>::VolOutOfRange);
		assert_noop!(
			feed_with_vols(1, 100, vec![(T0, crate::MAX_VOL_E6 + 1)]),
			Error::<Test>::VolOutOfRange
		);
		// Circuit breaker: 20 % from the fresh median of 100.
		assert_noop!(feed(2, 121), Error::<Test>::PriceJumpTooLarge);
		assert_noop!(feed(2, 79), Error::<Test>::PriceJumpTooLarge);
		assert_ok!(feed(2, 120));
		assert_noop!(
			Oracle::set_feeders(o(1), vec![1]),
			polkadot_sdk::sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(
			Oracle::register_underlying(RuntimeOrigin::root(), 1, b"TOOLONGSYM".to_vec()),
			Error::<Test>::SymbolTooLong
		);
	});
}

#[test]
fn a_stale_median_lifts_the_circuit_breaker() {
	build_and_execute(|| {
		assert_ok!(feed(1, 100));
		set_now(now() + 3 * MINUTE);
		assert_ok!(feed(1, 150));
		assert_eq!(Oracle::spot_e6(0), Ok(150 * USD));
	});
}

#[test]
fn twap_is_time_weighted_and_settles_expiries() {
	build_and_execute(|| {
		// Price 100 for 10 minutes, then 110 for 20 minutes, 120 after.
		assert_ok!(feed(1, 100));
		for minute in 1..=30u64 {
			set_now(T0 + minute * MINUTE);
			let price = if minute < 10 {
				100
			} else if minute < 30 {
				110
			} else {
				120
			};
			assert_ok!(feed(1, price));
		}
		assert_eq!(Oracle::twap_e6(0, T0, T0 + 10 * MINUTE), Some(100 * USD));
		assert_eq!(Oracle::twap_e6(0, T0 + 10 * MINUTE, T0 + 30 * MINUTE), Some(110 * USD));
		// (10 x 100 + 20 x 110) / 30 = 106.666666 (rounded down).
		assert_eq!(Oracle::twap_e6(0, T0, T0 + 30 * MINUTE), Some(106_666_666));
		// Settlement of the expiry at T0 + 30 min: the whole window is covered.
		assert_eq!(Oracle::settlement_price_e6(0, T0 + 30 * MINUTE), Some(106_666_666));
		// An expiry not reached yet has no settlement price.
		assert_eq!(Oracle::settlement_price_e6(0, T0 + 31 * MINUTE), None);
		// Mid-period window ends are not checkpoints.
		assert_eq!(Oracle::twap_e6(0, T0 + 90_000, T0 + 30 * MINUTE), None);
	});
}

#[test]
fn window_starts_at_the_first_price() {
	build_and_execute(|| {
		set_now(T0 + 25 * MINUTE);
		assert_ok!(feed(1, 100));
		set_now(T0 + 28 * MINUTE);
		assert_ok!(feed(1, 103));
		set_now(T0 + 31 * MINUTE);
		// First price at 25 min: (3 x 100 + 2 x 103) / 5 = 101.2.
		assert_eq!(Oracle::settlement_price_e6(0, T0 + 30 * MINUTE), Some(101_200_000));
	});
}

#[test]
fn checkpoints_fill_across_quiet_periods_and_the_ring_forgets() {
	build_and_execute(|| {
		assert_ok!(feed(1, 100));
		// No update for 10 minutes, then a move: every crossed boundary has a checkpoint.
		set_now(T0 + 10 * MINUTE);
		assert_ok!(feed(1, 110));
		set_now(T0 + 20 * MINUTE);
		assert_ok!(feed(1, 110));
		assert_eq!(Oracle::twap_e6(0, T0 + 3 * MINUTE, T0 + 7 * MINUTE), Some(100 * USD));
		assert_eq!(Oracle::twap_e6(0, T0 + 5 * MINUTE, T0 + 15 * MINUTE), Some(105 * USD));
		// Far later the early boundaries have been overwritten in the ring.
		set_now(T0 + 100 * MINUTE);
		assert_ok!(feed(1, 110));
		assert_eq!(Oracle::twap_e6(0, T0 + 3 * MINUTE, T0 + 7 * MINUTE), None);
		assert_eq!(Oracle::twap_e6(0, T0 + 90 * MINUTE, T0 + 100 * MINUTE), Some(110 * USD));
		assert!(Spot::<Test>::get(0).is_some() && Vol::<Test>::iter().count() == 0);
	});
}
