//! The traits the pallets talk through, so that each is coupled to an interface, not a pallet.
use crate::types::{Moment, SeriesId, SeriesTerms, UnderlyingId};
use polkadot_sdk::sp_runtime::{DispatchError, DispatchResult};

/// Why the oracle cannot give a price.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OracleError {
	/// No price (or no implied volatility for that expiry) was ever fed.
	NoPrice,
	/// The last price is older than the staleness bound.
	Stale,
}

/// Prices for marking and settling options.
pub trait PriceOracle {
	/// Whether `underlying` is registered with the oracle.
	fn has_underlying(underlying: UnderlyingId) -> bool;
	/// Fresh spot price of `underlying`, in collateral base units per unit.
	fn spot_e6(underlying: UnderlyingId) -> Result<u128, OracleError>;
	/// Fresh implied volatility of `underlying` for `expiry_ms`, in millionths.
	fn vol_e6(underlying: UnderlyingId, expiry_ms: Moment) -> Result<u32, OracleError>;
	/// The settlement price of an expiry: the TWAP over the settlement window that ends at
	/// `expiry_ms`; `None` before the expiry or if no price covers the window.
	fn settlement_price_e6(underlying: UnderlyingId, expiry_ms: Moment) -> Option<u128>;
}

/// Read access to the series registry.
pub trait SeriesRegistry {
	/// The terms of a series, if it exists.
	fn terms(series: SeriesId) -> Option<SeriesTerms>;
	/// The settlement price of a series that has expired and been priced.
	fn settlement_price_e6(series: SeriesId) -> Option<u128>;
}

/// The margin ledger: the one writer of collateral and positions.
pub trait MarginLedger<AccountId> {
	/// Checks and applies a set of deltas atomically: every touched account must end with
	/// equity at or above initial margin (or no riskier than before; see the margin pallet),
	/// otherwise nothing changes and the error says why. `max_positions` is the caller's
	/// witness (what its weight was charged for): no touched account's margin check may cost
	/// more valuations (its positions, times one plus the scenarios under portfolio margin),
	/// before or after.
	fn apply(deltas: &[crate::types::LedgerDelta<AccountId>], max_positions: u32)
		-> DispatchResult;
	/// Cash-settles up to `max_accounts` positions of an expired `series` at
	/// `payoff_per_contract` (collateral base units each long receives, each short pays) and
	/// closes them. Returns how many were settled; 0 means none are left.
	fn settle_series(
		series: SeriesId,
		payoff_per_contract: u128,
		max_accounts: u32,
	) -> Result<u32, DispatchError>;
	/// The mark of one long contract of `series` in collateral base units, as the ledger values
	/// it (Black-Scholes before expiry, the payoff after); `None` without a fresh price.
	fn mark_per_contract(series: SeriesId) -> Option<u128>;
	/// Open interest of a series: (contracts held long, contracts held short).
	fn open_interest(series: SeriesId) -> (u64, u64);
	/// The most series one account may hold a position in.
	fn max_positions() -> u32;
	/// The most Black-Scholes valuations one account's margin check may cost (positions,
	/// times one plus the scenarios under portfolio margin): the bound of `apply`'s witness.
	fn max_valuation_units() -> u32;
}

/// What the pallets' benchmarks need from the rest of the runtime (implemented by the runtime
/// and by each pallet's test mock; used only with the `runtime-benchmarks` feature).
pub trait BenchmarkHelper<AccountId, Signature> {
	/// Creates `n` trading series on one underlying, a day from expiry, with fresh oracle spot
	/// and volatility; returns their ids.
	fn setup_series(n: u32) -> alloc::vec::Vec<SeriesId>;
	/// Puts `amount` of collateral into `who`'s margin account.
	fn fund_margin(who: &AccountId, amount: u128);
	/// The account of order signer number `i`.
	fn signer(i: u32) -> AccountId;
	/// `signer(i)`'s signature over `message`.
	fn sign(i: u32, message: &[u8]) -> Signature;
}
