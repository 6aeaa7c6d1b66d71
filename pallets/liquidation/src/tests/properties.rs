//! Property test: random books and random price paths, with and without a keeper. After every
//! block both pallets' invariants hold and no account has stayed liquidatable longer than the
//! scan cycle plus the backstop delay.
use super::*;
use polkadot_sdk::frame_support::traits::Hooks;
use proptest::prelude::*;
use std::collections::BTreeMap;
use strikeline_primitives::OnPriceUpdate;

/// A writer: deposit (USD), contracts of the 110k call, contracts of the 100k call.
type Writer = (u128, i64, i64);

fn writers() -> impl Strategy<Value = Vec<Writer>> {
	prop::collection::vec((0u128..30_000, 0i64..4, 0i64..4), 1..6)
}

/// Per block: the spot move in ppm (bounded like the oracle's circuit breaker) and whether a
/// keeper is running.
fn path() -> impl Strategy<Value = Vec<(i64, bool)>> {
	prop::collection::vec((-80_000i64..100_000, any::<bool>()), 1..25)
}

/// What a keeper does in a block: liquidates, for every flagged account, the first series it
/// may take contracts of, as much as allowed (errors ignored: another may have gone first).
fn keeper_round() {
	for c in Liquidation::candidates() {
		if let Some(&(series, n)) = c.series.iter().find(|(_, n)| *n > 0) {
			let _ = Liquidation::liquidate(RuntimeOrigin::signed(KEEPER), c.who, series, n);
		}
	}
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]
	#[test]
	fn no_account_stays_liquidatable_beyond_the_bound(books in writers(), moves in path()) {
		new_test_ext().execute_with(|| {
			set_spot(100_000);
			let (otm, atm) = (call(0, 110_000), call(1, 100_000));
			deposit(ALICE, 5_000_000 * USD);
			deposit(KEEPER, 5_000_000 * USD);
			let mut accounts = vec![ALICE, KEEPER];
			for (i, (extra, a, b)) in books.iter().enumerate() {
				let w = 2 + i as u64;
				// Initial margin of the book at 100k, roughly, plus a random cushion.
				let need = (*a as u128) * 11_800 + (*b as u128) * 22_000;
				deposit(w, (need + extra + 1) * USD);
				accounts.push(w);
				if *a > 0 {
					trade(ALICE, w, otm, *a, 1_700);
				}
				if *b > 0 {
					trade(ALICE, w, atm, *b, 6_000);
				}
			}
			// Accounts with a ledger (the fund excepted); the cursor checks at least half of
			// MAX_SCAN per block (the watch list gets the rest).
			let cycle = (accounts.len() as u64).div_ceil(MAX_SCAN as u64 / 2);
			let bound = cycle + BACKSTOP_DELAY + 1;
			let mut since: BTreeMap<AccountId, u64> = BTreeMap::new();
			let mut spot: u128 = 100_000 * USD;
			for (ppm, keeper) in moves {
				spot = (spot as i128 + spot as i128 * ppm as i128 / 1_000_000).max(USD as i128) as u128;
				SPOT.with(|s| *s.borrow_mut() = Ok(spot));
				Liquidation::on_price_update(0);
				if keeper {
					keeper_round();
				}
				let n = System::block_number();
				Liquidation::on_finalize(n);
				System::set_block_number(n + 1);
				Liquidation::on_initialize(n + 1);
				pallet_margin::Pallet::<Test>::do_try_state().expect("ledger invariants");
				crate::Pallet::<Test>::do_try_state().expect("liquidation invariants");
				for &a in &accounts {
					if health(a).is_liquidatable() {
						let s = *since.entry(a).or_insert(n + 1);
						assert!(n + 1 - s <= bound, "account {a} liquidatable for {} blocks", n + 1 - s);
					} else {
						since.remove(&a);
					}
				}
			}
		});
	}
}
