//! Liquidation on the ledger: health, how much of a position may be taken, the transfer to a
//! liquidator or to the insurance fund, and the cover of a deficit (insurance fund first,
//! then a haircut on the counterparties). The liquidation pallet decides *when*; this module,
//! part of the single ledger writer, decides *how much* and moves the money.
//!
//! ## Pricing of a liquidation (per contract moved)
//!
//! With `notional = spot * contract_size`:
//!
//! - the taker takes the contracts over at their mark, and the liquidated account pays it a
//!   reward of `discount_ppm * notional` on top (rounded down; for a long taken over the
//!   reward is capped at the long's mark, so its price is never negative);
//! - the liquidated account also pays `fund_fee_ppm * notional` to the insurance fund (rounded
//!   up), capped at what its equity can pay after the reward: the fund never charges itself.
//!
//! ## How much may be taken ([`Pallet::allowed_contracts`])
//!
//! Let `h0 < 0` be the account's health (`equity - maintenance`) and `hQ` its health after the
//! whole position of `Q` contracts is taken. If `hQ <= h0` taking the series does not help
//! ([`Error::NoHealthGain`]); if `hQ <= 0` all `Q` contracts may go; otherwise
//! `ceil(Q * -h0 / (hQ - h0))`. Health is linear in the contracts moved under standard margin
//! (so this is the least that restores health) and concave under portfolio margin (a maximum
//! of linear scenario losses is subtracted), so the interpolation still restores health, with
//! at most the concavity's excess. Two valuations of the book, whatever `Q` is.
//!
//! ## Deficits ([`Pallet::cover_deficit`])
//!
//! When an account's last position leaves it (liquidation, close-out or expiry) with negative
//! collateral, the insurance fund (the pallet account's own ledger entry) pays it as far as its
//! collateral goes. The rest is socialised on the counterparties of the last series: the side
//! opposite to the defaulter's takes a haircut of `ceil(rest / open_interest)` per contract
//! from its payoff when the series settles ([`Haircuts`]), never more than that payoff. What
//! the haircuts collect beyond the loss goes to the fund; what they cannot collect (winners
//! closed early, the payoff smaller than the haircut, or a series already settling) is
//! recorded as [`BadDebt`] with [`Event::LossUnrecovered`]. Nothing is left negative without a
//! record.
use crate::*;
use polkadot_sdk::sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding, per_things::Rounding,
};
use strikeline_primitives::{Health, Liquidated, LiquidationFees, RiskLedger, Taker};

/// A position moved from a liquidated account to a taker.
struct Transfer {
	/// The liquidated account after the transfer.
	account: Book,
	/// Mark value of the moved contracts, from the liquidated account's side.
	mark_value: i128,
	/// Paid to the taker beyond the mark.
	reward: u128,
	/// Paid to the insurance fund.
	fund_fee: u128,
}

/// `x * ppm / 10^6`, rounded as asked.
fn ppm_of(x: u128, ppm: u32, up: bool) -> Option<u128> {
	let p = x.checked_mul(ppm as u128)?;
	Some(if up { p.div_ceil(1_000_000) } else { p / 1_000_000 })
}

impl<T: Config> Pallet<T> {
	/// The insurance fund: the pallet account's own ledger entry.
	pub fn insurance_account() -> T::AccountId {
		Self::account_id()
	}

	/// The insurance fund's collateral (negative only while it holds longs it paid for).
	pub fn insurance_fund() -> i128 {
		Accounts::<T>::get(Self::insurance_account()).map_or(0, |l| l.collateral)
	}

	fn health_of(book: &Book) -> Result<(margin::Requirement, i128), Error<T>> {
		let r = Self::requirement(book)?;
		let maintenance = i128::try_from(r.maintenance).map_err(|_| Error::<T>::Overflow)?;
		Ok((r, r.equity.saturating_sub(maintenance)))
	}

