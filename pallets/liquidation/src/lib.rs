//! # Liquidation pallet
//!
//! Finds accounts that fell below maintenance margin and gets them liquidated within a block:
//! by anyone (a keeper) for a reward, or, if nobody does within [`Config::BackstopDelay`]
//! blocks, by the runtime against the insurance fund. The money moves in the margin pallet,
//! the ledger's single writer, through [`RiskLedger`]; this pallet decides when.
//!
//! ## Terms
//!
//! - **Health** = equity − maintenance margin (both from the margin pallet, at the oracle's
//!   fresh prices). An account with negative health is **liquidatable**. No health is computed
//!   on a stale price, so nothing is liquidated on one.
//! - **Notional** of a contract = spot × contract size.
//! - **Liquidation** ([`Pallet::liquidate`], permissionless): the caller takes over `contracts`
//!   of one of the account's positions at the mark, and the account pays it a reward of
//!   [`Config::LiquidatorDiscountPpm`] of the notional (the discount) plus
//!   [`Config::InsuranceFeePpm`] of the notional to the insurance fund. At most the contracts
//!   that restore health may be taken (partial liquidation), and the liquidator must meet
//!   initial margin afterwards. Pricing, the partial amount and rounding:
//!   `pallet_margin::liquidation`.
//! - **Flagged**: an account the scan found liquidatable, with the block it was found in.
//! - **Backstop**: [`Config::BackstopDelay`] blocks after an account is flagged, if it is still
//!   liquidatable, the insurance fund takes over its whole book at the mark (the account pays
//!   the fund fee, no reward) and any deficit is covered: by the fund, then socialised on the
//!   counterparties (see the margin pallet).
//!
//! ## The scan (every block, in `on_finalize`, after the block's price updates)
//!
//! 1. If any oracle price changed in the block ([`strikeline_primitives::OnPriceUpdate`]), the
//!    [`Watchlist`] first: up to [`Config::MaxWatched`] accounts whose health was below half
//!    their maintenance margin when last seen (`equity < 1.5 * maintenance`), within half the
//!    checks and half the weight.
//! 2. Then a cursor over all margin accounts, continuing where the last block stopped and
//!    wrapping at the end.
//!
//! It stops at [`Config::MaxScanPerBlock`] accounts or when the next account's check would
//! exceed [`Config::ScanWeight`] (each check is charged by its valuations); the first account
//! of a block is always checked, so the cursor never sticks. The whole budget
//! is reserved in `on_initialize`. An account found liquidatable is flagged with
//! [`Event::AccountLiquidatable`] in the block whose prices broke it, so a keeper watching
//! events liquidates it in the next block; a flagged account found healthy again is
//! unflagged ([`Event::AccountRecovered`]).
//!
//! **Bound**: with `A` margin accounts and `k` checks per block, the cursor gets at least
//! `floor(k / 2)` of them, so every account is checked at least every `ceil(A / floor(k / 2))`
//! blocks and no account stays liquidatable longer than that plus `BackstopDelay` blocks
//! (given fresh prices; `k` is the count, or what the weight budget affords).
//!
//! ## Invariants ([`Pallet::do_try_state`])
//!
//! 1. Every flagged account has a backstop deadline after the block it was flagged in (the
//!    backstop cannot forget a flagged account).
//! 2. The watch list holds no duplicates.
//! 3. Liquidation fees are within [`MAX_FEE_PPM`].
//!
//! The ledger's invariants (conservation with the fund, haircuts and bad debt; no negative
//! collateral without positions) are the margin pallet's.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
#[cfg(test)]
mod mock;
pub mod scan;
#[cfg(test)]
mod tests;
pub mod weights;

pub use weights::WeightInfo;

use polkadot_sdk::frame_support::pallet_prelude::DispatchError;
use polkadot_sdk::{frame_support, frame_system};
use strikeline_primitives::{LiquidationFees, MarginLedger, RiskLedger, SeriesId, Taker};

