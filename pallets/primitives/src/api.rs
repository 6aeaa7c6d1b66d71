//! The runtime API for traders and tools: an account's margin, the series with their marks,
//! oracle prices, and the hash an order is signed over.
use crate::types::{Moment, Position, SeriesId, SeriesState, SeriesTerms, UnderlyingId};
use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;

/// One position of an account, as the margin pallet values it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct PositionView {
	/// The series.
	pub series: SeriesId,
	/// Signed contracts: positive long, negative short.
	pub contracts: Position,
	/// Mark value of the whole position in collateral base units (negative for shorts).
	pub value: i128,
}

/// An account's margin state.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct AccountView {
	/// Whether the account is on portfolio margin (otherwise standard).
	pub portfolio_margin: bool,
	/// Collateral in base units (negative only as a recorded deficit).
	pub collateral: i128,
	/// Collateral plus the mark value of every position.
	pub equity: i128,
	/// Equity a trade or withdrawal must leave.
	pub initial_margin: u128,
	/// Equity below which the account is liquidatable.
	pub maintenance_margin: u128,
	/// Open positions.
	pub positions: Vec<PositionView>,
}

/// A series with its state and current mark.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct SeriesView {
	/// The series id.
	pub id: SeriesId,
	/// Its terms.
	pub terms: SeriesTerms,
	/// Its lifecycle state.
	pub state: SeriesState,
	/// Black-Scholes mark per contract in collateral base units, if the oracle is fresh.
	pub mark_per_contract: Option<u128>,
	/// Settlement price per unit of underlying, once expired and priced.
	pub settlement_price_e6: Option<u128>,
	/// Contracts held long (equal to contracts held short).
	pub open_interest: u64,
}

/// An underlying's oracle state.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct PriceView {
	/// Median spot price in collateral base units per unit.
	pub spot_e6: u128,
	/// When the median last changed.
	pub updated_ms: Moment,
	/// Whether it is fresh enough to trade and mark on.
	pub fresh: bool,
}

/// An account the liquidation scan flagged, for keepers.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct LiquidationCandidate<AccountId> {
	/// The account.
	pub who: AccountId,
	/// Its health now: equity - maintenance margin (negative).
	pub health: i128,
	/// The block the scan flagged it in.
	pub flagged_at: u64,
	/// Per position: the series and the most contracts one liquidation may take now.
	pub series: Vec<(SeriesId, u64)>,
}

/// A withdrawal with its Merkle proof, for the vault's `claimWithdrawal`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct WithdrawalProof {
	/// The withdrawal's leaf index (its sequence number).
	pub index: u64,
	/// The account id's 32 bytes, as in the leaf.
	pub account: [u8; 32],
	/// The Ethereum recipient.
	pub recipient: crate::bridge::EthAddress,
	/// Base units.
	pub amount: u128,
	/// The epoch whose commitment first includes it.
	pub epoch: u64,
	/// Siblings bottom-up, against the withdrawals root of the tree at the queried block.
	pub proof: Vec<crate::bridge::Hash>,
}

/// An account's ledger leaf with its Merkle proof, for the vault's `exit`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct LedgerProof {
	/// The leaf's index (the account's slot).
	pub slot: u64,
	/// The account id's 32 bytes.
	pub account: [u8; 32],
	/// The Ethereum address it exits to.
	pub exit_to: crate::bridge::EthAddress,
	/// Settled collateral in the leaf (negative counts as zero).
	pub collateral: u128,
	/// Siblings bottom-up, against the ledger root of the epoch asked for.
	pub proof: Vec<crate::bridge::Hash>,
}

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// The settlement bridge: commitments, each closed epoch's ledger changes (from which
	/// nodes build the ledger tree, [`crate::bridge::LedgerTree`]) and withdrawal proofs. A
	/// withdrawal proof is against the withdrawals root of the epoch asked for, at any later
	/// block. Ledger proofs come from the node's tree (RPC `bridge_ledgerProof`), not the
	/// runtime.
	pub trait BridgeApi<AccountId> where AccountId: Codec {
		/// The commitment of `epoch`, once a supermajority fixed its ledger root.
		fn commitment(epoch: u64) -> Option<crate::bridge::Commitment>;
		/// The last epoch whose commitment is fixed (0: none).
		fn last_epoch() -> u64;
		/// The last closed epoch (its ledger changes are complete; 0: none).
		fn last_closed() -> u64;
		/// The validators' signatures of `epoch`'s commitment (validator index, `r ++ s ++ v`)
		/// and whether more than 2/3 of the set signed.
		fn signatures(epoch: u64) -> (Vec<(u32, [u8; 65])>, bool);
		/// Closed epoch `epoch`'s ledger changes: every account whose ledger entry was written
		/// in it, with its values at the epoch's boundary (`None` if the epoch is not closed
		/// or its changes were pruned).
		fn ledger_changes(epoch: u64) -> Option<Vec<([u8; 32], crate::bridge::LedgerChange)>>;
		/// Closed epoch `epoch`'s commitment: fixed, or pending (its `ledger_root` and
		/// `previous_hash` zero until a supermajority signs a root).
		fn closed_commitment(epoch: u64) -> Option<crate::bridge::Commitment>;
		/// A page of the ledger's current leaves (at most `limit`, from raw storage key `start`,
		/// empty for the first page) and the key of the next page: taken at an epoch's last
		/// block, the whole ledger at its boundary, from which a node builds its tree when
		/// older changes are pruned.
		#[allow(clippy::type_complexity)]
		fn ledger_leaves(
			start: Vec<u8>,
			limit: u32,
		) -> (Vec<([u8; 32], crate::bridge::LedgerChange)>, Option<Vec<u8>>);
		/// Withdrawal `index` and its proof against closed epoch `epoch`'s withdrawals root
		/// (`None` if the withdrawal is unknown or came after that epoch).
		fn withdrawal_proof(index: u64, epoch: u64) -> Option<WithdrawalProof>;
		/// The vault and how many of its deposits the ledger credited (ids `0..n`), once the
		/// Ethereum deployment is set.
		fn deposits_credited() -> Option<(crate::bridge::EthAddress, u64)>;
	}

	/// What traders and tools read from the chain.
	pub trait StrikelineApi<AccountId> where AccountId: Codec {
		/// The margin state of an account; `None` if it has never deposited, or if the oracle
		/// cannot price its positions.
		fn account(who: AccountId) -> Option<AccountView>;
		/// Every series that is not settled yet, with its mark, plus settled ones kept on record.
		fn series() -> Vec<SeriesView>;
		/// The oracle's spot price of an underlying.
		fn price(underlying: UnderlyingId) -> Option<PriceView>;
		/// The 32-byte hash a trader signs for an order (SCALE-encoded order in, hash out).
		fn order_hash(encoded_order: Vec<u8>) -> Option<[u8; 32]>;
		/// Accounts flagged liquidatable by the scan, with what a keeper may take from each.
		fn liquidation_candidates() -> Vec<LiquidationCandidate<AccountId>>;
	}
}
