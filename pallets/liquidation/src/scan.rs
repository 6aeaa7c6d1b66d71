//! The per-block health scan and the backstop (see the crate docs for the rules).
use crate::*;
use frame_support::{pallet_prelude::Weight, traits::Get};
use frame_system::pallet_prelude::BlockNumberFor;
use polkadot_sdk::sp_runtime::Saturating;

/// What the scan did in one block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanReport {
	/// Accounts checked.
	pub checked: u32,
	/// Accounts newly flagged.
	pub flagged: u32,
	/// Weight the checks were charged.
	pub weight: Weight,
}

impl<T: Config> Pallet<T> {
	/// Closes out the accounts whose backstop deadline is `n` and that are still flagged and
	/// liquidatable; returns the weight used.
	pub(crate) fn backstop(n: BlockNumberFor<T>) -> Weight {
		let due = Deadlines::<T>::take(n);
		let mut weight = T::DbWeight::get().reads_writes(1, 1);
		for who in due {
			weight.saturating_accrue(T::DbWeight::get().reads(1));
			match Flagged::<T>::get(&who) {
				// A flag newer than this deadline (the account recovered and was flagged again)
				// has its own deadline.
				Some(since) if since.saturating_add(T::BackstopDelay::get()) <= n => {}
				_ => continue,
			}
			let units = T::Ledger::valuation_units(&who).unwrap_or(0);
			weight.saturating_accrue(T::WeightInfo::backstop(units));
			match T::Ledger::health(&who) {
				Ok(h) if !h.is_liquidatable() => {
					Flagged::<T>::remove(&who);
					Self::deposit_event(Event::AccountRecovered { who });
				}
				Ok(_) => match T::Ledger::close_out(&who, Self::fees()) {
					Ok((positions, _)) => {
						Flagged::<T>::remove(&who);
						Self::deposit_event(Event::ClosedOut { who, positions });
					}
					Err(e) => {
						// Unreachable for a liquidatable account with fresh prices; the scan
						// flags it again if it stays liquidatable.
						log::warn!(target: "liquidation", "backstop close-out failed: {e:?}");
						Flagged::<T>::remove(&who);
					}
				},
				// No fresh price: no liquidation on a stale one. Try again next block.
				Err(_) => Self::reschedule(who, n.saturating_add(1u32.into())),
			}
		}
		weight
	}

	fn reschedule(who: T::AccountId, at: BlockNumberFor<T>) {
		if Deadlines::<T>::try_mutate(at, |list| list.try_push(who.clone())).is_err() {
			// No room in that block: drop the flag; the scan flags the account again.
			Flagged::<T>::remove(&who);
		}
	}

	/// The scan: the watch list after a price update, then the cursor, within the budget.
	pub fn scan(n: BlockNumberFor<T>) -> ScanReport {
		let mut report = ScanReport::default();
		let mut watch = Watchlist::<T>::get();
		// The watch list gets at most half the checks and half the weight, so the cursor
		// always moves on.
		let (max, budget) = (T::MaxScanPerBlock::get(), T::ScanWeight::get());
		if PriceMoved::<T>::take() {
			let half = (max.div_ceil(2), budget / 2);
			for who in watch.clone() {
				if !Self::check(&who, n, &mut report, &mut watch, half) {
					break;
				}
			}
		}
		let room = max.saturating_sub(report.checked);
		let cursor = ScanCursor::<T>::get();
		let accounts = T::Ledger::accounts_after(cursor.as_ref(), room);
		let reached_end = (accounts.len() as u32) < room;
		let (mut last, mut stopped) = (cursor, false);
		for who in accounts {
			if !Self::check(&who, n, &mut report, &mut watch, (max, budget)) {
				stopped = true;
				break;
			}
			last = Some(who);
		}
		// Past the last account the cursor wraps to the start.
		match if reached_end && !stopped { None } else { last } {
			Some(c) => ScanCursor::<T>::put(c),
			None => ScanCursor::<T>::kill(),
		}
		Watchlist::<T>::put(watch);
		report
	}

	/// Checks one account within `(count, weight)` limits: flags it, unflags it, and keeps the
	/// watch list. Returns `false` (without checking) if the limit is reached.
	pub(crate) fn check(
		who: &T::AccountId,
		n: BlockNumberFor<T>,
		report: &mut ScanReport,
		watch: &mut frame_support::BoundedVec<T::AccountId, T::MaxWatched>,
		(max_checks, max_weight): (u32, Weight),
	) -> bool {
		if report.checked >= max_checks {
			return false;
		}
		let units = T::Ledger::valuation_units(who).unwrap_or(0);
		let cost = T::WeightInfo::scan_account(units);
		// The first account of a block is always checked, so the scan makes progress even
		// past an account costlier than the whole budget (the reserve is then exceeded once).
		if report.checked > 0 && report.weight.saturating_add(cost).any_gt(max_weight) {
			return false;
		}
		report.checked += 1;
		report.weight.saturating_accrue(cost);
		if units == 0 {
			// No positions: always healthy (collateral is never negative without positions).
			watch.retain(|a| a != who);
			return true;
		}
		let Ok(h) = T::Ledger::health(who) else {
			// No fresh price: nothing is decided on a stale one.
			return true;
		};
		if h.is_liquidatable() {
			if !Flagged::<T>::contains_key(who) {
				let due = n.saturating_add(T::BackstopDelay::get());
				if Deadlines::<T>::try_mutate(due, |l| l.try_push(who.clone())).is_ok() {
					Flagged::<T>::insert(who, n);
					report.flagged += 1;
					Self::deposit_event(Event::AccountLiquidatable {
						who: who.clone(),
						health: h.health(),
					});
				}
			}
		} else if Flagged::<T>::take(who).is_some() {
			Self::deposit_event(Event::AccountRecovered { who: who.clone() });
		}
		let near = h.health() < (h.maintenance / 2) as i128;
		let listed = watch.iter().position(|a| a == who);
		match (near, listed) {
			(true, None) => {
				let _ = watch.try_push(who.clone());
			}
			(false, Some(i)) => {
				watch.swap_remove(i);
			}
			_ => {}
		}
		true
	}

	/// The flagged accounts with, per position, the most contracts a liquidation may take now
	/// (for keepers, through the runtime API).
	pub fn candidates(
	) -> alloc::vec::Vec<strikeline_primitives::api::LiquidationCandidate<T::AccountId>>
	where
		BlockNumberFor<T>: Into<u64>,
	{
		Flagged::<T>::iter()
			.filter_map(|(who, since)| {
				let health = T::Ledger::health(&who).ok()?;
				let series = T::Ledger::positions(&who)
					.into_iter()
					.filter_map(|(s, _)| {
						T::Ledger::liquidatable_contracts(&who, s, Self::fees())
							.ok()
							.map(|c| (s, c))
					})
					.collect();
				Some(strikeline_primitives::api::LiquidationCandidate {
					who,
					health: health.health(),
					flagged_at: since.into(),
					series,
				})
			})
			.collect()
	}
}
