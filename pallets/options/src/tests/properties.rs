//! Property tests: random sequences of deposits, trades, price moves, withdrawals and the
//! expiry keep every invariant, never panic, and end with every position settled and the
//! collateral where it started (wallets + pallet account).
use super::*;
use polkadot_sdk::frame_support::traits::fungible::Inspect;
use proptest::prelude::*;
use strikeline_primitives::SeriesState;

#[derive(Clone, Debug)]
enum Op {
	Deposit {
		who: u64,
		usd: u128,
	},
	Withdraw {
		who: u64,
		usd: u128,
	},
	Trade {
		buyer: u64,
		seller: u64,
		series: u32,
		price_usd: u128,
		qty: u64,
	},
	/// Minutes forward and a spot move in tenths of a percent.
	Move {
		minutes: u64,
		permille: i64,
	},
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		(1u64..=6, 1u128..200_000).prop_map(|(who, usd)| Op::Deposit { who, usd }),
		(1u64..=6, 1u128..100_000).prop_map(|(who, usd)| Op::Withdraw { who, usd }),
		(1u64..=6, 1u64..=6, 0u32..=1, 100u128..4_000, 1u64..6).prop_map(
			|(buyer, seller, series, price_usd, qty)| Op::Trade {
				buyer,
				seller,
				series,
				price_usd,
				qty
			}
		),
		(1u64..=4, -150i64..=150).prop_map(|(minutes, permille)| Op::Move { minutes, permille }),
	]
}

type Collateral = <Test as pallet_margin::Config>::Collateral;

fn total_collateral() -> u128 {
	let mut total = Collateral::balance(&pallet_margin::Pallet::<Test>::account_id());
	for who in 1..=9 {
		total += Collateral::balance(&who);
	}
	total
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

	#[test]
	fn random_books_keep_every_invariant(ops in prop::collection::vec(op(), 1..60)) {
		new_test_ext().execute_with(|| {
			let start = total_collateral();
			// Every trader starts with a margin account, so that most random trades clear.
			for who in 1..=6 {
				deposit(who, 150_000);
			}
			let mut spot_usd: u128 = 100_000;
			let mut nonce = 0u64;
			for op in ops {
				match op {
					Op::Deposit { who, usd } => {
						let _ = Margin::deposit(RuntimeOrigin::signed(who), usd * USD);
					},
					Op::Withdraw { who, usd } => {
						let _ = Margin::withdraw(RuntimeOrigin::signed(who), usd * USD);
					},
					Op::Trade { buyer, seller, series, price_usd, qty } => {
						nonce += 1;
						let mut ask = order(seller, series, Side::Sell, price_usd, qty);
						let mut bid = order(buyer, series, Side::Buy, price_usd, qty);
						ask.nonce = nonce;
						bid.nonce = nonce;
						let _ = submit(vec![fill(ask, bid, price_usd, qty)]);
					},
					Op::Move { minutes, permille } => {
						let t = (now() + minutes * MINUTE).min(EXPIRY - MINUTE);
						advance_to(t);
						spot_usd = (spot_usd as i128 * (1000 + permille as i128) / 1000) as u128;
						feed(spot_usd);
					},
				}
				check_invariants();
			}
			// Run through expiry, feeding, until everything is settled.
			let mut t = now();
			while !crate::LiveSeries::<Test>::get().is_empty() {
				t += 2 * MINUTE;
				advance_to(t);
				feed(spot_usd);
				check_invariants();
				assert!(t < EXPIRY + 30 * MINUTE, "series did not settle");
			}
			for id in 0..2 {
				assert_eq!(crate::Series::<Test>::get(id).unwrap().state, SeriesState::Settled);
				assert_eq!(pallet_margin::OpenInterest::<Test>::get(id), (0, 0));
			}
			assert_eq!(pallet_margin::Holders::<Test>::iter().count(), 0);
			assert_eq!(total_collateral(), start, "collateral neither created nor destroyed");
		});
	}
}
