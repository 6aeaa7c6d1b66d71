//! # Price oracle pallet
//!
//! Prices for marking and settling options, from a configured set of feeders (the validators
//! by default).
//!
//! ## Terms
//!
//! - **Underlying**: an asset with a price, registered by the admin origin (BTC = 0 and
//!   ETH = 1 in the dev chain).
//! - **Submission**: a feeder's spot price (`spot_e6`, collateral base units per unit of
//!   underlying) and implied volatilities per expiry (`vol_e6`, millionths), observed at
//!   `observed_ms`. A submission older than [`Config::StalenessMs`] or from the future is
//!   rejected. Feeding is free for feeders ([`Pays::No`]); anyone else is refused.
//! - **Median**: the median of the fresh submissions of all feeders (for an even count, the
//!   mean of the two middle ones, rounded down), recomputed on every submission. A spot
//!   median older than [`Config::StalenessMs`] is **stale**: the margin pallet refuses to
//!   value positions on it.
//! - **Circuit breaker**: a spot submission further than [`Config::MaxJumpPpm`] from the
//!   current fresh median is rejected ([`Error::PriceJumpTooLarge`]); a move larger than that
//!   must come in steps.
//! - **TWAP**: `cumulative(t)` = integral of the spot median over time (see [`twap`]).
//!   `TWAP(a, b) = (cumulative(b) - cumulative(a)) / (b - a)`, rounded down, O(1) for window
//!   ends on multiples of [`Config::ObservationPeriodMs`] within the last
//!   [`Config::SettlementWindowMs`] (plus two periods), or at the current time.
//! - **Settlement price** of an expiry `E` (a multiple of the period): `TWAP(E - W, E)` with
//!   `W` = [`Config::SettlementWindowMs`] (30 minutes in the runtime). If the first price came
//!   after `E - W`, the window starts at the first price. Available from `E` until the ring
//!   forgets `E` (`W` later), which is why the options pallet fixes it in the first block
//!   after expiry.
//!
//! ## Invariants ([`Pallet::do_try_state`])
//!
//! 1. Every stored median is positive and no newer than the accumulator's last update.
//! 2. Every checkpoint lies on a period boundary, at or before the accumulator's last update.
//! 3. Every submission is for a registered underlying.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod twap;
pub mod weights;

pub use weights::WeightInfo;

use alloc::vec::Vec;
use polkadot_sdk::frame_support::pallet_prelude::{DispatchError, Get};
use polkadot_sdk::{
	frame_support::{self, traits::UnixTime},
	frame_system,
};
use strikeline_primitives::{Moment, OracleError, PriceOracle, UnderlyingId};
use twap::Accumulator;