	/// Takes `contracts` (signed like the position) of `series` out of `book` at the mark, less
	/// the reward and the fund fee (see the module docs); `equity` is the book's equity before.
	fn take_out(
		book: &Book,
		series: SeriesId,
		contracts: Position,
		equity: i128,
		fees: LiquidationFees,
	) -> Result<Transfer, Error<T>> {
		use strikeline_primitives::{PriceOracle, SeriesRegistry};
		let terms = T::Series::terms(series).ok_or(Error::<T>::UnknownSeries)?;
		let spot = T::Oracle::spot_e6(terms.underlying).map_err(margin::ValuationError::from)?;
		let mark_value = margin::value_position::<T::Oracle, T::Series>(
			series,
			&terms,
			contracts,
			Self::now_ms(),
			&Self::params(),
		)?
		.value;
		let notional = spot
			.checked_mul(terms.contract_size_e6)
			.map(|x| x / 1_000_000)
			.and_then(|x| x.checked_mul(contracts.unsigned_abs() as u128))
			.ok_or(Error::<T>::Overflow)?;
		let mut reward = ppm_of(notional, fees.discount_ppm, false).ok_or(Error::<T>::Overflow)?;
		if contracts > 0 {
			reward = reward.min(mark_value.max(0) as u128);
		}
		let reward_i = i128::try_from(reward).map_err(|_| Error::<T>::Overflow)?;
		let payable = equity.saturating_sub(reward_i).max(0) as u128;
		let fund_fee =
			ppm_of(notional, fees.fund_fee_ppm, true).ok_or(Error::<T>::Overflow)?.min(payable);
		let mut account = book.clone();
		// The account receives the mark of what it gives up (pays it, for a short) and pays
		// the reward and the fee.
		let cash = mark_value
			.checked_sub(reward_i)
			.and_then(|c| c.checked_sub(fund_fee as i128))
			.ok_or(Error::<T>::Overflow)?;
		Self::apply_to_book(
			&mut account,
			&LedgerDelta {
				who: Self::account_id(),
				collateral: cash,
				series,
				contracts: -contracts,
			},
		)
		.map_err(|_| Error::<T>::Overflow)?;
		Ok(Transfer { account, mark_value, reward, fund_fee })
	}

	/// `who`'s book, its health and its position in `series`, checking it is liquidatable.
	fn liquidatable_book(
		who: &T::AccountId,
		series: SeriesId,
	) -> Result<(Book, margin::Requirement, i128, Position), Error<T>> {
		let ledger = Accounts::<T>::get(who).ok_or(Error::<T>::NoAccount)?;
		let book = Self::load_book(&ledger);
		let (r, h0) = Self::health_of(&book)?;
		frame_support::ensure!(h0 < 0, Error::<T>::AccountHealthy);
		let held = book.positions.iter().find(|p| p.0 == series).map(|p| p.1);
		Ok((book, r, h0, held.ok_or(Error::<T>::NoPosition)?))
	}

	/// The most contracts of `who`'s position in `series` a liquidation may take now (see the
	/// module docs).
	pub fn allowed_contracts(
		who: &T::AccountId,
		series: SeriesId,
		fees: LiquidationFees,
	) -> Result<u64, Error<T>> {
		let (book, r, h0, held) = Self::liquidatable_book(who, series)?;
		Self::allowed_in(&book, r.equity, h0, series, held, fees)
	}

	fn allowed_in(
		book: &Book,
		equity: i128,
		h0: i128,
		series: SeriesId,
		held: Position,
		fees: LiquidationFees,
	) -> Result<u64, Error<T>> {
		let all = Self::take_out(book, series, held, equity, fees)?;
		let (_, h_all) = Self::health_of(&all.account)?;
		frame_support::ensure!(h_all > h0, Error::<T>::NoHealthGain);
		let q = held.unsigned_abs();
		if h_all <= 0 {
			return Ok(q);
		}
		// h0 < 0 < h_all: the fraction -h0 / (h_all - h0) is in (0, 1).
		let need = multiply_by_rational_with_rounding(
			q as u128,
			h0.unsigned_abs(),
			h_all.abs_diff(h0),
			Rounding::Up,
		)
		.ok_or(Error::<T>::Overflow)?;
		Ok((need as u64).clamp(1, q))
	}

