//! Orders, fills and the on-chain records of series and orders.
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use strikeline_primitives::{Contracts, Moment, SeriesId, SeriesState, SeriesTerms};

/// Buy or sell.
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
pub enum Side {
	/// Buys contracts (goes long), pays the premium.
	Buy,
	/// Sells contracts (goes short), receives the premium.
	Sell,
}

/// An order as the trader signs it (the signature is over [`crate::Pallet::order_hash`]).
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Order<AccountId> {
	/// The trader, whose key signs the order.
	pub account: AccountId,
	/// The series traded.
	pub series: SeriesId,
	/// Buy or sell.
	pub side: Side,
	/// Worst premium per contract, in collateral base units: the most a buyer pays, the
	/// least a seller takes.
	pub limit_price: u128,
	/// Contracts the order may fill in all.
	pub quantity: Contracts,
	/// Any number the trader picks to make otherwise equal orders distinct.
	pub nonce: u64,
	/// The order cannot fill after this time (ms since the Unix epoch).
	pub expiry_ms: Moment,
}

/// An order with its signature.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct SignedOrder<AccountId, Signature> {
	/// The order.
	pub order: Order<AccountId>,
	/// The trader's signature over the order hash.
	pub signature: Signature,
}

/// A match between a resting (maker) order and an incoming (taker) order.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Fill<AccountId, Signature> {
	/// The resting order.
	pub maker: SignedOrder<AccountId, Signature>,
	/// The incoming order, on the other side of the same series.
	pub taker: SignedOrder<AccountId, Signature>,
	/// Premium per contract in collateral base units, within both limits.
	pub price: u128,
	/// Contracts filled.
	pub quantity: Contracts,
}

/// What the chain remembers about an order it has seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct OrderStatus {
	/// The order's total quantity.
	pub quantity: Contracts,
	/// Contracts filled so far (never above `quantity`).
	pub filled: Contracts,
	/// Cancelled by its signer: it fills no more.
	pub cancelled: bool,
	/// Its signature was checked (on its first fill); later fills skip the check.
	pub verified: bool,
	/// The order's expiry, after which this record may be pruned.
	pub expiry_ms: Moment,
}

/// A series and where it is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct SeriesInfo {
	/// What the series is.
	pub terms: SeriesTerms,
	/// Trading, expired (settling) or settled.
	pub state: SeriesState,
	/// The settlement price per unit of underlying, fixed in the first block after expiry.
	pub settlement_price_e6: Option<u128>,
}
