//! # Options pallet
//!
//! European, cash-settled option series and their trading by signed orders.
//!
//! ## Series
//!
//! A series is `(underlying, expiry, strike, call|put, contract size)` ([`SeriesTerms`]),
//! created by [`Config::AdminOrigin`]. Bounds: expiry in the future and a multiple of
//! [`Config::ExpiryGranularityMs`] (the oracle's TWAP period), `0 < strike_e6 <= 10^15`,
//! `0 < contract_size_e6 <= 10^12`. Life cycle:
//!
//! 1. **Trading** until expiry.
//! 2. **Expired**: in the first block whose parent timestamp is at or past expiry, the
//!    settlement price (the oracle's TWAP over the window before expiry) is fixed
//!    ([`Event::SeriesExpired`]).
//! 3. **Settled**: every position has been cash-settled, at most
//!    [`Config::MaxSettlementsPerBlock`] per block across series, each long receiving and each
//!    short paying `payoff_per_contract = floor(intrinsic(settlement price) * size / 10^6)`
//!    base units per contract ([`Event::SeriesSettled`]). Both sides move the same integer, so
//!    settlement conserves collateral exactly.
//!
//! ## Orders and fills
//!
//! A trader signs an [`Order`] (series, side, limit price per contract, quantity, nonce,
//! expiry) with their account key over
//! `order_hash = blake2_256("strikeline/order/v1" ++ genesis hash ++ SCALE(order))`.
//! Anyone submits matched [`Fill`]s (maker order, taker order, price, quantity) in one
//! [`Pallet::settle_fills`] batch, with a witness of the most positions any of its traders
//! holds (the weight grows with it). Each fill, on its own:
//!
//! - both orders are on the fill's series, on opposite sides, by different accounts, not
//!   expired, not cancelled, and have room for the quantity (filled amounts are kept per order
//!   hash, so no order overfills and a filled order cannot be replayed);
//! - each signature is checked on the order's first fill and remembered by its hash;
//! - the price is within both limits (buyer's limit `>=` price `>=` seller's limit);
//! - the premium `price * quantity` moves from buyer to seller, positions change by
//!   `+quantity` / `-quantity`, and the margin ledger checks both accounts
//!   ([`MarginLedger::apply`]).
//!
//! A fill that fails changes nothing ([`Event::FillRejected`] says why) and the batch goes on.
//! If every fill of a batch fails, the call fails with the first fill's error.
//!
//! ## Invariants ([`Pallet::do_try_state`])
//!
//! 1. `LiveSeries` is sorted by expiry and holds exactly the series not yet settled.
//! 2. An expired series has a settlement price; a settled series has no open interest.
//! 3. No order has filled more than its quantity.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod expiry;
mod fills;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use polkadot_sdk::frame_support::pallet_prelude::{DispatchError, Get};
use polkadot_sdk::{
	frame_support::{self, traits::UnixTime},
	frame_system,
	sp_runtime::traits::{IdentifyAccount, Verify},
};
use strikeline_primitives::{
	MarginLedger, Moment, PriceOracle, SeriesId, SeriesRegistry, SeriesState, SeriesTerms,
};