	/// See [`RiskLedger::liquidate`].
	pub fn do_liquidate(
		who: &T::AccountId,
		taker: Taker<T::AccountId>,
		series: SeriesId,
		contracts: u64,
		fees: LiquidationFees,
	) -> Result<Liquidated, DispatchError> {
		frame_support::ensure!(contracts > 0, Error::<T>::ZeroAmount);
		let (book, r, h0, held) = Self::liquidatable_book(who, series)?;
		let allowed = Self::allowed_in(&book, r.equity, h0, series, held, fees)?;
		frame_support::ensure!(contracts <= allowed, Error::<T>::ExceedsLiquidatable);
		let taker_id = match taker {
			Taker::Liquidator(l) => {
				frame_support::ensure!(l != *who, Error::<T>::SelfLiquidation);
				frame_support::ensure!(l != Self::insurance_account(), Error::<T>::SelfLiquidation);
				Some(l)
			}
			Taker::InsuranceFund => None,
		};
		let signed = if held > 0 { contracts as Position } else { -(contracts as Position) };
		let t = Self::take_out(&book, series, signed, r.equity, fees)?;
		let (_, health_after) = Self::health_of(&t.account)?;
		let mut units = Self::valuation_units(&book).saturating_mul(3);
		// The taker's side: the contracts, the mark (paid or received) and the reward.
		let taker_account = taker_id.clone().unwrap_or_else(Self::insurance_account);
		let taker_before =
			Self::load_book(&Accounts::<T>::get(&taker_account).ok_or(Error::<T>::NoAccount)?);
		let mut taker_after = taker_before.clone();
		let taker_cash =
			(t.reward as i128).checked_sub(t.mark_value).ok_or(Error::<T>::Overflow)?;
		let fee_to_taker = if taker_id.is_none() { t.fund_fee as i128 } else { 0 };
		Self::apply_to_book(
			&mut taker_after,
			&LedgerDelta {
				who: taker_account.clone(),
				collateral: taker_cash.saturating_add(fee_to_taker),
				series,
				contracts: signed,
			},
		)?;
		if taker_id.is_some() {
			frame_support::ensure!(
				Self::requirement(&taker_after)
					.map_err(|_| Error::<T>::LiquidatorUnhealthy)?
					.meets_initial(),
				Error::<T>::LiquidatorUnhealthy
			);
			units = units.saturating_add(Self::valuation_units(&taker_after));
		}
		Self::write_book(who, &book, t.account.clone())?;
		Self::write_book(&taker_account, &taker_before, taker_after)?;
		if taker_id.is_some() && t.fund_fee > 0 {
			Self::credit_fund(t.fund_fee as i128)?;
		}
		Self::cover_deficit_if_closed(who, series, held < 0)?;
		Ok(Liquidated {
			contracts: signed,
			mark_value: t.mark_value,
			reward: t.reward,
			fund_fee: t.fund_fee,
			health_after,
			valuation_units: units,
		})
	}

	/// See [`RiskLedger::close_out`]: the fund takes the whole book at the mark; the account
	/// pays the fund fee (no reward: nobody bid).
	pub fn do_close_out(
		who: &T::AccountId,
		fees: LiquidationFees,
	) -> Result<(u32, u32), DispatchError> {
		frame_support::ensure!(*who != Self::insurance_account(), Error::<T>::SelfLiquidation);
		let ledger = Accounts::<T>::get(who).ok_or(Error::<T>::NoAccount)?;
		let book = Self::load_book(&ledger);
		let (r, h0) = Self::health_of(&book)?;
		frame_support::ensure!(h0 < 0, Error::<T>::AccountHealthy);
		let units = Self::valuation_units(&book);
		let fund = Self::insurance_account();
		let fund_before = Self::load_book(&Accounts::<T>::get(&fund).ok_or(Error::<T>::NoAccount)?);
		let mut fund_after = fund_before.clone();
		let (mut account, mut equity) = (book.clone(), r.equity);
		let fees = LiquidationFees { discount_ppm: 0, ..fees };
		let mut last = None;
		for &(series, held) in book.positions.iter() {
			let t = Self::take_out(&account, series, held, equity, fees)?;
			equity = equity.saturating_sub(t.fund_fee as i128);
			let cash =
				(t.fund_fee as i128).checked_sub(t.mark_value).ok_or(Error::<T>::Overflow)?;
			Self::apply_to_book(
				&mut fund_after,
				&LedgerDelta { who: fund.clone(), collateral: cash, series, contracts: held },
			)?;
			account = t.account;
			last = Some((series, held < 0));
		}
		Self::write_book(who, &book, account)?;
		Self::write_book(&fund, &fund_before, fund_after)?;
		if let Some((series, was_short)) = last {
			Self::cover_deficit_if_closed(who, series, was_short)?;
		}
		Ok((book.positions.len() as u32, units))
	}

	fn credit_fund(amount: i128) -> DispatchResult {
		let fund = Self::insurance_account();
		let mut l = Accounts::<T>::get(&fund).ok_or(Error::<T>::NoAccount)?;
		l.collateral = l.collateral.checked_add(amount).ok_or(Error::<T>::Overflow)?;
		Self::store(&fund, l);
		Ok(())
	}