/// Largest implied volatility accepted: 1000 %.
pub const MAX_VOL_E6: u32 = 10_000_000;
/// Largest spot price accepted: 10^9 USD per unit, in base units.
pub const MAX_PRICE_E6: u128 = 1_000_000_000_000_000;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_support::DefaultNoBound;
	use frame_system::pallet_prelude::*;

	/// A median and when it was computed.
	#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
	pub struct PricePoint<V> {
		/// The median value.
		pub value: V,
		/// When it was last recomputed, in ms since the Unix epoch.
		pub updated_ms: Moment,
	}

	/// One submission: a value and when the feeder observed it.
	pub type Submission<V> = PricePoint<V>;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Origin that registers underlyings and sets the feeders.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Wall-clock time (the block's timestamp).
		type Time: UnixTime;
		/// Most feeders.
		#[pallet::constant]
		type MaxFeeders: Get<u32>;
		/// Most expiries with an implied volatility in one submission.
		#[pallet::constant]
		type MaxVolsPerFeed: Get<u32>;
		/// Age after which a submission or a median is stale, in ms.
		#[pallet::constant]
		type StalenessMs: Get<Moment>;
		/// Largest accepted move of a spot submission from the fresh median, in ppm.
		#[pallet::constant]
		type MaxJumpPpm: Get<u32>;
		/// Spacing of TWAP checkpoints, in ms; settlement windows start and end on them.
		#[pallet::constant]
		type ObservationPeriodMs: Get<Moment>;
		/// Length of the settlement TWAP window before expiry, in ms (a multiple of the period).
		#[pallet::constant]
		type SettlementWindowMs: Get<Moment>;
		/// Told of every accepted submission (the liquidation scan re-checks first).
		type OnPriceUpdate: strikeline_primitives::OnPriceUpdate;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The accounts allowed to feed prices.
	#[pallet::storage]
	pub type Feeders<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxFeeders>, ValueQuery>;

	/// Registered underlyings and their ticker symbols.
	#[pallet::storage]
	pub type Underlyings<T: Config> =
		StorageMap<_, Twox64Concat, UnderlyingId, BoundedVec<u8, ConstU32<8>>, OptionQuery>;

	/// Each feeder's last spot submission per underlying.
	#[pallet::storage]
	pub type SpotSubmissions<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		UnderlyingId,
		Blake2_128Concat,
		T::AccountId,
		Submission<u128>,
		OptionQuery,
	>;

	/// Each feeder's last implied-volatility submission per (underlying, expiry).
	#[pallet::storage]
	pub type VolSubmissions<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		(UnderlyingId, Moment),
		Blake2_128Concat,
		T::AccountId,
		Submission<u32>,
		OptionQuery,
	>;

	/// The median spot price of each underlying.
	#[pallet::storage]
	pub type Spot<T: Config> =
		StorageMap<_, Twox64Concat, UnderlyingId, PricePoint<u128>, OptionQuery>;

	/// The median implied volatility of each (underlying, expiry).
	#[pallet::storage]
	pub type Vol<T: Config> =
		StorageMap<_, Twox64Concat, (UnderlyingId, Moment), PricePoint<u32>, OptionQuery>;

	/// The TWAP accumulator of each underlying.
	#[pallet::storage]
	pub type Accumulators<T: Config> =
		StorageMap<_, Twox64Concat, UnderlyingId, Accumulator, OptionQuery>;

	/// Ring of boundary checkpoints per underlying, slot = boundary index mod ring size.
	#[pallet::storage]
	pub type Checkpoints<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		UnderlyingId,
		Twox64Concat,
		u32,
		twap::Checkpoint,
		OptionQuery,
	>;

	#[pallet::genesis_config]
	#[derive(DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Initial feeders.
		pub feeders: Vec<T::AccountId>,
		/// Registered underlyings: (id, ticker).
		pub underlyings: Vec<(UnderlyingId, Vec<u8>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let feeders =
				BoundedVec::try_from(self.feeders.clone()).expect("genesis: too many feeders");
			Feeders::<T>::put(feeders);
			for (id, symbol) in &self.underlyings {
				let symbol =
					BoundedVec::try_from(symbol.clone()).expect("genesis: symbol > 8 bytes");
				Underlyings::<T>::insert(id, symbol);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A feeder's submission was accepted and the medians recomputed.
		PriceFed { feeder: T::AccountId, underlying: UnderlyingId, spot_e6: u128, median_e6: u128 },
		/// The feeder set was replaced.
		FeedersSet { count: u32 },
		/// An underlying was registered.
		UnderlyingRegistered { underlying: UnderlyingId, symbol: Vec<u8> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The caller is not a feeder.
		NotFeeder,
		/// The underlying is not registered.
		UnknownUnderlying,
		/// The submission was observed longer ago than the staleness bound.
		StaleSubmission,
		/// The submission claims to be observed in the future.
		FutureSubmission,
		/// A price is zero or above the maximum.
		PriceOutOfRange,
		/// A volatility is zero or above the maximum.
		VolOutOfRange,
		/// The spot moved more than the circuit breaker allows from the fresh median.
		PriceJumpTooLarge,
		/// Too many feeders.
		TooManyFeeders,
		/// The ticker symbol is longer than 8 bytes.
		SymbolTooLong,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			let (p, w) = (T::ObservationPeriodMs::get(), T::SettlementWindowMs::get());
			assert!(p > 0 && w % p == 0, "the settlement window is a multiple of the period");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// A feeder submits the spot price of `underlying` and implied volatilities for some
		/// expiries, as observed at `observed_ms`. Free for feeders.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::feed(
			vols.len() as u32,
			T::MaxFeeders::get(),
			Pallet::<T>::ring_size(),
		))]
		pub fn feed(
			origin: OriginFor<T>,
			underlying: UnderlyingId,
			#[pallet::compact] spot_e6: u128,
			vols: BoundedVec<(Moment, u32), T::MaxVolsPerFeed>,
			#[pallet::compact] observed_ms: Moment,
		) -> DispatchResultWithPostInfo {
			let feeder = ensure_signed(origin)?;
			let feeders = Feeders::<T>::get();
			ensure!(feeders.contains(&feeder), Error::<T>::NotFeeder);
			ensure!(Underlyings::<T>::contains_key(underlying), Error::<T>::UnknownUnderlying);
			let now = Self::now_ms();
			ensure!(observed_ms <= now, Error::<T>::FutureSubmission);
			ensure!(now - observed_ms <= T::StalenessMs::get(), Error::<T>::StaleSubmission);
			ensure!(spot_e6 > 0 && spot_e6 <= MAX_PRICE_E6, Error::<T>::PriceOutOfRange);
			ensure!(
				vols.iter().all(|(_, v)| *v > 0 && *v <= MAX_VOL_E6),
				Error::<T>::VolOutOfRange
			);
			if let Some(median) = Self::fresh(Spot::<T>::get(underlying)) {
				let jump = spot_e6.abs_diff(median);
				let bound = median.saturating_mul(T::MaxJumpPpm::get() as u128) / 1_000_000;
				ensure!(jump <= bound, Error::<T>::PriceJumpTooLarge);
			}

			let spot_submission = Submission { value: spot_e6, updated_ms: observed_ms };
			SpotSubmissions::<T>::insert(underlying, &feeder, spot_submission);
			let median_e6 = Self::median_of(&feeders, |f| SpotSubmissions::<T>::get(underlying, f))
				.unwrap_or(spot_e6);
			Spot::<T>::insert(underlying, PricePoint { value: median_e6, updated_ms: now });
			let checkpoints = Self::accumulate(underlying, median_e6, now);
			for (expiry, vol) in vols.iter() {
				let key = (underlying, *expiry);
				let vol_submission = Submission { value: *vol, updated_ms: observed_ms };
				VolSubmissions::<T>::insert(key, &feeder, vol_submission);
				let median =
					Self::median_of(&feeders, |f| VolSubmissions::<T>::get(key, f)).unwrap_or(*vol);
				Vol::<T>::insert(key, PricePoint { value: median, updated_ms: now });
			}
			<T::OnPriceUpdate as strikeline_primitives::OnPriceUpdate>::on_price_update(underlying);
			Self::deposit_event(Event::PriceFed { feeder, underlying, spot_e6, median_e6 });
			let weight = T::WeightInfo::feed(vols.len() as u32, feeders.len() as u32, checkpoints);
			Ok(frame_support::dispatch::PostDispatchInfo {
				actual_weight: Some(weight),
				pays_fee: Pays::No,
			})
		}

		/// Replaces the feeder set.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_feeders(feeders.len() as u32))]
		pub fn set_feeders(origin: OriginFor<T>, feeders: Vec<T::AccountId>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let count = feeders.len() as u32;
			let feeders = BoundedVec::try_from(feeders).map_err(|_| Error::<T>::TooManyFeeders)?;
			Feeders::<T>::put(feeders);
			Self::deposit_event(Event::FeedersSet { count });
			Ok(())
		}

		/// Registers an underlying (or renames it).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_underlying())]
		pub fn register_underlying(
			origin: OriginFor<T>,
			underlying: UnderlyingId,
			symbol: Vec<u8>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let bounded =
				BoundedVec::try_from(symbol.clone()).map_err(|_| Error::<T>::SymbolTooLong)?;
			Underlyings::<T>::insert(underlying, bounded);
			Self::deposit_event(Event::UnderlyingRegistered { underlying, symbol });
			Ok(())
		}
	}
}

