//! # Margin pallet
//!
//! The single writer of Strikeline's ledger: every trader's cross-margined account
//! (collateral and option positions). Other pallets never write collateral or positions; they
//! hand a set of [`LedgerDelta`]s to [`MarginLedger::apply`], which values the resulting books
//! (a dry run), checks margin, and then writes all of them or none.
//!
//! ## Terms
//!
//! - **Collateral**: the trader's balance in the collateral asset (USDC, 6 decimals), held in
//!   this pallet's account through the `fungible` traits. Signed: it may go negative while
//!   the account still holds positions (a loss at expiry, a liquidation penalty); once the last
//!   position is gone a negative balance is covered at once ([`Event::DeficitCovered`]).
//! - **Insurance fund**: the pallet account's own ledger entry. It receives liquidation fees,
//!   takes over the books the liquidation backstop closes out, and covers deficits.
//! - **Position**: signed contracts per series (positive long, negative short).
//! - **Mark** of a series: Black-Scholes value (zero rate) on the oracle's spot and implied
//!   volatility for the series' expiry, per unit of underlying, times the contract size. After
//!   expiry the mark is the payoff at the settlement price (spot until it is known).
//! - **Equity** = collateral + sum over positions of `contracts * mark`.
//!
//! ## Standard margin (Deribit's published rules for options, in USDC)
//!
//! With `S` spot, `K` strike, `OTM` = out-of-the-money amount (`max(K - S, 0)` for calls,
//! `max(S - K, 0)` for puts), all per unit of underlying:
//!
//! - long options: no margin beyond the premium already paid (their mark counts in equity);
//! - short options, per contract:
//!   `IM = max(initial_ppm * S - OTM, floor_ppm * S) * size + mark` and
//!   `MM = maintenance_ppm * S * size + mark`, for puts each with `min(., K)` on the per-unit
//!   term (a short put never loses more than its strike). Defaults in the runtime:
//!   `initial_ppm` 15 %, `floor_ppm` 10 %, `maintenance_ppm` 7.5 %. The short's mark is
//!   counted twice (in equity as a liability and in the requirement), as Deribit does;
//! - an expired short position needs exactly its fixed payoff.
//!
//! An account's initial (maintenance) margin is the sum over its positions.
//!
//! ## Portfolio margin
//!
//! An account may switch to portfolio margin ([`Pallet::set_margin_mode`]): its initial
//! margin is then the worst loss of its whole book over a grid of spot and volatility shocks
//! plus a contingency per short contract, and maintenance a fraction of that; see
//! [`portfolio`] for the exact rules, and [`Pallet::set_portfolio_params`] for the admin's
//! bounded grid. The whole grid is evaluated on every trade, withdrawal and mode switch. It meets initial
//! margin when `equity >= IM`; it is liquidatable when `equity < MM`.
//!
//! ## When margin is checked
//!
//! - [`Pallet::withdraw`]: the account must meet initial margin afterwards.
//! - [`MarginLedger::apply`] (trades; the caller's weight covers a witnessed number of
//!   positions per account, and an account with more fails the trade): every touched account must afterwards meet initial
//!   margin, **or** be no riskier than before: its initial margin did not grow and its free
//!   margin (`equity - IM`) did not shrink. So a trader below initial margin can always reduce
//!   risk, never add it.
//! - Expiry settlement ([`MarginLedger::settle_series`]) moves the fixed payoff with no check.
//! - Liquidation ([`strikeline_primitives::RiskLedger`], driven by the liquidation pallet): see [`liquidation`] for
//!   the pricing, the partial amount and the cover of deficits.
//!
//! ## Rounding (always in the protocol's favour)
//!
//! Long marks round down, short marks and every margin term round up, to the base unit.
//! Premiums and settlement payoffs are whole base units per contract, so what one account
//! pays the other receives exactly.
//!
//! ## Bounds (so that no arithmetic can overflow)
//!
//! Series have `strike_e6 <= 10^15` (10^9 USD) and `contract_size_e6 <= 10^12` (options pallet);
//! a position is at most [`Config::MaxContracts`] in magnitude and an account holds at most
//! [`Config::MaxPositions`] series. With the runtime's values every product fits an `i128`
//! with room to spare; the code still uses checked arithmetic and fails with
//! [`Error::Overflow`] rather than wrap.
//!
//! ## Invariants ([`Pallet::do_try_state`])
//!
//! 1. Conservation: the collateral held by the pallet account equals the sum of all account
//!    collateral (the insurance fund's included), plus the settlement balances of series
//!    part-way through settlement, minus the socialised losses not yet collected
//!    ([`Haircuts`]), minus [`BadDebt`].
//! 2. For every series, recorded open interest long equals short, and equals the contracts held
//!    long and short (while an expired series settles, positions drain and its open interest
//!    is kept until the last one is settled).
//! 3. Ledgers hold only non-zero positions, and [`Holders`] (which settlement walks) lists
//!    exactly the accounts holding a position in each series.
//! 4. No account but the insurance fund has negative collateral without a position: every
//!    deficit was covered when the last position left.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
pub mod liquidation;
pub mod margin;
#[cfg(test)]
mod mock;
pub mod portfolio;
#[cfg(test)]
mod tests;
pub mod weights;