	/// If `who` holds no position any more and its collateral is negative, covers the deficit:
	/// the insurance fund first, then a haircut on the counterparties in `series` (the side
	/// opposite to the defaulter's: longs if it `was_short`).
	pub(crate) fn cover_deficit_if_closed(
		who: &T::AccountId,
		series: SeriesId,
		was_short: bool,
	) -> DispatchResult {
		let Some(mut ledger) = Accounts::<T>::get(who) else { return Ok(()) };
		if !ledger.positions.is_empty() || ledger.collateral >= 0 || *who == Self::account_id() {
			return Ok(());
		}
		let deficit = ledger.collateral.unsigned_abs();
		let fund = Self::insurance_fund().max(0) as u128;
		let by_fund = fund.min(deficit);
		Self::credit_fund(-(by_fund as i128))?;
		ledger.collateral = 0;
		Self::store(who, ledger);
		let socialised = deficit - by_fund;
		if socialised > 0 {
			Self::socialise(series, was_short, socialised);
		}
		Self::deposit_event(Event::DeficitCovered {
			who: who.clone(),
			deficit,
			by_fund,
			socialised,
		});
		Ok(())
	}

	/// Puts `amount` on the side of `series` opposite to a defaulter (longs pay if it
	/// `was_short`), collected from their payoffs at settlement.
	fn socialise(series: SeriesId, was_short: bool, amount: u128) {
		use strikeline_primitives::SeriesRegistry;
		let (long, _) = OpenInterest::<T>::get(series);
		if long == 0 || T::Series::settlement_price_e6(series).is_some() {
			BadDebt::<T>::mutate(|d| *d = d.saturating_add(amount));
			Self::deposit_event(Event::LossUnrecovered { series, amount });
			return;
		}
		let per_contract = amount.div_ceil(long as u128);
		Haircuts::<T>::mutate((series, was_short), |h| {
			// Bounded by the collateral ever deposited (a u128) divided by at least one contract.
			h.per_contract = h.per_contract.saturating_add(per_contract);
			h.outstanding = h.outstanding.saturating_add(amount);
		});
		Self::deposit_event(Event::LossSocialised {
			series,
			longs_pay: was_short,
			amount,
			per_contract,
		});
	}

	/// Settles the haircuts of a series whose last position has settled: `collected` (what the
	/// settlement kept back from winners) pays the outstanding losses; any excess goes to the
	/// fund, any shortfall is bad debt.
	pub(crate) fn resolve_haircuts(series: SeriesId, collected: i128) -> DispatchResult {
		let outstanding = Haircuts::<T>::take((series, true))
			.outstanding
			.saturating_add(Haircuts::<T>::take((series, false)).outstanding);
		let outstanding = i128::try_from(outstanding).map_err(|_| Error::<T>::Overflow)?;
		let excess = collected.saturating_sub(outstanding);
		if excess >= 0 {
			Self::credit_fund(excess)?;
		} else {
			let amount = excess.unsigned_abs();
			BadDebt::<T>::mutate(|d| *d = d.saturating_add(amount));
			Self::deposit_event(Event::LossUnrecovered { series, amount });
		}
		Ok(())
	}
}

impl<T: Config> RiskLedger<T::AccountId> for Pallet<T> {
	fn health(who: &T::AccountId) -> Result<Health, DispatchError> {
		let ledger = Accounts::<T>::get(who).ok_or(Error::<T>::NoAccount)?;
		let book = Self::load_book(&ledger);
		let r = Self::requirement(&book)?;
		Ok(Health {
			equity: r.equity,
			maintenance: r.maintenance,
			valuation_units: Self::valuation_units(&book),
		})
	}

	fn valuation_units(who: &T::AccountId) -> Option<u32> {
		Accounts::<T>::get(who).map(|l| Self::valuation_units(&Self::load_book(&l)))
	}

	fn liquidatable_contracts(
		who: &T::AccountId,
		series: SeriesId,
		fees: LiquidationFees,
	) -> Result<u64, DispatchError> {
		Self::allowed_contracts(who, series, fees).map_err(Into::into)
	}

	fn liquidate(
		who: &T::AccountId,
		taker: Taker<T::AccountId>,
		series: SeriesId,
		contracts: u64,
		fees: LiquidationFees,
	) -> Result<Liquidated, DispatchError> {
		Self::do_liquidate(who, taker, series, contracts, fees)
	}

	fn close_out(who: &T::AccountId, fees: LiquidationFees) -> Result<(u32, u32), DispatchError> {
		Self::do_close_out(who, fees)
	}

	fn accounts_after(cursor: Option<&T::AccountId>, max: u32) -> Vec<T::AccountId> {
		let iter = match cursor {
			Some(c) => Accounts::<T>::iter_keys_from(Accounts::<T>::hashed_key_for(c)),
			None => Accounts::<T>::iter_keys(),
		};
		let fund = Self::insurance_account();
		iter.filter(|a| *a != fund).take(max as usize).collect()
	}

	fn positions(who: &T::AccountId) -> Vec<(SeriesId, Position)> {
		Accounts::<T>::get(who).map(|l| l.positions.to_vec()).unwrap_or_default()
	}
}
