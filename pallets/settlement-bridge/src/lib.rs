//! # Settlement bridge pallet
//!
//! Every epoch Strikeline closes a [`Commitment`] of its settlement ledger for the Ethereum
//! settlement anchor (`bridge/contracts`): the ledger root, the withdrawals root, how many of
//! the vault's deposits the ledger credited, the validator set, and the hash of the previous
//! commitment. Encodings, leaves and trees are [`strikeline_primitives::bridge`]'s, which the
//! contracts decode alike.
//!
//! ## Terms
//!
//! - **Deployment** ([`Ethereum`]): the Ethereum chain id and the vault, set once by root
//!   ([`Pallet::set_ethereum`]); the anchor is the contract the vault creates (its address is
//!   derived, [`bridge::anchor_address`]). Signatures, deposit votes and withdrawal leaves
//!   name it, so nothing signed for one deployment is worth anything to another.
//! - **Network**: each network built from the runtime has its own chain id ([`ChainId`], from
//!   genesis) and so its own genesis hash ([`GenesisHash`] = [`bridge::genesis_hash`]).
//! - **Ledger tree**: a depth-32 keccak Merkle tree with one leaf per margin account, at the
//!   account's **slot** (assigned in order of first change, [`Slots`]):
//!   `keccak256(abi.encode(LEDGER_LEAF_TAG, account, exitTo, collateral))`, where `account`
//!   is the account id's SCALE encoding (32 bytes for the runtime's `AccountId32`), `exitTo`
//!   the Ethereum address the account exits to and `collateral` its settled collateral in
//!   base units (a negative balance, which only exists while positions are open, counts as
//!   zero). The exit address is the depositor's Ethereum address from the account's first
//!   credited deposit, changed with [`Pallet::set_exit_address`]; root sets it for accounts
//!   without a key, the insurance fund first ([`Pallet::force_set_exit_address`], or
//!   genesis). The vault pays no exit to address zero.
//! - **Epoch** ([`epoch`]): [`Config::EpochLength`] blocks; block `b` belongs to epoch
//!   `b / EpochLength + 1`. The first block after an epoch closes it, always.
//! - **Ledger changes** ([`EpochChanges`]): every write of an account's ledger entry (the
//!   margin pallet reports each one, [`strikeline_primitives::OnLedgerChange`], with the
//!   collateral written) or exit address is recorded in the open epoch, `(slot, exitTo,
//!   collateral)`, the last write of the epoch winning: a closed epoch's changes are exactly
//!   the accounts it changed, with their values at its boundary. They are kept
//!   [`Config::ChangesRetention`] epochs (and until the epoch's root is fixed), then pruned
//!   with the blocks' spare weight.
//! - **Pending and fixed commitments**: a closed epoch's commitment is pending
//!   ([`PendingCommitments`]) until more than 2/3 of its validator set sign it with the same
//!   ledger root, which fixes it ([`Commitments`], [`LastEpoch`]; see Attestation).
//! - **Withdrawals tree** ([`withdrawals`], [`tree`]): depth 32, append-only over the chain's
//!   history. [`Pallet::request_withdrawal`] burns free collateral from the ledger (the margin
//!   pallet checks initial margin) and appends
//!   `keccak256(abi.encode(WITHDRAWAL_LEAF_TAG, vault, account, recipient, amount))`; that
//!   vault pays it on Ethereum once a commitment including it is anchored.
//!
//! ## Why the runtime keeps changes, not the ledger tree
//!
//! The runtime used to maintain the ledger tree itself, rehashing each changed account's leaf
//! (32 keccak hashes and 9 storage chunks read and written, 0.76 ms charged) at most 80 a
//! block, and closed an epoch only once no leaf was waiting. Clearing changes about 2,400
//! accounts a second (two per fill), so any load above 160 changed accounts a second
//! postponed every epoch close for as long as it lasted. The tree the validity proofs will
//! need (Poseidon) is far costlier still. So the runtime now records only what changed,
//! one storage write per ledger write, and closing an epoch costs the same whatever the load;
//! the tree lives natively in the nodes ([`bridge::LedgerTree`], built from
//! [`Pallet::ledger_changes`] at finality, bootstrapped from [`Pallet::ledger_leaves`] when
//! old changes are pruned), and validators sign the root their node computed. The tree is
//! defined once, in `strikeline_primitives::bridge`, so the hash can change (Poseidon, for
//! the prover) without touching this pallet.
//!
//! The runtime API `BridgeApi` serves commitments, closed epochs' ledger changes, ledger
//! leaves and withdrawal proofs; ledger proofs come from the node (RPC `bridge_ledgerProof`).
//!
//! ## Attestation ([`attestation`])
//!
//! Each validator holds a secp256k1 key ([`crypto`], key type `sbrg`) whose Ethereum address
//! is in its validator set ([`ValidatorSets`]). Its offchain worker signs the next pending
//! epoch's commitment completed with the ledger root its node computed (offchain key
//! [`bridge::ledger_root_key`]) and the previous commitment's hash, and the last 8 fixed
//! epochs that are not attested, each as the digest [`bridge::commitment_digest`] (the
//! commitment hash bound to Ethereum's chain id and the anchor), submitted as an unsigned
//! [`Pallet::submit_signature`]. The pallet recovers the signer, requires the address of that
//! index in the set the commitment names, low `s` and one signature per validator and epoch.
//! The signature that takes one root past 2/3 of the set fixes the epoch's commitment with
//! that root and attests it ([`Attested`]); signatures of another root are dropped
//! (`RootDisputed`); later ones must be of the fixed root.
//!
//! Validator sets, at genesis and from [`Pallet::set_validator_set`], are strictly increasing
//! lists of non-zero addresses ([`bridge::is_validator_set`]), as the anchor requires: no key
//! counts twice, no slot is one nobody can sign for. The next commitment is still signed by
//! the current set and carries the new set's hash; from then on the new set (id + 1) signs.
//!
//! ## Deposits ([`deposits`])
//!
//! Validators vote for the vault's `Deposited` events with [`Pallet::vote_deposit`], signing
//! [`bridge::deposit_vote_hash`] (chain id, vault, id, account, depositor, amount). Deposits
//! are keyed by `(vault, id)` and credited in id order: votes are taken for the
//! [`Config::DepositWindow`] ids from the next uncredited one ([`DepositsCredited`]); the first
//! `(account, depositor, amount)` above 2/3 of the current set approves the deposit, and
//! approved deposits are credited (minted collateral, once) as soon as every lower id is. So
//! "ids below `deposits_credited`" is exactly the set of credited deposits, which each
//! commitment carries: after a freeze the vault refunds the others. The watcher that feeds the
//! votes (Ethereum finality, reorgs, unusable logs) is [`offchain`]'s.
//!
//! ## Invariants ([`Pallet::do_try_state`])
//!
//! 1. Fixed commitments form a chain: epochs `1..=LastEpoch` are fixed, each one's
//!    `previous_hash` is the hash of the one before (the genesis hash for epoch 1); epochs
//!    `LastEpoch + 1..=LastClosed` are pending, and the open epoch is `LastClosed + 1`, the
//!    current block's.
//! 2. The open epoch's changes are the accounts' current values: slot, exit address and
//!    collateral.
//! 3. Slots are distinct and below [`NextSlot`], which is at most `2^32`.
//! 4. While no epoch was pruned, every fixed commitment's ledger root is the tree of the
//!    changes of epochs `1..=epoch`, and every account with a slot has its current values in
//!    its last recorded change (the ledger the tree holds is the ledger).
//! 5. Every withdrawal record's leaf is in the withdrawals tree; the count matches.
//! 6. The last closed epoch's withdrawals root is the withdrawals tree's root when it held
//!    [`WithdrawalCountAt`] leaves (so withdrawal proofs against past epochs are right).
//! 7. Every validator set is strictly increasing and non-zero.
//! 8. No approved deposit waits below the next id to credit, and none beyond the window.
//! 9. A pending epoch's root votes are counted right ([`RootVoteCount`]).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod attestation;
#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
pub mod deposits;
pub mod epoch;
#[cfg(test)]
mod mock;
pub mod offchain;
#[cfg(test)]
mod tests;
pub mod tree;
mod try_state;
pub mod types;
pub mod weights;
pub mod withdrawals;

