//! Identifiers and plain data shared by the pallets, the runtime API and clients.
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// Identifier of an underlying asset with an oracle price (0 = BTC, 1 = ETH in the dev chain).
pub type UnderlyingId = u32;
/// Identifier of an option series, allocated by the options pallet in creation order.
pub type SeriesId = u32;
/// A number of option contracts (unsigned).
pub type Contracts = u64;
/// A signed position in contracts: positive long, negative short.
pub type Position = i64;
/// Milliseconds since the Unix epoch.
pub type Moment = u64;

/// Call or put.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	Serialize,
	Deserialize,
)]
pub enum OptionKind {
	/// The right to buy the underlying at the strike: pays `max(S - K, 0)`.
	Call,
	/// The right to sell the underlying at the strike: pays `max(K - S, 0)`.
	Put,
}

/// What defines a European, cash-settled option series.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	Serialize,
	Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct SeriesTerms {
	/// The underlying whose oracle price settles the series.
	pub underlying: UnderlyingId,
	/// Expiry, in milliseconds since the Unix epoch.
	pub expiry_ms: Moment,
	/// Strike in collateral base units per unit of underlying (10^-6 USD).
	pub strike_e6: u128,
	/// Call or put.
	pub kind: OptionKind,
	/// Units of underlying per contract, in millionths (1_000_000 = one BTC per contract).
	pub contract_size_e6: u128,
}

/// Lifecycle of a series.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum SeriesState {
	/// Before expiry: orders on it can be filled.
	Trading,
	/// Expiry has passed; positions are being cash-settled at `settlement_price_e6`.
	Expired,
	/// Every position is settled; nothing is left open.
	Settled,
}

/// A change to one account's ledger entry: collateral moves and position changes, applied by
/// the margin pallet all together or not at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerDelta<AccountId> {
	/// The account.
	pub who: AccountId,
	/// Collateral change in base units (negative: paid out of the account).
	pub collateral: i128,
	/// Position change in `series`, in contracts (negative: sells).
	pub series: SeriesId,
	/// Signed number of contracts added to the position.
	pub contracts: Position,
}
