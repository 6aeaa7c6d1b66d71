//! `liquidate`: partial amounts, pricing, deficits, and bad input.
use super::*;
use crate::{Event, Flagged};
use pallet_margin::Error as MarginError;
use polkadot_sdk::frame_support::{
	assert_noop, assert_ok,
	storage::{with_transaction, TransactionOutcome},
};

fn liquidate(
	who: AccountId,
	series: u32,
	contracts: u64,
) -> polkadot_sdk::frame_support::dispatch::DispatchResultWithPostInfo {
	Liquidation::liquidate(RuntimeOrigin::signed(KEEPER), who, series, contracts)
}

#[test]
fn a_partial_liquidation_takes_just_enough_to_restore_health() {
	ExtBuilder::build_and_execute(|| {
		let s = bob_writes_ten_calls();
		set_spot(108_000);
		let before = health(BOB);
		assert!(before.is_liquidatable());
		let q = allowed(BOB, s);
		assert!(q > 0 && q < 10, "a partial amount: {q}");
		// One contract fewer would not do (health is linear in the contracts under standard
		// margin), so q is the least that restores health.
		with_transaction(|| {
			assert_ok!(liquidate(BOB, s, q - 1));
			assert!(health(BOB).is_liquidatable());
			TransactionOutcome::Rollback(Ok::<_, polkadot_sdk::sp_runtime::DispatchError>(()))
		})
		.unwrap();
		// More than q is refused, changing nothing.
		assert_noop!(liquidate(BOB, s, q + 1), MarginError::<Test>::ExceedsLiquidatable);
		let (bob0, keeper0, fund0) =
			(collateral(BOB), collateral(KEEPER), Margin::insurance_fund());
		assert_ok!(liquidate(BOB, s, q));
		let after = health(BOB);
		assert!(!after.is_liquidatable());
		assert_eq!(Margin::position(&BOB, s), Some(-(10 - q as i64)));
		assert_eq!(Margin::position(&KEEPER, s), Some(-(q as i64)));
		// Pricing: the keeper is paid the mark of the shorts plus 1 % of notional; the fund
		// 0.5 % of notional; BOB pays both.
		let notional = 108_000 * USD * q as u128;
		let (reward, fee) = (notional / 100, notional / 200);
		let ev = System::events().into_iter().rev().find_map(|r| match r.event {
			RuntimeEvent::Liquidation(e @ Event::Liquidated { .. }) => Some(e),
			_ => None,
		});
		let Some(Event::Liquidated { mark_value, reward: r, fund_fee: f, health_after, .. }) = ev
		else {
			panic!("a Liquidated event")
		};
		assert_eq!((r, f), (reward, fee));
		assert!(mark_value < 0);
		assert_eq!(health_after, after.health());
		assert_eq!(collateral(KEEPER), keeper0 - mark_value + reward as i128);
		assert_eq!(collateral(BOB), bob0 + mark_value - (reward + fee) as i128);
		assert_eq!(Margin::insurance_fund(), fund0 + fee as i128);
		// The second call finds BOB healthy.
		assert_noop!(liquidate(BOB, s, 1), MarginError::<Test>::AccountHealthy);
	});
}

