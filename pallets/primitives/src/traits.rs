//! The traits the pallets talk through, so that each is coupled to an interface, not a pallet.
use crate::types::{Moment, Position, SeriesId, SeriesTerms, UnderlyingId};
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
	/// Sets the oracle's spot of `underlying` to `spot_e6`, fresh, whatever the circuit
	/// breaker says (a crash, for the liquidation benchmarks).
	fn set_spot(underlying: UnderlyingId, spot_e6: u128);
}

/// Told when an oracle price changes (the liquidation scan re-checks its watch list first).
pub trait OnPriceUpdate {
	/// The spot median (or a volatility) of `underlying` changed in this block.
	fn on_price_update(underlying: UnderlyingId);
}

impl OnPriceUpdate for () {
	fn on_price_update(_: UnderlyingId) {}
}

/// An account's margin health, as the liquidation engine reads it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Health {
	/// Collateral plus the mark value of every position.
	pub equity: i128,
	/// Maintenance margin.
	pub maintenance: u128,
	/// Black-Scholes valuations the check cost (for weight).
	pub valuation_units: u32,
}

impl Health {
	/// `equity - maintenance` (saturating; both are far inside `i128`).
	pub fn health(&self) -> i128 {
		self.equity.saturating_sub(i128::try_from(self.maintenance).unwrap_or(i128::MAX))
	}
	/// Below maintenance margin.
	pub fn is_liquidatable(&self) -> bool {
		self.health() < 0
	}
}

/// Who takes over a liquidated position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Taker<AccountId> {
	/// A liquidator's margin account (it must meet initial margin afterwards).
	Liquidator(AccountId),
	/// The insurance fund (the runtime backstop; no margin check).
	InsuranceFund,
}

/// Liquidation pricing, per contract, in millionths of its notional (`spot * contract_size`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiquidationFees {
	/// The liquidator's reward: the discount to the mark it takes positions over at.
	pub discount_ppm: u32,
	/// The insurance fund's share of the penalty.
	pub fund_fee_ppm: u32,
}

/// What a liquidation moved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Liquidated {
	/// Contracts moved, signed from the liquidated account's side (negative: a short).
	pub contracts: Position,
	/// Mark value of the moved contracts, from the liquidated account's side.
	pub mark_value: i128,
	/// Paid by the liquidated account to the taker beyond the mark.
	pub reward: u128,
	/// Paid by the liquidated account to the insurance fund.
	pub fund_fee: u128,
	/// The liquidated account's health afterwards.
	pub health_after: i128,
	/// Black-Scholes valuations the liquidation cost (for weight).
	pub valuation_units: u32,
}

/// The ledger's liquidation primitives (implemented by the margin pallet, the single writer).
pub trait RiskLedger<AccountId> {
	/// An account's health at current prices; an error if it has no account or a price is
	/// missing or stale.
	fn health(who: &AccountId) -> Result<Health, DispatchError>;
	/// Valuations a health check of `who` costs (a storage read, no valuation); `None` without
	/// an account.
	fn valuation_units(who: &AccountId) -> Option<u32>;
	/// The most contracts of `who`'s position in `series` one liquidation may take: as few as
	/// restore health (or the whole position if that does not).
	fn liquidatable_contracts(
		who: &AccountId,
		series: SeriesId,
		fees: LiquidationFees,
	) -> Result<u64, DispatchError>;
	/// Moves `contracts` of `who`'s position in `series` to `taker` at the mark less the
	/// discount, charging the fund fee; covers a deficit left by the last position. Fails,
	/// changing nothing, if `who` is healthy or `contracts` exceeds
	/// [`Self::liquidatable_contracts`] or the liquidator would end below initial margin.
	fn liquidate(
		who: &AccountId,
		taker: Taker<AccountId>,
		series: SeriesId,
		contracts: u64,
		fees: LiquidationFees,
	) -> Result<Liquidated, DispatchError>;
	/// The backstop: the insurance fund takes `who`'s whole book at the mark (plus the fund
	/// fee) and covers any deficit. Returns the positions closed and the valuations it cost.
	fn close_out(who: &AccountId, fees: LiquidationFees) -> Result<(u32, u32), DispatchError>;
	/// Up to `max` accounts with a margin account, in storage order after `cursor` (from the
	/// start for `None`), never the insurance fund's.
	fn accounts_after(cursor: Option<&AccountId>, max: u32) -> alloc::vec::Vec<AccountId>;
	/// `who`'s positions.
	fn positions(who: &AccountId) -> alloc::vec::Vec<(SeriesId, Position)>;
}

/// Told of every write of an account's ledger entry, with the collateral it now holds (the
/// settlement bridge records it in the open epoch's ledger changes).
pub trait OnLedgerChange<AccountId> {
	/// `who`'s ledger entry was written; its settled collateral is now `collateral`.
	fn ledger_changed(who: &AccountId, collateral: i128);
}

impl<AccountId> OnLedgerChange<AccountId> for () {
	fn ledger_changed(_: &AccountId, _: i128) {}
}

/// What the settlement bridge needs from the ledger.
pub trait BridgeLedger<AccountId> {
	/// `who`'s settled collateral, `None` without a margin account.
	fn collateral(who: &AccountId) -> Option<i128>;
	/// Takes `amount` of `who`'s collateral out of the ledger for a withdrawal to Ethereum,
	/// burning it, if `who` still meets initial margin afterwards.
	fn burn_for_withdrawal(who: &AccountId, amount: u128) -> DispatchResult;
	/// Mints `amount` of collateral for a deposit made on Ethereum and credits it to `who`'s
	/// margin account (opening it if needed).
	fn credit_from_bridge(who: &AccountId, amount: u128) -> DispatchResult;
}