pub use types::*;
pub use weights::WeightInfo;

/// The validators' secp256k1 keys that sign commitments (key type `sbrg`, in the node's
/// keystore; part of the runtime's session keys, so a dev node gets its key from its seed).
pub mod crypto {
	use polkadot_sdk::sp_core::crypto::KeyTypeId;
	/// The keystore key type.
	pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"sbrg");
	mod app {
		use polkadot_sdk::sp_application_crypto::{app_crypto, ecdsa};
		app_crypto!(ecdsa, super::KEY_TYPE);
	}
	pub use app::{Public, Signature};
}

use alloc::vec::Vec;
use polkadot_sdk::frame_support::pallet_prelude::{BoundedVec, DispatchError, Get};
use polkadot_sdk::{frame_support, frame_system};
use strikeline_primitives::bridge::{self, Commitment, EthAddress, Hash};

// `ValidateUnsigned` is deprecated in favour of `#[pallet::authorize]`, which needs the
// runtime's transaction extensions to start with `AuthorizeCall`; until the runtime (and its
// clients) move, the signatures use the unsigned path, supported until April 2027.
#[allow(deprecated, clippy::let_unit_value)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ frame_system::offchain::CreateBare<Call<Self>>
	{
		/// The ledger: collateral per account, and burning for withdrawals.
		type Ledger: strikeline_primitives::BridgeLedger<Self::AccountId>;
		/// Blocks per epoch.
		#[pallet::constant]
		type EpochLength: Get<BlockNumberFor<Self>>;
		/// Closed epochs whose ledger changes are kept (for nodes and provers that fall
		/// behind); older ones are pruned.
		#[pallet::constant]
		type ChangesRetention: Get<u64>;
		/// Ledger change records pruned per block at most.
		#[pallet::constant]
		type MaxPrunePerBlock: Get<u32>;
		/// Withdrawals per epoch at most.
		#[pallet::constant]
		type MaxWithdrawalsPerEpoch: Get<u32>;
		/// Most validators in a set (at most 128: votes are tallied in a `u128` bitmap).
		#[pallet::constant]
		type MaxValidators: Get<u32>;
		/// Deposit ids, from the next one to credit, that validators may vote for (and so the
		/// most deposits one vote credits).
		#[pallet::constant]
		type DepositWindow: Get<u32>;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Strikeline's chain id in commitments and deposit votes: one per network (genesis).
	#[pallet::storage]
	pub type ChainId<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The hash epoch 1's commitment chains to ([`bridge::genesis_hash`] of the chain id; the
	/// anchor is deployed with it).
	#[pallet::storage]
	pub type GenesisHash<T: Config> = StorageValue<_, Hash, ValueQuery>;

	/// The Ethereum deployment the chain commits to (set once by root).
	#[pallet::storage]
	pub type Ethereum<T: Config> = StorageValue<_, EthereumDeployment, OptionQuery>;

	/// Each account's leaf position in the ledger tree.
	#[pallet::storage]
	pub type Slots<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u64, OptionQuery>;

	/// The next free slot.
	#[pallet::storage]
	pub type NextSlot<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The Ethereum address each account exits to (zero until its first deposit or until set).
	#[pallet::storage]
	pub type ExitAddresses<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, EthAddress, ValueQuery>;

	/// Each epoch's ledger changes: every account whose ledger entry or exit address was
	/// written in the epoch, with its values after the last write (so, once the epoch is
	/// closed, its values at the boundary). Kept [`Config::ChangesRetention`] epochs.
	#[pallet::storage]
	pub type EpochChanges<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		u64,
		Blake2_128Concat,
		T::AccountId,
		bridge::LedgerChange,
		OptionQuery,
	>;

	/// The oldest epoch whose ledger changes are still kept (older ones are pruned).
	#[pallet::storage]
	pub type OldestChanges<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The withdrawals tree's nodes in chunks, by chunk row and index.
	#[pallet::storage]
	pub type WithdrawalChunks<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u8, Twox64Concat, u64, bridge::Chunk, OptionQuery>;

	/// Every withdrawal, by its leaf index.
	#[pallet::storage]
	pub type Withdrawals<T: Config> =
		StorageMap<_, Twox64Concat, u64, Withdrawal<T::AccountId>, OptionQuery>;

	/// How many withdrawals were ever requested (the next leaf index).
	#[pallet::storage]
	pub type WithdrawalCount<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Withdrawals requested in the open epoch.
	#[pallet::storage]
	pub type EpochWithdrawals<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Fixed commitments, by epoch: a closed epoch's commitment once more than 2/3 of its
	/// validator set signed the same ledger root.
	#[pallet::storage]
	pub type Commitments<T: Config> = StorageMap<_, Twox64Concat, u64, Commitment, OptionQuery>;

	/// Closed epochs whose ledger root is not fixed yet: the commitment as closed, its
	/// `ledger_root` and `previous_hash` zero until a supermajority signs a root.
	#[pallet::storage]
	pub type PendingCommitments<T: Config> =
		StorageMap<_, Twox64Concat, u64, Commitment, OptionQuery>;

	/// Validators' signatures of a pending epoch's commitment, by epoch and validator index:
	/// the ledger root each signed it with, and the signature.
	#[pallet::storage]
	pub type RootVotes<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Twox64Concat, u32, (Hash, [u8; 65]), OptionQuery>;

	/// How many validators signed a pending epoch's commitment with each ledger root.
	#[pallet::storage]
	pub type RootVoteCount<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Identity, Hash, u32, ValueQuery>;

	/// How many withdrawals each closed epoch's withdrawals root holds.
	#[pallet::storage]
	pub type WithdrawalCountAt<T: Config> = StorageMap<_, Twox64Concat, u64, u64, OptionQuery>;

	/// The block that closed each epoch (its first block after the boundary).
	#[pallet::storage]
	pub type ClosedAt<T: Config> = StorageMap<_, Twox64Concat, u64, BlockNumberFor<T>, OptionQuery>;

	/// The last epoch whose commitment is fixed (0: none yet).
	#[pallet::storage]
	pub type LastEpoch<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The last closed epoch (0: none yet); the open epoch is the next one.
	#[pallet::storage]
	pub type LastClosed<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Each validator set by id: the validators' Ethereum addresses (their secp256k1 keys),
	/// strictly increasing. The current one is at [`ValidatorSetId`]; an epoch's signatures are
	/// checked against the set its commitment names, so older sets stay.
	#[pallet::storage]
	pub type ValidatorSets<T: Config> =
		StorageMap<_, Twox64Concat, u64, BoundedVec<EthAddress, T::MaxValidators>, OptionQuery>;

	/// The set that takes over after the next commitment (which carries its hash); set by
	/// [`Pallet::set_validator_set`].
	#[pallet::storage]
	pub type NextValidatorSet<T: Config> =
		StorageValue<_, BoundedVec<EthAddress, T::MaxValidators>, OptionQuery>;

	/// Validators' signatures of each epoch's commitment digest, by epoch and validator index:
	/// 65 bytes, `r ++ s ++ v` with `v` 0 or 1.
	#[pallet::storage]
	pub type Signatures<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Twox64Concat, u32, [u8; 65], OptionQuery>;

	/// How many validators signed each epoch's commitment.
	#[pallet::storage]
	pub type SignatureCount<T: Config> = StorageMap<_, Twox64Concat, u64, u32, ValueQuery>;

	/// Epochs whose commitment more than 2/3 of the validator set signed.
	#[pallet::storage]
	pub type Attested<T: Config> = StorageMap<_, Twox64Concat, u64, (), OptionQuery>;

	/// Votes for deposits seen on Ethereum: by `(vault, deposit id)` and the hash of what was
	/// voted, the validator set id and a bitmap of that set's validators that voted for it (a
	/// handover restarts the tally under the new set).
	#[pallet::storage]
	pub type DepositVotes<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		(EthAddress, u64),
		Identity,
		Hash,
		(u64, u128),
		ValueQuery,
	>;

	/// Deposits a supermajority approved that wait for a lower id to be credited, by
	/// `(vault, deposit id)`: the account, the depositor and the amount.
	#[pallet::storage]
	pub type ApprovedDeposits<T: Config> = StorageMap<
		_,
		Twox64Concat,
		(EthAddress, u64),
		(T::AccountId, EthAddress, u128),
		OptionQuery,
	>;

	/// How many of each vault's deposits were credited: ids `0..n`, the next one to credit.
	#[pallet::storage]
	pub type DepositsCredited<T: Config> = StorageMap<_, Twox64Concat, EthAddress, u64, ValueQuery>;

	/// The validator set's id.
	#[pallet::storage]
	pub type ValidatorSetId<T: Config> = StorageValue<_, u64, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// This network's chain id (distinct for every network built from the runtime; the
		/// presets set one each).
		pub chain_id: u64,
		/// The first validator set's Ethereum addresses, strictly increasing.
		pub validators: Vec<EthAddress>,
		/// Exit addresses of accounts that cannot sign for one (the insurance fund).
		pub exit_addresses: Vec<(T::AccountId, EthAddress)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// An empty set (the default config) attests nothing; any other must be a set.
			assert!(
				self.validators.is_empty() || bridge::is_validator_set(&self.validators),
				"the genesis validator set must be strictly increasing non-zero addresses"
			);
			let set = BoundedVec::try_from(self.validators.clone())
				.expect("genesis validator set within MaxValidators");
			ChainId::<T>::put(self.chain_id);
			GenesisHash::<T>::put(bridge::genesis_hash(self.chain_id));
			ValidatorSets::<T>::insert(0, set);
			for (who, exit_to) in &self.exit_addresses {
				assert!(*exit_to != [0u8; 20], "a genesis exit address is zero");
				ExitAddresses::<T>::insert(who, exit_to);
				Pallet::<T>::record_current(who);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An epoch closed at its boundary: its ledger changes are complete, and validators sign
		/// its commitment with the ledger root they compute from them.
		EpochClosed { epoch: u64, block_number: u64, withdrawals_root: Hash },
		/// More than 2/3 of an epoch's validator set signed its commitment with the same ledger
		/// root: the commitment is fixed (and attested).
		CommitmentClosed { epoch: u64, hash: Hash, ledger_root: Hash, withdrawals_root: Hash },
		/// A validator signed a pending epoch's commitment with a ledger root other than the
		/// one a supermajority fixed (its signature is dropped).
		RootDisputed { epoch: u64, validator: u32, ledger_root: Hash },
		/// Collateral was burned for a withdrawal to Ethereum, leaf `index` of the withdrawals
		/// tree, payable by `vault`.
		WithdrawalRequested {
			who: T::AccountId,
			index: u64,
			recipient: EthAddress,
			amount: u128,
			vault: EthAddress,
		},
		/// An account's exit address was set (by itself, by root, or from its first deposit).
		ExitAddressSet { who: T::AccountId, exit_to: EthAddress },
		/// A validator signed an epoch's commitment.
		CommitmentSigned { epoch: u64, validator: u32 },
		/// More than 2/3 of the validator set signed an epoch's commitment: it can be relayed.
		CommitmentAttested { epoch: u64, signatures: u32 },
		/// A validator voted for an Ethereum deposit.
		DepositVoted { deposit_id: u64, who: T::AccountId, amount: u128, validator: u32 },
		/// More than 2/3 of the validators voted for the same deposit: it is credited once
		/// every lower id is.
		DepositApproved { vault: EthAddress, deposit_id: u64 },
		/// A deposit was credited to the ledger.
		DepositCredited { deposit_id: u64, who: T::AccountId, amount: u128, vault: EthAddress },
		/// A new validator set was scheduled: the next commitment hands over to it.
		ValidatorSetScheduled { set_id: u64, set_hash: Hash, size: u32 },
		/// The Ethereum deployment was set: its chain id, the vault and the anchor it created.
		EthereumSet { eth_chain_id: u64, vault: EthAddress, anchor: EthAddress },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount is zero.
		ZeroAmount,
		/// The recipient, exit address, vault or chain id is zero.
		ZeroAddress,
		/// The open epoch has as many withdrawals as it may.
		TooManyWithdrawals,
		/// The account has no margin account.
		NoAccount,
		/// No commitment was closed for that epoch.
		UnknownEpoch,
		/// The epoch's commitment cannot be signed yet: the one before it is not fixed.
		EpochNotNext,
		/// The ledger root differs from the one the epoch's commitment was fixed with.
		WrongLedgerRoot,
		/// No validator at that index.
		UnknownValidator,
		/// That validator already signed that epoch.
		AlreadySigned,
		/// The signature is not the validator's over the digest (or is malleable).
		BadSignature,
		/// The deposit was credited already.
		AlreadyCredited,
		/// The deposit was approved already (it is credited once every lower id is).
		AlreadyApproved,
		/// The deposit id is beyond the window of ids votes are taken for.
		DepositTooFarAhead,
		/// That validator already voted for that deposit.
		AlreadyVoted,
		/// A validator set must be 1 or more strictly increasing non-zero addresses.
		BadValidatorSet,
		/// No Ethereum deployment is set yet.
		NoEthereumDeployment,
		/// The Ethereum deployment is set already (it is fixed for the network).
		EthereumAlreadySet,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			Self::do_on_initialize(n)
		}

		fn on_idle(_n: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::prune_changes(remaining)
		}

		fn offchain_worker(_n: BlockNumberFor<T>) {
			let keys = Self::local_keys();
			if keys.is_empty() {
				return;
			}
			Self::sign_commitments(&keys);
			Self::watch_deposits(&keys);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::validate_unsigned]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		/// Only `submit_signature` and `vote_deposit` are accepted unsigned, and only with a
		/// valid signature of a validator that has not signed that epoch or voted for that
		/// deposit yet.
		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			let (prefix, tag) = match call {
				Call::submit_signature { epoch, ledger_root, validator, signature } => {
					Self::check_signature(*epoch, ledger_root, *validator, signature)
						.map_err(|_| InvalidTransaction::BadProof)?;
					("StrikelineCommitmentSignature", (*epoch, *validator))
				}
				Call::vote_deposit { deposit_id, who, from, amount, validator, signature } => {
					Self::check_vote(*deposit_id, who, from, *amount, *validator, signature)
						.map_err(|_| InvalidTransaction::BadProof)?;
					("StrikelineDepositVote", (*deposit_id, *validator))
				}
				_ => return InvalidTransaction::Call.into(),
			};
			ValidTransaction::with_tag_prefix(prefix)
				.priority(TransactionPriority::MAX / 2)
				.and_provides(tag)
				.longevity(64)
				.propagate(true)
				.build()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets the Ethereum address the caller's ledger balance exits to through the escape
		/// hatch.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_exit_address())]
		pub fn set_exit_address(origin: OriginFor<T>, exit_to: EthAddress) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_exit_address(who, exit_to)
		}

		/// Burns `amount` of the caller's free collateral (it must still meet initial margin)
		/// and appends a withdrawal to `recipient` on Ethereum, payable by the vault.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::request_withdrawal())]
		pub fn request_withdrawal(
			origin: OriginFor<T>,
			#[pallet::compact] amount: u128,
			recipient: EthAddress,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_request_withdrawal(who, amount, recipient)
		}

		/// A validator's signature of an epoch's commitment digest with the ledger root its
		/// node computed (submitted unsigned by its offchain worker; the signature is the
		/// authentication). The vote that takes a root past 2/3 of the set fixes the
		/// commitment.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::submit_signature())]
		pub fn submit_signature(
			origin: OriginFor<T>,
			epoch: u64,
			ledger_root: Hash,
			validator: u32,
			signature: [u8; 65],
		) -> DispatchResult {
			ensure_none(origin)?;
			Self::do_submit_signature(epoch, ledger_root, validator, signature)
		}

		/// A validator's vote that the vault emitted deposit `deposit_id` of `amount` from
		/// `from` for `who` (submitted unsigned by its offchain worker; the signature over
		/// [`bridge::deposit_vote_hash`] is the authentication). More than 2/3 of the set
		/// voting for the same deposit approves it; it is credited, once, when every lower id
		/// is (which this vote may do for up to [`Config::DepositWindow`] deposits).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::vote_deposit(T::DepositWindow::get()))]
		pub fn vote_deposit(
			origin: OriginFor<T>,
			deposit_id: u64,
			who: T::AccountId,
			from: EthAddress,
			#[pallet::compact] amount: u128,
			validator: u32,
			signature: [u8; 65],
		) -> DispatchResultWithPostInfo {
			ensure_none(origin)?;
			let credited =
				Self::do_vote_deposit(deposit_id, who, from, amount, validator, signature)?;
			Ok(Some(T::WeightInfo::vote_deposit(credited)).into())
		}

		/// Schedules the validator set that takes over after the next commitment: that
		/// commitment, signed by the current set, carries the new set's hash, and the anchor
		/// on Ethereum follows it. Root only (governance).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_validator_set(validators.len() as u32))]
		pub fn set_validator_set(
			origin: OriginFor<T>,
			validators: BoundedVec<EthAddress, T::MaxValidators>,
		) -> DispatchResult {
			ensure_root(origin)?;
			Self::do_set_validator_set(validators)
		}

		/// Sets the Ethereum deployment the chain commits to: Ethereum's chain id and the vault
		/// (whose anchor is the contract it created). Once per network: the anchor follows the
		/// chain's epochs from genesis. Root only.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_ethereum())]
		pub fn set_ethereum(
			origin: OriginFor<T>,
			eth_chain_id: u64,
			vault: EthAddress,
		) -> DispatchResult {
			ensure_root(origin)?;
			Self::do_set_ethereum(eth_chain_id, vault)
		}

		/// Sets the exit address of an account that cannot sign for one (the insurance fund).
		/// Root only.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_exit_address())]
		pub fn force_set_exit_address(
			origin: OriginFor<T>,
			who: T::AccountId,
			exit_to: EthAddress,
		) -> DispatchResult {
			ensure_root(origin)?;
			Self::do_set_exit_address(who, exit_to)
		}
	}
}

impl<T: Config> polkadot_sdk::sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
	type Public = crypto::Public;
}

impl<T: Config> strikeline_primitives::OnLedgerChange<T::AccountId> for Pallet<T> {
	fn ledger_changed(who: &T::AccountId, collateral: i128) {
		Self::record_change(who, collateral);
	}
}