#[test]
fn bad_liquidations_are_refused_and_change_nothing() {
	ExtBuilder::build_and_execute(|| {
		let s = bob_writes_ten_calls();
		let long = call(1, 150_000);
		trade(BOB, ALICE, long, 1, 1);
		// Healthy.
		assert_noop!(liquidate(BOB, s, 1), MarginError::<Test>::AccountHealthy);
		set_spot(108_000);
		// Nothing, a series not held, a long (taking it does not help), itself.
		assert_noop!(liquidate(BOB, s, 0), MarginError::<Test>::ZeroAmount);
		assert_noop!(liquidate(BOB, 7, 1), MarginError::<Test>::NoPosition);
		assert_noop!(liquidate(BOB, long, 1), MarginError::<Test>::NoHealthGain);
		assert_noop!(
			Liquidation::liquidate(RuntimeOrigin::signed(BOB), BOB, s, 1),
			MarginError::<Test>::SelfLiquidation
		);
		// A liquidator without a margin account, or one the shorts would put below initial
		// margin.
		assert_noop!(
			Liquidation::liquidate(RuntimeOrigin::signed(9), BOB, s, 1),
			MarginError::<Test>::NoAccount
		);
		deposit(8, 1_000 * USD);
		assert_noop!(
			Liquidation::liquidate(RuntimeOrigin::signed(8), BOB, s, allowed(BOB, s)),
			MarginError::<Test>::LiquidatorUnhealthy
		);
		// A stale price: no liquidation.
		stale_spot();
		assert_noop!(liquidate(BOB, s, 1), MarginError::<Test>::StalePrice);
		// And an unsigned origin.
		assert_noop!(
			Liquidation::liquidate(RuntimeOrigin::none(), BOB, s, 1),
			polkadot_sdk::sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_bankrupt_account_is_taken_whole_and_the_fund_pays_its_deficit() {
	ExtBuilder::build_and_execute(|| {
		let s = bob_writes_ten_calls();
		// The spot rises in 500 USD steps until BOB's equity is just negative.
		let mut spot = 110_000;
		while health(BOB).equity >= 0 {
			spot += 500;
			set_spot(spot);
		}
		assert_eq!(allowed(BOB, s), 10);
		let fund0 = Margin::insurance_fund();
		assert_ok!(liquidate(BOB, s, 10));
		// BOB's book is empty and his collateral zero: the fund paid the deficit.
		assert_eq!(Margin::position(&BOB, s), None);
		assert_eq!(collateral(BOB), 0);
		let covered = System::events().into_iter().find_map(|r| match r.event {
			RuntimeEvent::Margin(pallet_margin::Event::DeficitCovered {
				deficit,
				by_fund,
				socialised,
				..
			}) => Some((deficit, by_fund, socialised)),
			_ => None,
		});
		let (deficit, by_fund, socialised) = covered.expect("a DeficitCovered event");
		assert_eq!((by_fund, socialised), (deficit, 0));
		// The fund charged no fee (BOB had no equity) and paid the deficit.
		assert_eq!(Margin::insurance_fund(), fund0 - deficit as i128);
	});
}

#[test]
fn a_deficit_beyond_the_fund_is_socialised_on_the_winners_at_settlement() {
	ExtBuilder::build_and_execute(|| {
		let s = bob_writes_ten_calls();
		// Far in the money: BOB's deficit exceeds the 100k fund.
		set_spot(140_000);
		assert_ok!(liquidate(BOB, s, 10));
		let (deficit, socialised) = System::events()
			.into_iter()
			.find_map(|r| match r.event {
				RuntimeEvent::Margin(pallet_margin::Event::DeficitCovered {
					deficit,
					socialised,
					..
				}) => Some((deficit, socialised)),
				_ => None,
			})
			.expect("a DeficitCovered event");
		assert_eq!(socialised, deficit - FUND_SEED);
		assert_eq!(Margin::insurance_fund(), 0);
		// The longs (ALICE, 10 contracts) owe it back out of their settlement.
		let per_contract = socialised.div_ceil(10);
		System::assert_has_event(
			pallet_margin::Event::LossSocialised {
				series: s,
				longs_pay: true,
				amount: socialised,
				per_contract,
			}
			.into(),
		);
		// Expiry at 140k: ALICE receives 30k per contract less the haircut; the keeper (now
		// short) pays 30k per contract.
		set_now(2_000_000_000);
		SETTLEMENT.with(|m| m.borrow_mut().insert(s, 140_000 * USD));
		let alice0 = collateral(ALICE);
		assert_eq!(
			<Margin as strikeline_primitives::MarginLedger<_>>::settle_series(s, 30_000 * USD, 64),
			Ok(2)
		);
		assert_eq!(collateral(ALICE), alice0 + (300_000 * USD - per_contract * 10) as i128);
		// What the haircut kept beyond the loss (rounding) went to the fund; no bad debt.
		assert_eq!(Margin::insurance_fund(), (per_contract * 10 - socialised) as i128);
		assert_eq!(pallet_margin::BadDebt::<Test>::get(), 0);
		assert!(pallet_margin::Haircuts::<Test>::iter().next().is_none());
		assert!(Flagged::<Test>::iter().next().is_none());
	});
}