/// Largest liquidator discount, and largest insurance fee, each in ppm of notional (5 %).
pub const MAX_FEE_PPM: u32 = 50_000;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The ledger (the margin pallet): health and liquidation, and (for the benchmarks'
		/// set-up) trades.
		type Ledger: RiskLedger<Self::AccountId>
			+ strikeline_primitives::MarginLedger<Self::AccountId>;
		/// The liquidator's reward per contract taken over, in ppm of notional.
		#[pallet::constant]
		type LiquidatorDiscountPpm: Get<u32>;
		/// The insurance fund's fee per contract liquidated, in ppm of notional.
		#[pallet::constant]
		type InsuranceFeePpm: Get<u32>;
		/// Blocks after being flagged before the backstop closes out an account.
		#[pallet::constant]
		type BackstopDelay: Get<BlockNumberFor<Self>>;
		/// Most accounts the scan checks in one block (also bounds the backstops per block).
		#[pallet::constant]
		type MaxScanPerBlock: Get<u32>;
		/// Weight reserved every block for the scan.
		#[pallet::constant]
		type ScanWeight: Get<Weight>;
		/// Most accounts on the watch list.
		#[pallet::constant]
		type MaxWatched: Get<u32>;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
		/// Sets up series, prices and funds for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: strikeline_primitives::BenchmarkHelper<Self::AccountId, ()>;
	}

	/// Where the scan's cursor over margin accounts stands: the last account checked (`None`:
	/// start from the first).
	#[pallet::storage]
	pub type ScanCursor<T: Config> = StorageValue<_, T::AccountId, OptionQuery>;

	/// Accounts the scan found liquidatable, with the block it found them in.
	#[pallet::storage]
	pub type Flagged<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BlockNumberFor<T>, OptionQuery>;

	/// Accounts the backstop closes out in a block if they are still flagged and liquidatable.
	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<T::AccountId, T::MaxScanPerBlock>,
		ValueQuery,
	>;

	/// Accounts close to maintenance margin, re-checked first after a price update.
	#[pallet::storage]
	pub type Watchlist<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxWatched>, ValueQuery>;

	/// Whether an oracle price changed in this block (set by the oracle, taken by the scan).
	#[pallet::storage]
	pub type PriceMoved<T: Config> = StorageValue<_, bool, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The scan found an account below maintenance margin (`health` = equity - maintenance).
		AccountLiquidatable { who: T::AccountId, health: i128 },
		/// A flagged account is healthy again (liquidated enough, or prices recovered).
		AccountRecovered { who: T::AccountId },
		/// A liquidator took over `contracts` (signed from the account's side) of a position.
		Liquidated {
			who: T::AccountId,
			liquidator: T::AccountId,
			series: SeriesId,
			contracts: i64,
			mark_value: i128,
			reward: u128,
			fund_fee: u128,
			health_after: i128,
		},
		/// The backstop closed out an account's whole book against the insurance fund.
		ClosedOut { who: T::AccountId, positions: u32 },
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			Self::backstop(n).saturating_add(T::ScanWeight::get())
		}

		fn on_finalize(n: BlockNumberFor<T>) {
			Self::scan(n);
		}

		fn integrity_test() {
			assert!(T::LiquidatorDiscountPpm::get() <= MAX_FEE_PPM, "discount above bound");
			assert!(T::InsuranceFeePpm::get() <= MAX_FEE_PPM, "insurance fee above bound");
			assert!(T::MaxScanPerBlock::get() > 0, "the scan must check some accounts");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Takes over `contracts` of `who`'s position in `series` (see the crate docs). Fails,
		/// changing nothing, if `who` is healthy, a price is stale, `contracts` is more than
		/// restores `who`'s health, or the caller would end below initial margin.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::liquidate(T::Ledger::max_valuation_units()))]
		pub fn liquidate(
			origin: OriginFor<T>,
			who: T::AccountId,
			series: SeriesId,
			#[pallet::compact] contracts: u64,
		) -> DispatchResultWithPostInfo {
			let liquidator = ensure_signed(origin)?;
			let out = T::Ledger::liquidate(
				&who,
				Taker::Liquidator(liquidator.clone()),
				series,
				contracts,
				Self::fees(),
			)?;
			Self::deposit_event(Event::Liquidated {
				who: who.clone(),
				liquidator,
				series,
				contracts: out.contracts,
				mark_value: out.mark_value,
				reward: out.reward,
				fund_fee: out.fund_fee,
				health_after: out.health_after,
			});
			if out.health_after >= 0 && Flagged::<T>::take(&who).is_some() {
				Self::deposit_event(Event::AccountRecovered { who });
			}
			Ok(Some(T::WeightInfo::liquidate(out.valuation_units)).into())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The liquidation pricing from the configuration.
	pub fn fees() -> LiquidationFees {
		use frame_support::traits::Get;
		LiquidationFees {
			discount_ppm: T::LiquidatorDiscountPpm::get(),
			fund_fee_ppm: T::InsuranceFeePpm::get(),
		}
	}

	/// Checks the invariants listed in the crate docs.
	pub fn do_try_state() -> Result<(), DispatchError> {
		use frame_support::ensure;
		for (who, since) in Flagged::<T>::iter() {
			let scheduled =
				Deadlines::<T>::iter().any(|(at, list)| at > since && list.contains(&who));
			ensure!(scheduled, "flagged account without a backstop deadline");
		}
		let watch = Watchlist::<T>::get();
		for (i, a) in watch.iter().enumerate() {
			ensure!(!watch[..i].contains(a), "duplicate on the watch list");
		}
		let fees = Self::fees();
		ensure!(
			fees.discount_ppm <= MAX_FEE_PPM && fees.fund_fee_ppm <= MAX_FEE_PPM,
			"fees above bound"
		);
		Ok(())
	}
}

impl<T: Config> strikeline_primitives::OnPriceUpdate for Pallet<T> {
	fn on_price_update(_: strikeline_primitives::UnderlyingId) {
		PriceMoved::<T>::put(true);
	}
}