/// Largest strike: 10^9 USD per unit of underlying, in base units.
pub const MAX_STRIKE_E6: u128 = 1_000_000_000_000_000;
/// Largest contract size: 10^6 units of underlying, in millionths.
pub const MAX_CONTRACT_SIZE_E6: u128 = 1_000_000_000_000;
/// Domain separator of order hashes.
pub const ORDER_DOMAIN: &[u8] = b"strikeline/order/v1";

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_support::DefaultNoBound;
	use frame_system::pallet_prelude::*;

	/// A fill as the runtime sees it.
	pub type FillOf<T> =
		Fill<<T as frame_system::Config>::AccountId, <T as Config>::OrderSignature>;
	/// An order as the runtime sees it.
	pub type OrderOf<T> = Order<<T as frame_system::Config>::AccountId>;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Origin that creates series.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The margin ledger that checks and applies trades and settles expiries.
		type Margin: MarginLedger<Self::AccountId>;
		/// Prices for settlement and marks.
		type Oracle: PriceOracle;
		/// Wall-clock time (the block's timestamp).
		type Time: UnixTime;
		/// Signature of an order (the runtime's `MultiSignature`).
		type OrderSignature: Verify<Signer = Self::OrderSigner> + Parameter;
		/// Who signs an order.
		type OrderSigner: IdentifyAccount<AccountId = Self::AccountId>;
		/// Most fills in one batch.
		#[pallet::constant]
		type MaxFillsPerBatch: Get<u32>;
		/// Most series not yet settled.
		#[pallet::constant]
		type MaxLiveSeries: Get<u32>;
		/// Most positions settled per block, across series.
		#[pallet::constant]
		type MaxSettlementsPerBlock: Get<u32>;
		/// Expiries are multiples of this (the oracle's TWAP observation period).
		#[pallet::constant]
		type ExpiryGranularityMs: Get<Moment>;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
		/// Sets up series, prices, funds and signers for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: strikeline_primitives::BenchmarkHelper<
			Self::AccountId,
			Self::OrderSignature,
		>;
	}

	/// Every series ever created.
	#[pallet::storage]
	pub type Series<T: Config> = StorageMap<_, Twox64Concat, SeriesId, SeriesInfo, OptionQuery>;

	/// The id the next series gets.
	#[pallet::storage]
	pub type NextSeriesId<T: Config> = StorageValue<_, SeriesId, ValueQuery>;

	/// Series not yet settled, as (expiry, id), sorted by expiry.
	#[pallet::storage]
	pub type LiveSeries<T: Config> =
		StorageValue<_, BoundedVec<(Moment, SeriesId), T::MaxLiveSeries>, ValueQuery>;

	/// Orders seen (filled at least once, or cancelled), by order hash.
	#[pallet::storage]
	pub type Orders<T: Config> = StorageMap<_, Identity, [u8; 32], OrderStatus, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Series open for trading at genesis.
		pub series: Vec<SeriesTerms>,
		/// Unused marker.
		#[serde(skip)]
		pub _phantom: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for terms in &self.series {
				Pallet::<T>::check_terms(terms).expect("genesis series within bounds");
				Pallet::<T>::insert_series(*terms).expect("genesis series fit MaxLiveSeries");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A series was created and is open for trading.
		SeriesCreated { series: SeriesId, terms: SeriesTerms },
		/// A fill settled: `quantity` contracts at `price` per contract from seller to buyer.
		Traded {
			series: SeriesId,
			buyer: T::AccountId,
			seller: T::AccountId,
			price: u128,
			quantity: u64,
			maker_order: [u8; 32],
			taker_order: [u8; 32],
		},
		/// A fill of a batch failed and changed nothing.
		FillRejected { index: u32, error: DispatchError },
		/// An order was cancelled by its signer.
		OrderCancelled { who: T::AccountId, order: [u8; 32] },
		/// A series reached expiry; its settlement price is fixed.
		SeriesExpired { series: SeriesId, settlement_price_e6: u128, payoff_per_contract: u128 },
		/// Every position of a series has been cash-settled.
		SeriesSettled { series: SeriesId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No series has this id.
		UnknownSeries,
		/// The series is past expiry (or no longer trading).
		SeriesNotTrading,
		/// The expiry is not in the future, or not a multiple of the granularity.
		BadExpiry,
		/// Strike or contract size is zero or above its bound.
		TermsOutOfRange,
		/// The underlying has no oracle.
		UnknownUnderlying,
		/// Too many series are live.
		TooManySeries,
		/// An order's signature does not match its account.
		BadSignature,
		/// The orders are on another series than each other.
		SeriesMismatch,
		/// Both orders are on the same side.
		SameSide,
		/// Both orders are from the same account.
		SelfTrade,
		/// The quantity is zero.
		ZeroQuantity,
		/// The fill would take an order beyond its quantity (or replays a filled order).
		OrderOverfilled,
		/// The order was cancelled.
		OrderCancelled,
		/// The order has expired.
		OrderExpired,
		/// The price is outside an order's limit.
		PriceOutsideLimit,
		/// The premium does not fit.
		Overflow,
		/// The batch has no fills.
		EmptyBatch,
		/// Only the order's signer may cancel it.
		NotOrderOwner,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			Self::process_expiries()
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Creates a series, open for trading until its expiry.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_series())]
		pub fn create_series(origin: OriginFor<T>, terms: SeriesTerms) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::check_terms(&terms)?;
			ensure!(terms.expiry_ms > Self::now_ms(), Error::<T>::BadExpiry);
			ensure!(T::Oracle::has_underlying(terms.underlying), Error::<T>::UnknownUnderlying);
			let series = Self::insert_series(terms)?;
			Self::deposit_event(Event::SeriesCreated { series, terms });
			Ok(())
		}

		/// Settles a batch of matched fills; each fill succeeds or fails on its own.
		///
		/// `max_positions` is a witness: the most valuations any trader's margin check in the
		/// batch costs, i.e. the positions it holds (counting the fill's own series), times one
		/// plus the scenario count for a portfolio-margined account. The weight is charged for
		/// it, and a fill touching an account above it fails with `PositionsAboveWitness`.
		#[pallet::call_index(1)]
		#[pallet::weight(Pallet::<T>::settle_fills_weight(fills, None, *max_positions))]
		pub fn settle_fills(
			origin: OriginFor<T>,
			fills: BoundedVec<FillOf<T>, T::MaxFillsPerBatch>,
			max_positions: u32,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			ensure!(!fills.is_empty(), Error::<T>::EmptyBatch);
			let (settled, verified, first_error) = Self::execute_batch(&fills, max_positions);
			if settled == 0 {
				return Err(first_error.unwrap_or(Error::<T>::EmptyBatch.into()).into());
			}
			Ok(Some(Self::settle_fills_weight(&fills, Some(verified), max_positions)).into())
		}

		/// Cancels an order: it fills no more. Only its signer may cancel it.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::cancel_order())]
		pub fn cancel_order(origin: OriginFor<T>, order: OrderOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(order.account == who, Error::<T>::NotOrderOwner);
			let hash = Self::order_hash(&order);
			Orders::<T>::mutate(hash, |status| {
				let s = status.get_or_insert(OrderStatus {
					quantity: order.quantity,
					expiry_ms: order.expiry_ms,
					..Default::default()
				});
				s.cancelled = true;
			});
			Self::deposit_event(Event::OrderCancelled { who, order: hash });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	pub(crate) fn now_ms() -> Moment {
		T::Time::now().as_millis() as Moment
	}

	/// The hash a trader signs: `blake2_256(ORDER_DOMAIN ++ genesis hash ++ SCALE(order))`.
	pub fn order_hash(order: &OrderOf<T>) -> [u8; 32] {
		use codec::Encode;
		let genesis = frame_system::Pallet::<T>::block_hash(
			frame_system::pallet_prelude::BlockNumberFor::<T>::default(),
		);
		let mut payload = Vec::with_capacity(128);
		payload.extend_from_slice(ORDER_DOMAIN);
		genesis.encode_to(&mut payload);
		order.encode_to(&mut payload);
		polkadot_sdk::sp_io::hashing::blake2_256(&payload)
	}

	/// Weight of a batch of fills for accounts of at most `max_positions` positions (clamped
	/// to the ledger's bound), verifying `verified` signatures (before dispatch: one for each
	/// distinct order).
	///
	/// Compute comes from the benchmarks ([`WeightInfo::settle_fills`]); storage is priced per
	/// distinct key the batch can touch, since repeated accesses within a block hit the
	/// overlay: reads of each distinct order, ledger and series, and of the series terms, spot
	/// and vol behind every position of each distinct account (`3 p` per account); writes of
	/// each distinct order status, ledger, series' open interest and (account, series) holder
	/// entry.
	pub fn settle_fills_weight(
		fills: &[FillOf<T>],
		verified: Option<u32>,
		max_positions: u32,
	) -> frame_support::weights::Weight {
		use codec::Encode;
		fn distinct<K: Ord>(mut keys: Vec<K>) -> u32 {
			keys.sort_unstable();
			keys.dedup();
			keys.len() as u32
		}
		let p = max_positions.min(T::Margin::max_valuation_units());
		let positions = p.min(T::Margin::max_positions());
		let orders = || fills.iter().flat_map(|f| [&f.maker.order, &f.taker.order]);
		let o = distinct(orders().map(|o| o.encode()).collect());
		let a = distinct(orders().map(|o| &o.account).collect());
		let k = distinct(orders().map(|o| o.series).collect());
		let q = distinct(orders().map(|o| (&o.account, o.series)).collect());
		let reads = o + a + k + 3 * positions * a;
		let writes = o + a + k + q;
		let n = fills.len() as u32;
		T::WeightInfo::settle_fills(n, verified.unwrap_or(o), p)
			.saturating_add(T::DbWeight::get().reads_writes(reads.into(), writes.into()))
	}

	/// Checks bounds of series terms.
	fn check_terms(terms: &SeriesTerms) -> Result<(), Error<T>> {
		let granularity = T::ExpiryGranularityMs::get().max(1);
		frame_support::ensure!(terms.expiry_ms.is_multiple_of(granularity), Error::<T>::BadExpiry);
		let strike_ok = terms.strike_e6 > 0 && terms.strike_e6 <= MAX_STRIKE_E6;
		let size_ok = terms.contract_size_e6 > 0 && terms.contract_size_e6 <= MAX_CONTRACT_SIZE_E6;
		frame_support::ensure!(strike_ok && size_ok, Error::<T>::TermsOutOfRange);
		Ok(())
	}

	/// Stores a new trading series and lists it by expiry.
	fn insert_series(terms: SeriesTerms) -> Result<SeriesId, Error<T>> {
		let id = NextSeriesId::<T>::get();
		LiveSeries::<T>::try_mutate(|live| {
			let at = live.partition_point(|(e, _)| *e <= terms.expiry_ms);
			live.try_insert(at, (terms.expiry_ms, id)).map_err(|_| Error::<T>::TooManySeries)
		})?;
		Series::<T>::insert(
			id,
			SeriesInfo { terms, state: SeriesState::Trading, settlement_price_e6: None },
		);
		NextSeriesId::<T>::put(id.saturating_add(1));
		Ok(id)
	}

	/// Every series with its state, mark and open interest, for the runtime API.
	pub fn series_views() -> Vec<strikeline_primitives::api::SeriesView> {
		Series::<T>::iter()
			.map(|(id, info)| strikeline_primitives::api::SeriesView {
				id,
				terms: info.terms,
				state: info.state,
				mark_per_contract: T::Margin::mark_per_contract(id),
				settlement_price_e6: info.settlement_price_e6,
				open_interest: T::Margin::open_interest(id).0,
			})
			.collect()
	}

	/// Checks the invariants listed in the crate docs.
	pub fn do_try_state() -> Result<(), DispatchError> {
		use frame_support::ensure;
		let live = LiveSeries::<T>::get();
		ensure!(live.windows(2).all(|w| w[0].0 <= w[1].0), "live series not sorted by expiry");
		for (id, info) in Series::<T>::iter() {
			let listed = live.iter().any(|(e, s)| *s == id && *e == info.terms.expiry_ms);
			ensure!(listed == (info.state != SeriesState::Settled), "live list out of step");
			match info.state {
				SeriesState::Trading => {}
				SeriesState::Expired => {
					ensure!(info.settlement_price_e6.is_some(), "expired without a price")
				}
				SeriesState::Settled => {
					ensure!(T::Margin::open_interest(id) == (0, 0), "settled series still open")
				}
			}
		}
		ensure!(live.len() <= Series::<T>::iter().count(), "live series unknown");
		for (_, status) in Orders::<T>::iter() {
			ensure!(status.filled <= status.quantity, "order overfilled");
		}
		Ok(())
	}
}

impl<T: Config> SeriesRegistry for Pallet<T> {
	fn terms(series: SeriesId) -> Option<SeriesTerms> {
		Series::<T>::get(series).map(|s| s.terms)
	}
	fn settlement_price_e6(series: SeriesId) -> Option<u128> {
		Series::<T>::get(series)?.settlement_price_e6
	}
}