/// Median of a non-empty sorted list, rounded down for an even count.
fn median<V: Copy + Ord + Into<u128> + TryFrom<u128>>(sorted: &[V]) -> Option<V> {
	let n = sorted.len();
	match n {
		0 => None,
		_ if n % 2 == 1 => Some(sorted[n / 2]),
		_ => {
			let (a, b): (u128, u128) = (sorted[n / 2 - 1].into(), sorted[n / 2].into());
			V::try_from(a / 2 + b / 2 + (a % 2 + b % 2) / 2).ok()
		}
	}
}

impl<T: Config> Pallet<T> {
	fn now_ms() -> Moment {
		T::Time::now().as_millis() as Moment
	}

	/// Ring size: the settlement window in periods, plus two.
	pub fn ring_size() -> u32 {
		(T::SettlementWindowMs::get() / T::ObservationPeriodMs::get()).saturating_add(2) as u32
	}

	/// The value of a point if it is fresh.
	fn fresh<V: Copy>(point: Option<PricePoint<V>>) -> Option<V> {
		let p = point?;
		(Self::now_ms().saturating_sub(p.updated_ms) <= T::StalenessMs::get()).then_some(p.value)
	}

	/// Median of the feeders' fresh submissions (at most `MaxFeeders` reads).
	fn median_of<V: Copy + Ord + Into<u128> + TryFrom<u128>>(
		feeders: &[T::AccountId],
		read: impl Fn(&T::AccountId) -> Option<Submission<V>>,
	) -> Option<V> {
		let mut values: Vec<V> = feeders.iter().filter_map(|f| Self::fresh(read(f))).collect();
		values.sort_unstable();
		median(&values)
	}