pub use weights::WeightInfo;

use alloc::vec::Vec;
use polkadot_sdk::frame_support::pallet_prelude::{DispatchError, DispatchResult, Get};
use polkadot_sdk::{
	frame_support::{
		self,
		traits::{
			fungible::{Inspect, Mutate},
			tokens::Preservation,
			UnixTime,
		},
		PalletId,
	},
	frame_system,
	sp_runtime::traits::{AccountIdConversion, Zero},
};
pub use portfolio::{MarginMode, PortfolioParams};
use strikeline_primitives::{
	api::{AccountView, PositionView},
	LedgerDelta, MarginLedger, Position, SeriesId,
};

/// Standard margin parameters, in parts per million of spot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarginParams {
	/// Initial margin fraction of spot for a short option, before the OTM reduction.
	pub initial_ppm: u32,
	/// Floor of the initial margin fraction of spot for a short option.
	pub floor_ppm: u32,
	/// Maintenance margin fraction of spot for a short option.
	pub maintenance_ppm: u32,
}

/// A loaded account: what the dry run values and what is written back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Book {
	/// How the account is margined.
	pub mode: MarginMode,
	/// Collateral in base units.
	pub collateral: i128,
	/// Non-zero positions, by series.
	pub positions: Vec<(SeriesId, Position)>,
}

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_support::DefaultNoBound;
	use frame_system::pallet_prelude::*;

	/// Collateral balance type: base units of the collateral asset.
	pub type Balance = u128;

	/// An account's ledger entry.
	#[derive(
		Clone,
		Debug,
		PartialEq,
		Eq,
		Encode,
		Decode,
		DecodeWithMemTracking,
		TypeInfo,
		MaxEncodedLen,
		DefaultNoBound,
	)]
	#[scale_info(skip_type_params(MaxPositions))]
	pub struct AccountLedger<MaxPositions: Get<u32>> {
		/// Collateral in base units; negative only as a recorded deficit.
		pub collateral: i128,
		/// The account's non-zero positions, by series: one read values the whole book.
		pub positions: BoundedVec<(SeriesId, Position), MaxPositions>,
		/// Standard or portfolio margin.
		pub mode: MarginMode,
	}

	/// A loss socialised on one side of a series.
	#[derive(
		Clone,
		Copy,
		Debug,
		Default,
		PartialEq,
		Eq,
		Encode,
		Decode,
		DecodeWithMemTracking,
		TypeInfo,
		MaxEncodedLen,
	)]
	pub struct Haircut {
		/// Kept back per contract of that side at settlement (rounded up).
		pub per_contract: Balance,
		/// The losses still to be collected.
		pub outstanding: Balance,
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Origin that sets the portfolio margin grid.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The collateral asset (in the runtime: the USDC asset of `pallet-assets`).
		type Collateral: Mutate<Self::AccountId, Balance = Balance>;
		/// Prices for marks.
		type Oracle: strikeline_primitives::PriceOracle;
		/// Series terms and settlement prices.
		type Series: strikeline_primitives::SeriesRegistry;
		/// Wall-clock time (the block's timestamp).
		type Time: UnixTime;
		/// Id of the pallet account holding all collateral.
		#[pallet::constant]
		type PalletId: Get<PalletId>;
		/// Most series one account may hold a position in.
		#[pallet::constant]
		type MaxPositions: Get<u32>;
		/// Largest absolute position in one series, in contracts.
		#[pallet::constant]
		type MaxContracts: Get<u64>;
		/// Initial margin fraction of spot for shorts, in ppm (Deribit: 150_000).
		#[pallet::constant]
		type InitialMarginPpm: Get<u32>;
		/// Floor of the initial margin fraction for shorts, in ppm (Deribit: 100_000).
		#[pallet::constant]
		type MarginFloorPpm: Get<u32>;
		/// Maintenance margin fraction of spot for shorts, in ppm (Deribit: 75_000).
		#[pallet::constant]
		type MaintenanceMarginPpm: Get<u32>;
		/// Told of every account whose collateral changed (the settlement bridge).
		type OnLedgerChange: strikeline_primitives::OnLedgerChange<Self::AccountId>;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
		/// Sets up series, prices, funds and signers for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: strikeline_primitives::BenchmarkHelper<Self::AccountId, ()>;
	}

	/// Every account's collateral and the series it holds.
	#[pallet::storage]
	pub type Accounts<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, AccountLedger<T::MaxPositions>, OptionQuery>;

	/// Who holds a position in each series (by series, then account): written only when a
	/// position opens or closes, walked by expiry settlement. The quantities live in the
	/// ledgers.
	#[pallet::storage]
	pub type Holders<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		SeriesId,
		Blake2_128Concat,
		T::AccountId,
		(),
		OptionQuery,
	>;

	/// Open interest per series: (contracts held long, contracts held short); always equal.
	#[pallet::storage]
	pub type OpenInterest<T: Config> =
		StorageMap<_, Twox64Concat, SeriesId, (u64, u64), ValueQuery>;

	/// The portfolio margin grid and add-ons.
	#[pallet::storage]
	pub type Portfolio<T: Config> = StorageValue<_, PortfolioParams, ValueQuery>;

	/// Losses socialised on one side of a series (by series, then whether the longs pay),
	/// collected from that side's collateral when the series settles; see [`liquidation`].
	#[pallet::storage]
	pub type Haircuts<T: Config> =
		StorageMap<_, Twox64Concat, (SeriesId, bool), Haircut, ValueQuery>;

	/// Losses neither the insurance fund nor the counterparties' haircuts could cover: what
	/// the ledger owes beyond the collateral it holds. Each addition has a
	/// [`Event::LossUnrecovered`].
	#[pallet::storage]
	pub type BadDebt<T: Config> = StorageValue<_, Balance, ValueQuery>;

	/// Per series being settled: collateral collected from shorts minus collateral paid to
	/// longs so far. Positions settle in any order across blocks; the balance returns to
	/// exactly zero with the last one (long contracts equal short contracts).
	#[pallet::storage]
	pub type SettlementBalance<T: Config> = StorageMap<_, Twox64Concat, SeriesId, i128, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Unused marker.
		#[serde(skip)]
		pub _phantom: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// Whatever genesis put in the pallet account (at least the collateral asset's
			// minimum balance, so withdrawals can keep it alive) is the insurance fund: the
			// pallet account's own ledger entry.
			let seed = T::Collateral::balance(&Pallet::<T>::account_id());
			Pallet::<T>::store(
				&Pallet::<T>::insurance_account(),
				AccountLedger { collateral: seed as i128, ..Default::default() },
			);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Collateral was deposited into a margin account.
		Deposited { who: T::AccountId, amount: Balance },
		/// Collateral was withdrawn from a margin account.
		Withdrawn { who: T::AccountId, amount: Balance },
		/// A position was cash-settled at expiry; `haircut` was kept back for socialised losses.
		PositionSettled {
			who: T::AccountId,
			series: SeriesId,
			contracts: Position,
			pnl: i128,
			haircut: Balance,
		},
		/// An account switched margin mode.
		MarginModeSet { who: T::AccountId, mode: MarginMode },
		/// The portfolio margin grid was replaced.
		PortfolioParamsSet { scenarios: u32 },
		/// An account left with no position and negative collateral was made whole: `by_fund`
		/// from the insurance fund, `socialised` on its counterparties.
		DeficitCovered {
			who: T::AccountId,
			deficit: Balance,
			by_fund: Balance,
			socialised: Balance,
		},
		/// A loss was put on one side of a series, to be kept back from it at settlement.
		LossSocialised { series: SeriesId, longs_pay: bool, amount: Balance, per_contract: Balance },
		/// A loss could not be covered by the fund or the counterparties; it is bad debt.
		LossUnrecovered { series: SeriesId, amount: Balance },
		/// Collateral left the ledger for a withdrawal to Ethereum and was burned.
		BurnedForBridge { who: T::AccountId, amount: Balance },
		/// Collateral deposited on Ethereum was minted and credited to a margin account.
		CreditedFromBridge { who: T::AccountId, amount: Balance },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount is zero.
		ZeroAmount,
		/// The account has less collateral than the amount.
		InsufficientCollateral,
		/// The account would end below initial margin (and the change adds risk).
		InsufficientMargin,
		/// The oracle price needed to value a position is stale.
		StalePrice,
		/// The oracle has no price or volatility for a position's underlying.
		NoPrice,
		/// A position refers to an unknown series.
		UnknownSeries,
		/// The account would hold more series than `MaxPositions`.
		TooManyPositions,
		/// A position would exceed `MaxContracts` in magnitude.
		PositionTooLarge,
		/// An amount does not fit its type.
		Overflow,
		/// The account has no margin account (it never deposited).
		NoAccount,
		/// An account's margin check costs more valuations than the caller's witness (and
		/// weight) allowed for.
		PositionsAboveWitness,
		/// A portfolio margin parameter is out of its bounds.
		InvalidPortfolioParams,
		/// The account meets maintenance margin: it cannot be liquidated.
		AccountHealthy,
		/// The account holds no position in that series.
		NoPosition,
		/// More contracts than needed to restore the account's health.
		ExceedsLiquidatable,
		/// Taking over the series would not improve the account's health.
		NoHealthGain,
		/// The liquidator would end below initial margin.
		LiquidatorUnhealthy,
		/// An account cannot liquidate itself, nor the insurance fund be liquidated.
		SelfLiquidation,
	}

	impl<T: Config> From<margin::ValuationError> for Error<T> {
		fn from(e: margin::ValuationError) -> Self {
			match e {
				margin::ValuationError::UnknownSeries => Error::UnknownSeries,
				margin::ValuationError::NoPrice => Error::NoPrice,
				margin::ValuationError::StalePrice => Error::StalePrice,
				margin::ValuationError::Overflow => Error::Overflow,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Moves `amount` of collateral from the caller's wallet into their margin account.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::deposit())]
		pub fn deposit(origin: OriginFor<T>, #[pallet::compact] amount: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let credit = i128::try_from(amount).map_err(|_| Error::<T>::Overflow)?;
			let mut ledger = Accounts::<T>::get(&who).unwrap_or_default();
			ledger.collateral =
				ledger.collateral.checked_add(credit).ok_or(Error::<T>::Overflow)?;
			T::Collateral::transfer(&who, &Self::account_id(), amount, Preservation::Expendable)?;
			Self::store(&who, ledger);
			Self::deposit_event(Event::Deposited { who, amount });
			Ok(())
		}

		/// Moves `amount` of collateral from the caller's margin account back to their wallet;
		/// the account must still meet initial margin afterwards.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::withdraw(Pallet::<T>::max_valuation_units()))]
		pub fn withdraw(
			origin: OriginFor<T>,
			#[pallet::compact] amount: Balance,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut ledger = Accounts::<T>::get(&who).ok_or(Error::<T>::NoAccount)?;
			let debit = i128::try_from(amount).map_err(|_| Error::<T>::Overflow)?;
			ensure!(ledger.collateral >= debit, Error::<T>::InsufficientCollateral);
			ledger.collateral -= debit;
			let units = Self::ensure_initial_margin(&ledger)?;
			T::Collateral::transfer(&Self::account_id(), &who, amount, Preservation::Preserve)?;
			Self::store(&who, ledger);
			Self::deposit_event(Event::Withdrawn { who, amount });
			Ok(Some(T::WeightInfo::withdraw(units)).into())
		}

		/// Switches the caller's account to standard or portfolio margin; the account must
		/// meet initial margin under the new mode. (The same work as a withdrawal: load the
		/// book, value it, write it.)
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::withdraw(Pallet::<T>::max_valuation_units()))]
		pub fn set_margin_mode(
			origin: OriginFor<T>,
			mode: MarginMode,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut ledger = Accounts::<T>::get(&who).ok_or(Error::<T>::NoAccount)?;
			ledger.mode = mode;
			let units = Self::ensure_initial_margin(&ledger)?;
			Self::store(&who, ledger);
			Self::deposit_event(Event::MarginModeSet { who, mode });
			Ok(Some(T::WeightInfo::withdraw(units)).into())
		}

		/// Replaces the portfolio margin grid and add-ons (within the bounds in
		/// [`portfolio`]). Accounts are checked against it on their next trade or withdrawal.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_portfolio_params())]
		pub fn set_portfolio_params(
			origin: OriginFor<T>,
			params: PortfolioParams,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(params.is_valid(), Error::<T>::InvalidPortfolioParams);
			let scenarios = params.scenarios();
			Portfolio::<T>::put(params);
			Self::deposit_event(Event::PortfolioParamsSet { scenarios });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Writes `who`'s ledger entry and tells [`Config::OnLedgerChange`].
	pub(crate) fn store(who: &T::AccountId, ledger: AccountLedger<T::MaxPositions>) {
		let collateral = ledger.collateral;
		Accounts::<T>::insert(who, ledger);
		<T::OnLedgerChange as strikeline_primitives::OnLedgerChange<_>>::ledger_changed(
			who, collateral,
		);
	}

	/// The account that holds every trader's collateral and the insurance fund.
	pub fn account_id() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// `who`'s position in `series`, if non-zero.
	pub fn position(who: &T::AccountId, series: SeriesId) -> Option<Position> {
		Accounts::<T>::get(who)?.positions.iter().find(|p| p.0 == series).map(|p| p.1)
	}

	/// The margin parameters from the runtime configuration.
	pub fn params() -> MarginParams {
		MarginParams {
			initial_ppm: T::InitialMarginPpm::get(),
			floor_ppm: T::MarginFloorPpm::get(),
			maintenance_ppm: T::MaintenanceMarginPpm::get(),
		}
	}

	fn now_ms() -> u64 {
		T::Time::now().as_millis() as u64
	}

	/// An account's ledger entry as a [`Book`].
	fn load_book(ledger: &AccountLedger<T::MaxPositions>) -> Book {
		Book {
			mode: ledger.mode,
			collateral: ledger.collateral,
			positions: ledger.positions.to_vec(),
		}
	}

	/// Checks that a changed ledger entry meets initial margin; returns the valuations the
	/// check cost (for the call's actual weight).
	fn ensure_initial_margin(ledger: &AccountLedger<T::MaxPositions>) -> Result<u32, Error<T>> {
		let book = Self::load_book(ledger);
		frame_support::ensure!(
			Self::requirement(&book)?.meets_initial(),
			Error::<T>::InsufficientMargin
		);
		Ok(Self::valuation_units(&book))
	}

	/// Equity and margin of a book at the current time and oracle prices.
	pub fn requirement(book: &Book) -> Result<margin::Requirement, Error<T>> {
		let (now, positions) = (Self::now_ms(), &book.positions);
		match book.mode {
			MarginMode::Standard => margin::requirement::<T::Oracle, T::Series>(
				book.collateral,
				positions,
				now,
				&Self::params(),
			),
			MarginMode::Portfolio => portfolio::requirement::<T::Oracle, T::Series>(
				book.collateral,
				positions,
				now,
				&Portfolio::<T>::get(),
			),
		}
		.map_err(Into::into)
	}

	/// Black-Scholes valuations a margin check of `book` costs: one per position, and under
	/// portfolio margin one more per position and scenario.
	pub fn valuation_units(book: &Book) -> u32 {
		let per_position = match book.mode {
			MarginMode::Standard => 1,
			MarginMode::Portfolio => 1 + Portfolio::<T>::get().scenarios(),
		};
		(book.positions.len() as u32).saturating_mul(per_position)
	}

	/// The most valuation units any account's margin check can cost.
	pub fn max_valuation_units() -> u32 {
		let scenarios = portfolio::MAX_SPOT_SHOCKS * portfolio::MAX_VOL_SHOCKS;
		T::MaxPositions::get().saturating_mul(1 + scenarios)
	}

	/// The margin state of an account, for the runtime API.
	pub fn account_view(who: &T::AccountId) -> Option<AccountView> {
		let ledger = Accounts::<T>::get(who)?;
		let book = Self::load_book(&ledger);
		let r = Self::requirement(&book).ok()?;
		let (now, params) = (Self::now_ms(), Self::params());
		let positions = book
			.positions
			.iter()
			.map(|&(series, contracts)| {
				let terms = <T::Series as strikeline_primitives::SeriesRegistry>::terms(series)?;
				let v = margin::value_position::<T::Oracle, T::Series>(
					series, &terms, contracts, now, &params,
				)
				.ok()?;
				Some(PositionView { series, contracts, value: v.value })
			})
			.collect::<Option<Vec<_>>>()?;
		Some(AccountView {
			portfolio_margin: book.mode == MarginMode::Portfolio,
			collateral: book.collateral,
			equity: r.equity,
			initial_margin: r.initial,
			maintenance_margin: r.maintenance,
			positions,
		})
	}

	/// Applies `delta` to a loaded book (positions kept non-zero and bounded).
	fn apply_to_book(book: &mut Book, delta: &LedgerDelta<T::AccountId>) -> DispatchResult {
		book.collateral =
			book.collateral.checked_add(delta.collateral).ok_or(Error::<T>::Overflow)?;
		if delta.contracts == 0 {
			return Ok(());
		}
		let max = T::MaxContracts::get();
		match book.positions.iter().position(|(s, _)| *s == delta.series) {
			Some(i) => {
				let next =
					book.positions[i].1.checked_add(delta.contracts).ok_or(Error::<T>::Overflow)?;
				ensure_bounded::<T>(next, max)?;
				if next == 0 {
					book.positions.swap_remove(i);
				} else {
					book.positions[i].1 = next;
				}
			}
			None => {
				ensure_bounded::<T>(delta.contracts, max)?;
				frame_support::ensure!(
					book.positions.len() < T::MaxPositions::get() as usize,
					Error::<T>::TooManyPositions
				);
				book.positions.push((delta.series, delta.contracts));
			}
		}
		Ok(())
	}

	/// Writes a book back: the ledger entry, the open interest of each changed position, and
	/// the holders index where a position opened or closed.
	fn write_book(who: &T::AccountId, before: &Book, after: Book) -> DispatchResult {
		let held = |book: &Book, series: SeriesId| {
			book.positions.iter().find(|(s, _)| *s == series).map_or(0, |p| p.1)
		};
		let touched = before.positions.iter().chain(after.positions.iter()).map(|p| p.0);
		let mut done: Vec<SeriesId> = Vec::new();
		for series in touched {
			let (old, new) = (held(before, series), held(&after, series));
			if old == new || done.contains(&series) {
				continue;
			}
			done.push(series);
			Self::move_open_interest(series, old, new)?;
			if new == 0 {
				Holders::<T>::remove(series, who);
			} else if old == 0 {
				Holders::<T>::insert(series, who, ());
			}
		}
		let positions = polkadot_sdk::frame_support::BoundedVec::try_from(after.positions)
			.map_err(|_| Error::<T>::TooManyPositions)?;
		Self::store(
			who,
			AccountLedger { collateral: after.collateral, positions, mode: after.mode },
		);
		Ok(())
	}

	/// Moves a series' open interest for one account's position going from `old` to `new`.
	fn move_open_interest(series: SeriesId, old: Position, new: Position) -> DispatchResult {
		OpenInterest::<T>::try_mutate(series, |(long, short)| {
			let side = |p: Position| (p.max(0) as u64, p.min(0).unsigned_abs());
			let (old_l, old_s) = side(old);
			let (new_l, new_s) = side(new);
			*long = long
				.checked_sub(old_l)
				.and_then(|l| l.checked_add(new_l))
				.ok_or(Error::<T>::Overflow)?;
			*short = short
				.checked_sub(old_s)
				.and_then(|s| s.checked_add(new_s))
				.ok_or(Error::<T>::Overflow)?;
			Ok(())
		})
	}

	/// Checks the invariants listed in the crate docs.
	pub fn do_try_state() -> Result<(), DispatchError> {
		use frame_support::ensure;
		let mut sums: alloc::collections::BTreeMap<SeriesId, (u64, u64)> = Default::default();
		let mut total: i128 = -(BadDebt::<T>::get() as i128);
		for (_, balance) in SettlementBalance::<T>::iter() {
			total = total.checked_add(balance).ok_or("settlement balance overflows")?;
		}
		for (_, haircut) in Haircuts::<T>::iter() {
			total = total.checked_sub(haircut.outstanding as i128).ok_or("haircuts overflow")?;
		}
		let fund = Self::insurance_account();
		ensure!(Accounts::<T>::contains_key(&fund), "no insurance fund");
		for (who, ledger) in Accounts::<T>::iter() {
			total = total.checked_add(ledger.collateral).ok_or("collateral sum overflows")?;
			ensure!(
				who == fund || !ledger.positions.is_empty() || ledger.collateral >= 0,
				"negative collateral without positions or a deficit record"
			);
			for (series, p) in ledger.positions.iter() {
				ensure!(*p != 0, "zero position in a ledger");
				ensure!(Holders::<T>::contains_key(series, &who), "position missing from holders");
				let e = sums.entry(*series).or_default();
				if *p > 0 {
					e.0 += *p as u64;
				} else {
					e.1 += p.unsigned_abs();
				}
			}
		}
		let held = T::Collateral::balance(&Self::account_id()) as i128;
		ensure!(held == total, "collateral held != accounts + settling - haircuts - bad debt");
		for (series, who, ()) in Holders::<T>::iter() {
			ensure!(Self::position(&who, series).is_some(), "holder without a position");
		}
		for (series, oi) in OpenInterest::<T>::iter() {
			ensure!(oi.0 == oi.1, "open interest long != short");
			let held = sums.remove(&series).unwrap_or_default();
			if <T::Series as strikeline_primitives::SeriesRegistry>::settlement_price_e6(series)
				.is_some()
			{
				// Settling: positions drain; open interest goes with the last one.
				ensure!(
					held.0 <= oi.0 && held.1 <= oi.1,
					"settling positions exceed open interest"
				);
			} else {
				ensure!(held == oi, "open interest != positions");
			}
		}
		ensure!(sums.is_empty(), "positions without open interest");
		Ok(())
	}
}

fn ensure_bounded<T: Config>(contracts: Position, max: u64) -> DispatchResult {
	frame_support::ensure!(contracts.unsigned_abs() <= max, Error::<T>::PositionTooLarge);
	Ok(())
}

impl<T: Config> MarginLedger<T::AccountId> for Pallet<T> {
	fn apply(deltas: &[LedgerDelta<T::AccountId>], max_positions: u32) -> DispatchResult {
		// Load every touched account once, in first-seen order.
		let mut books: Vec<(T::AccountId, Book, Book)> = Vec::new();
		for d in deltas {
			let i = match books.iter().position(|(w, _, _)| *w == d.who) {
				Some(i) => i,
				None => {
					let ledger = Accounts::<T>::get(&d.who).ok_or(Error::<T>::NoAccount)?;
					let book = Self::load_book(&ledger);
					frame_support::ensure!(
						Self::valuation_units(&book) <= max_positions,
						Error::<T>::PositionsAboveWitness
					);
					books.push((d.who.clone(), book.clone(), book));
					books.len() - 1
				}
			};
			Self::apply_to_book(&mut books[i].2, d)?;
			frame_support::ensure!(
				Self::valuation_units(&books[i].2) <= max_positions,
				Error::<T>::PositionsAboveWitness
			);
		}
		// Dry run: every account meets initial margin or is no riskier than before.
		for (_, before, after) in &books {
			let a = Self::requirement(after)?;
			if a.meets_initial() {
				continue;
			}
			let b = Self::requirement(before)?;
			let no_riskier = a.initial <= b.initial && a.free_margin() >= b.free_margin();
			frame_support::ensure!(no_riskier, Error::<T>::InsufficientMargin);
		}
		for (who, before, after) in books {
			Self::write_book(&who, &before, after)?;
		}
		Ok(())
	}

	fn settle_series(
		series: SeriesId,
		payoff_per_contract: u128,
		max_accounts: u32,
	) -> Result<u32, DispatchError> {
		let payoff = i128::try_from(payoff_per_contract).map_err(|_| Error::<T>::Overflow)?;
		let mut settled = 0u32;
		let mut pool = SettlementBalance::<T>::get(series);
		// Per contract kept back from shorts ([0]) and longs ([1]) for socialised losses.
		let cuts = [false, true].map(|longs| Haircuts::<T>::get((series, longs)).per_contract);
		for (who, ()) in Holders::<T>::drain_prefix(series).take(max_accounts as usize) {
			settled += 1;
			let mut ledger = Accounts::<T>::get(&who).unwrap_or_default();
			let contracts = ledger.positions.iter().find(|p| p.0 == series).map_or(0, |p| p.1);
			// |contracts| <= MaxContracts and payoff <= strike * size (crate-doc bounds): the
			// product fits an i128; saturation is unreachable.
			let pnl = (contracts as i128).saturating_mul(payoff);
			pool = pool.saturating_sub(pnl);
			ledger.collateral = ledger.collateral.saturating_add(pnl);
			ledger.positions.retain(|(s, _)| *s != series);
			// The haircut comes out of what the holder has after settling, never more.
			let per = cuts[usize::from(contracts > 0)];
			let haircut = per
				.saturating_mul(contracts.unsigned_abs() as u128)
				.min(ledger.collateral.max(0) as u128);
			ledger.collateral -= haircut as i128;
			pool = pool.saturating_add(haircut as i128);
			Self::store(&who, ledger);
			Self::deposit_event(Event::PositionSettled {
				who: who.clone(),
				series,
				contracts,
				pnl,
				haircut,
			});
			Self::cover_deficit_if_closed(&who, series, contracts < 0)?;
		}
		// Open interest stays as it was while a series settles (long == short throughout) and
		// goes when the last position is settled.
		if settled < max_accounts {
			OpenInterest::<T>::remove(series);
			// Every long had a short, so what is left in the pool is what the haircuts kept
			// back: it pays the socialised losses.
			SettlementBalance::<T>::remove(series);
			Self::resolve_haircuts(series, pool)?;
		} else {
			SettlementBalance::<T>::insert(series, pool);
		}
		Ok(settled)
	}

	fn mark_per_contract(series: SeriesId) -> Option<u128> {
		let terms = <T::Series as strikeline_primitives::SeriesRegistry>::terms(series)?;
		let v = margin::value_position::<T::Oracle, T::Series>(
			series,
			&terms,
			1,
			Self::now_ms(),
			&Self::params(),
		)
		.ok()?;
		u128::try_from(v.value).ok()
	}

	fn open_interest(series: SeriesId) -> (u64, u64) {
		OpenInterest::<T>::get(series)
	}

	fn max_positions() -> u32 {
		T::MaxPositions::get()
	}

	fn max_valuation_units() -> u32 {
		Self::max_valuation_units()
	}
}

impl<T: Config> strikeline_primitives::BridgeLedger<T::AccountId> for Pallet<T> {
	fn collateral(who: &T::AccountId) -> Option<i128> {
		Accounts::<T>::get(who).map(|l| l.collateral)
	}

	fn burn_for_withdrawal(who: &T::AccountId, amount: Balance) -> DispatchResult {
		use frame_support::traits::tokens::{Fortitude, Precision};
		frame_support::ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut ledger = Accounts::<T>::get(who).ok_or(Error::<T>::NoAccount)?;
		let debit = i128::try_from(amount).map_err(|_| Error::<T>::Overflow)?;
		frame_support::ensure!(ledger.collateral >= debit, Error::<T>::InsufficientCollateral);
		ledger.collateral -= debit;
		Self::ensure_initial_margin(&ledger)?;
		T::Collateral::burn_from(
			&Self::account_id(),
			amount,
			Preservation::Preserve,
			Precision::Exact,
			Fortitude::Polite,
		)?;
		Self::store(who, ledger);
		Self::deposit_event(Event::BurnedForBridge { who: who.clone(), amount });
		Ok(())
	}

	fn credit_from_bridge(who: &T::AccountId, amount: Balance) -> DispatchResult {
		frame_support::ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let credit = i128::try_from(amount).map_err(|_| Error::<T>::Overflow)?;
		let mut ledger = Accounts::<T>::get(who).unwrap_or_default();
		ledger.collateral = ledger.collateral.checked_add(credit).ok_or(Error::<T>::Overflow)?;
		T::Collateral::mint_into(&Self::account_id(), amount)?;
		Self::store(who, ledger);
		Self::deposit_event(Event::CreditedFromBridge { who: who.clone(), amount });
		Ok(())
	}
}