	/// Brings the TWAP accumulator to `now`, writing crossed boundary checkpoints; returns
	/// how many it wrote.
	fn accumulate(underlying: UnderlyingId, price_e6: u128, now: Moment) -> u32 {
		let (period, ring) = (T::ObservationPeriodMs::get(), Self::ring_size());
		let mut acc = match Accumulators::<T>::get(underlying) {
			Some(acc) => acc,
			None => {
				Accumulators::<T>::insert(underlying, Accumulator::start(price_e6, now));
				return 0;
			}
		};
		let mut written = 0;
		for cp in acc.crossed_boundaries(now, period, ring) {
			let slot = ((cp.boundary_ms / period) % ring as u64) as u32;
			Checkpoints::<T>::insert(underlying, slot, cp);
			written += 1;
		}
		acc.advance(now, price_e6);
		Accumulators::<T>::insert(underlying, acc);
		written
	}

	/// The price integral of `underlying` at time `t`, if known: `t` at or after the last
	/// update (and not in the future), at the first price, or on a boundary still in the ring.
	pub fn cumulative_at(underlying: UnderlyingId, t: Moment) -> Option<u128> {
		let acc = Accumulators::<T>::get(underlying)?;
		if t < acc.first_ms || t > Self::now_ms() {
			return None;
		}
		if t >= acc.last_ms {
			return Some(acc.cumulative_at(t));
		}
		if t == acc.first_ms {
			return Some(0);
		}
		let period = T::ObservationPeriodMs::get();
		if !t.is_multiple_of(period) {
			return None;
		}
		let slot = ((t / period) % Self::ring_size() as u64) as u32;
		let cp = Checkpoints::<T>::get(underlying, slot)?;
		(cp.boundary_ms == t).then_some(cp.cumulative)
	}

	/// Time-weighted average spot over `[from, to]`, starting no earlier than the first price;
	/// rounded down.
	pub fn twap_e6(underlying: UnderlyingId, from: Moment, to: Moment) -> Option<u128> {
		let first = Accumulators::<T>::get(underlying)?.first_ms;
		let from = from.max(first);
		if to <= from {
			return None;
		}
		let integral = Self::cumulative_at(underlying, to)?
			.checked_sub(Self::cumulative_at(underlying, from)?)?;
		Some(integral / (to - from) as u128)
	}

	/// The spot median with its freshness, for the runtime API.
	pub fn price_view(underlying: UnderlyingId) -> Option<strikeline_primitives::api::PriceView> {
		let p = Spot::<T>::get(underlying)?;
		Some(strikeline_primitives::api::PriceView {
			spot_e6: p.value,
			updated_ms: p.updated_ms,
			fresh: Self::fresh(Some(p)).is_some(),
		})
	}

	/// Checks the invariants listed in the crate docs.
	pub fn do_try_state() -> Result<(), DispatchError> {
		use frame_support::ensure;
		for (u, p) in Spot::<T>::iter() {
			ensure!(p.value > 0, "zero median");
			let acc = Accumulators::<T>::get(u).ok_or("median without accumulator")?;
			ensure!(p.updated_ms <= acc.last_ms, "median newer than accumulator");
		}
		let period = T::ObservationPeriodMs::get();
		for (u, _, cp) in Checkpoints::<T>::iter() {
			ensure!(cp.boundary_ms % period == 0, "checkpoint off a boundary");
			let acc = Accumulators::<T>::get(u).ok_or("checkpoint without accumulator")?;
			ensure!(cp.boundary_ms <= acc.last_ms, "checkpoint after last update");
		}
		for (u, _, _) in SpotSubmissions::<T>::iter() {
			ensure!(Underlyings::<T>::contains_key(u), "submission for unknown underlying");
		}
		Ok(())
	}
}

impl<T: Config> PriceOracle for Pallet<T> {
	fn has_underlying(underlying: UnderlyingId) -> bool {
		Underlyings::<T>::contains_key(underlying)
	}

	fn spot_e6(underlying: UnderlyingId) -> Result<u128, OracleError> {
		let p = Spot::<T>::get(underlying).ok_or(OracleError::NoPrice)?;
		Self::fresh(Some(p)).ok_or(OracleError::Stale)
	}

	fn vol_e6(underlying: UnderlyingId, expiry_ms: Moment) -> Result<u32, OracleError> {
		let p = Vol::<T>::get((underlying, expiry_ms)).ok_or(OracleError::NoPrice)?;
		Self::fresh(Some(p)).ok_or(OracleError::Stale)
	}

	fn settlement_price_e6(underlying: UnderlyingId, expiry_ms: Moment) -> Option<u128> {
		let from = expiry_ms.saturating_sub(T::SettlementWindowMs::get());
		Self::twap_e6(underlying, from, expiry_ms)
	}
}
