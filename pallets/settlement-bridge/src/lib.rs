//! # Settlement bridge pallet
//!
//! Every epoch Strikeline closes a [`Commitment`] of its settlement ledger for the Ethereum
//! settlement anchor (`bridge/contracts`): the ledger root, the withdrawals root, the
//! validator set, and the hash of the previous commitment. Encodings, leaves and trees are
//! [`strikeline_primitives::bridge`]'s, which the contracts decode alike.
//!
//! ## Terms
//!
//! - **Ledger tree**: a depth-32 keccak Merkle tree with one leaf per margin account, at the
//!   account's **slot** (assigned in order of first change):
//!   `keccak256(abi.encode(account, exitTo, collateral))`, where `account` is the account id's
//!   SCALE encoding (32 bytes for the runtime's `AccountId32`), `exitTo` the Ethereum address
//!   the account exits to (set with [`Pallet::set_exit_address`]; zero until then) and
//!   `collateral` its settled collateral in base units (a negative balance, which only exists
//!   while positions are open, counts as zero).
//! - **Incremental**: the margin pallet reports every account whose collateral changed
//!   ([`strikeline_primitives::OnLedgerChange`]); only those leaves are rehashed, 32 hashes
//!   each, at most [`Config::MaxLeafUpdatesPerBlock`] per block in `on_initialize`. The work per
//!   epoch grows with the accounts that changed, not with all accounts.
//! - **Chunks**: tree nodes are stored in chunks of 4 heights ([`bridge::Chunk`], 30 nodes),
//!   so a leaf's path is 9 storage reads and writes rather than 33, and the leaves rehashed in
//!   one block share the chunks of their common ancestors.
//! - **Withdrawals tree**: depth 32, append-only over the chain's history.
//!   [`Pallet::request_withdrawal`] burns free collateral from the ledger (the margin pallet
//!   checks initial margin) and appends `keccak256(abi.encode(account, recipient, amount))`;
//!   the vault pays it on Ethereum once a commitment including it is anchored.
//! - **Epoch**: [`Config::EpochLength`] blocks. At a boundary block `n` the pallet closes
//!   the commitment of the ledger as of the end of block `n - 1`, as soon as every reported
//!   change has been applied (at once, unless more changed than a block's bound).
//!
//! The runtime API `BridgeApi` serves commitments and Merkle proofs of ledger leaves and
//! withdrawals; taken at the block that closed an epoch ([`ClosedAt`]), they prove against that
//! epoch's roots.
//!
//! ## Attestation
//!
//! Each validator holds a secp256k1 key ([`crypto`], key type `sbrg`) whose Ethereum address
//! is in its validator set ([`ValidatorSets`]). Its offchain worker signs the commitments of
//! the last 8 unattested epochs (the raw keccak hash, as the anchor contract checks it) and
//! submits each signature as an unsigned [`Pallet::submit_signature`]; the pallet recovers the
//! signer, requires the address of that index in the set the commitment names, low `s` and one
//! signature per validator and epoch, and marks the epoch [`Attested`] once more than 2/3 of
//! that set signed.
//!
//! ## Validator set changes
//!
//! Governance (root) schedules a new set with [`Pallet::set_validator_set`]. The next
//! commitment is still signed by the current set (its `validator_set_id`) and carries the new
//! set's hash as `next_validator_set_hash`; from then on the new set (id + 1) signs. The anchor
//! contract follows the same chain: a relayer passes the new set's addresses with the handover
//! commitment, and the anchor checks them against the hash the old set signed.
//!
//! ## Deposits
//!
//! Validators vote for deposits the vault ([`Vault`], set by root) emitted on Ethereum with
//! [`Pallet::vote_deposit`], signing [`bridge::deposit_vote_hash`] with the same key; votes are
//! tallied per deposit id and per `(account, amount)` under the current set, and the first
//! tally above 2/3 of the set credits the margin account (minted collateral) once. The
//! offchain worker that watches the vault on each node's own Ethereum endpoint, after a
//! confirmation depth, is [`offchain`]'s.
//!
//! ## Invariants ([`Pallet::do_try_state`])
//!
//! 1. Commitments form a chain: each one's `previous_hash` is the hash of the one before
//!    (the genesis hash for epoch 1), epochs are consecutive.
//! 2. Every account with a slot and no pending change has its current leaf in the ledger tree
//!    (its Merkle proof leads to the stored root).
//! 3. Every withdrawal record's leaf is in the withdrawals tree; the count matches.
//! 4. The last commitment's withdrawals root is the withdrawals tree's root when it held
//!    [`WithdrawalCountAt`] leaves (so withdrawal proofs against past epochs are right).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
#[cfg(test)]
mod mock;
pub mod offchain;
#[cfg(test)]
mod tests;
pub mod weights;

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

/// The Ethereum address of an uncompressed secp256k1 public key (64 bytes, no prefix).
pub fn eth_address(public: &[u8; 64]) -> EthAddress {
	let h = bridge::keccak(public);
	let mut a = [0u8; 20];
	a.copy_from_slice(&h[12..]);
	a
}

/// Half the secp256k1 group order: a signature with a larger `s` is malleable and refused, as
/// the anchor contract refuses it.
const HALF_ORDER: [u8; 32] = [
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// Unattested epochs, counting back from the last, that validators still sign.
const SIGN_BACK_EPOCHS: u64 = 8;

use alloc::vec::Vec;
use codec::Encode;
use polkadot_sdk::frame_support::pallet_prelude::{BoundedVec, DispatchError, Get};
use polkadot_sdk::{
	frame_support, frame_system,
	sp_runtime::{traits::Zero, SaturatedConversion},
};
use strikeline_primitives::bridge::{self, Commitment, EthAddress, Hash};

/// Which tree a [`StorageTree`] reads and writes.
#[derive(Clone, Copy)]
enum TreeKind {
	Ledger,
	Withdrawals,
}

/// A tree's chunks in storage.
struct StorageChunks<T>(TreeKind, core::marker::PhantomData<T>);

impl<T: Config> bridge::ChunkStore for StorageChunks<T> {
	fn get_chunk(&self, row: u8, index: u64) -> Option<bridge::Chunk> {
		match self.0 {
			TreeKind::Ledger => LedgerChunks::<T>::get(row, index),
			TreeKind::Withdrawals => WithdrawalChunks::<T>::get(row, index),
		}
	}
	fn set_chunk(&mut self, row: u8, index: u64, chunk: &bridge::Chunk) {
		match self.0 {
			TreeKind::Ledger => LedgerChunks::<T>::insert(row, index, chunk),
			TreeKind::Withdrawals => WithdrawalChunks::<T>::insert(row, index, chunk),
		}
	}
}

/// A tree in storage, read and written through a chunk cache: [`bridge::ChunkedTree::flush`]
/// writes what changed.
type StorageTree<T> = bridge::ChunkedTree<StorageChunks<T>>;

/// The tree `kind` in storage.
fn storage_tree<T: Config>(kind: TreeKind) -> StorageTree<T> {
	bridge::ChunkedTree::new(StorageChunks(kind, Default::default()))
}

// `ValidateUnsigned` is deprecated in favour of `#[pallet::authorize]`, which needs the
// runtime's transaction extensions to start with `AuthorizeCall`; until the runtime (and its
// clients) move, the signatures use the unsigned path, supported until April 2027.
#[allow(deprecated, clippy::let_unit_value)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// A withdrawal burned on Strikeline, to be paid by the vault on Ethereum.
	#[derive(
		Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
	)]
	pub struct Withdrawal<AccountId> {
		/// Who burned the collateral.
		pub who: AccountId,
		/// Who receives it on Ethereum.
		pub recipient: EthAddress,
		/// Base units of the collateral token.
		pub amount: u128,
		/// The epoch whose commitment first includes it.
		pub epoch: u64,
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ frame_system::offchain::CreateBare<Call<Self>>
	{
		/// The ledger: collateral per account, and burning for withdrawals.
		type Ledger: strikeline_primitives::BridgeLedger<Self::AccountId>;
		/// Strikeline's chain id in commitments.
		#[pallet::constant]
		type ChainId: Get<u64>;
		/// Blocks per epoch.
		#[pallet::constant]
		type EpochLength: Get<BlockNumberFor<Self>>;
		/// Ledger leaves rehashed per block at most.
		#[pallet::constant]
		type MaxLeafUpdatesPerBlock: Get<u32>;
		/// Withdrawals per epoch at most.
		#[pallet::constant]
		type MaxWithdrawalsPerEpoch: Get<u32>;
		/// Most validators in a set.
		#[pallet::constant]
		type MaxValidators: Get<u32>;
		/// The hash epoch 1's commitment chains to (the anchor is deployed with it).
		#[pallet::constant]
		type GenesisHash: Get<Hash>;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Each account's leaf position in the ledger tree.
	#[pallet::storage]
	pub type Slots<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u64, OptionQuery>;

	/// The next free slot.
	#[pallet::storage]
	pub type NextSlot<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The Ethereum address each account exits to (zero until set).
	#[pallet::storage]
	pub type ExitAddresses<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, EthAddress, ValueQuery>;

	/// Accounts whose leaf changed and is not rehashed yet.
	#[pallet::storage]
	pub type Dirty<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	/// The ledger tree's nodes in chunks of 4 heights ([`bridge::Chunk`]), by chunk row
	/// (`height / 4`) and index.
	#[pallet::storage]
	pub type LedgerChunks<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u8, Twox64Concat, u64, bridge::Chunk, OptionQuery>;

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

	/// Closed commitments, by epoch.
	#[pallet::storage]
	pub type Commitments<T: Config> = StorageMap<_, Twox64Concat, u64, Commitment, OptionQuery>;

	/// How many withdrawals each closed epoch's withdrawals root holds.
	#[pallet::storage]
	pub type WithdrawalCountAt<T: Config> = StorageMap<_, Twox64Concat, u64, u64, OptionQuery>;

	/// The block that closed each epoch: the runtime API's proofs at that block are against the
	/// epoch's roots.
	#[pallet::storage]
	pub type ClosedAt<T: Config> = StorageMap<_, Twox64Concat, u64, BlockNumberFor<T>, OptionQuery>;

	/// The last closed epoch (0: none yet).
	#[pallet::storage]
	pub type LastEpoch<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// An epoch boundary passed and its commitment waits for pending leaves.
	#[pallet::storage]
	pub type ClosePending<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// Each validator set by id: the validators' Ethereum addresses (their secp256k1 keys), in
	/// set order. The current one is at [`ValidatorSetId`]; an epoch's signatures are checked
	/// against the set its commitment names, so older sets stay.
	#[pallet::storage]
	pub type ValidatorSets<T: Config> =
		StorageMap<_, Twox64Concat, u64, BoundedVec<EthAddress, T::MaxValidators>, OptionQuery>;

	/// The set that takes over after the next commitment (which carries its hash); set by
	/// [`Pallet::set_validator_set`].
	#[pallet::storage]
	pub type NextValidatorSet<T: Config> =
		StorageValue<_, BoundedVec<EthAddress, T::MaxValidators>, OptionQuery>;

	/// The vault contract on Ethereum whose deposit events the validators watch.
	#[pallet::storage]
	pub type Vault<T: Config> = StorageValue<_, EthAddress, OptionQuery>;

	/// Validators' signatures of each epoch's commitment, by epoch and validator index: 65
	/// bytes, `r ++ s ++ v` with `v` 0 or 1, over the commitment hash.
	#[pallet::storage]
	pub type Signatures<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Twox64Concat, u32, [u8; 65], OptionQuery>;

	/// How many validators signed each epoch's commitment.
	#[pallet::storage]
	pub type SignatureCount<T: Config> = StorageMap<_, Twox64Concat, u64, u32, ValueQuery>;

	/// Epochs whose commitment more than 2/3 of the validator set signed.
	#[pallet::storage]
	pub type Attested<T: Config> = StorageMap<_, Twox64Concat, u64, (), OptionQuery>;

	/// Votes for deposits seen on Ethereum: by deposit id and the hash of what was voted
	/// (account and amount), the validator set id and a bitmap of that set's validators that
	/// voted for it (a handover restarts the tally under the new set).
	#[pallet::storage]
	pub type DepositVotes<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Identity, Hash, (u64, u128), ValueQuery>;

	/// Deposits already credited (each credits once).
	#[pallet::storage]
	pub type CreditedDeposits<T: Config> = StorageMap<_, Twox64Concat, u64, (), OptionQuery>;

	/// The validator set's id.
	#[pallet::storage]
	pub type ValidatorSetId<T: Config> = StorageValue<_, u64, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The first validator set's Ethereum addresses.
		pub validators: Vec<EthAddress>,
		#[serde(skip)]
		pub _phantom: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let set = BoundedVec::try_from(self.validators.clone())
				.expect("genesis validator set within MaxValidators");
			ValidatorSets::<T>::insert(0, set);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An epoch's commitment was closed.
		CommitmentClosed { epoch: u64, hash: Hash, ledger_root: Hash, withdrawals_root: Hash },
		/// Collateral was burned for a withdrawal to Ethereum, leaf `index` of the withdrawals
		/// tree.
		WithdrawalRequested { who: T::AccountId, index: u64, recipient: EthAddress, amount: u128 },
		/// An account set the Ethereum address it exits to.
		ExitAddressSet { who: T::AccountId, exit_to: EthAddress },
		/// A validator signed an epoch's commitment.
		CommitmentSigned { epoch: u64, validator: u32 },
		/// More than 2/3 of the validator set signed an epoch's commitment: it can be relayed.
		CommitmentAttested { epoch: u64, signatures: u32 },
		/// A validator voted for an Ethereum deposit.
		DepositVoted { deposit_id: u64, who: T::AccountId, amount: u128, validator: u32 },
		/// More than 2/3 of the validators voted for the same deposit: it was credited.
		DepositCredited { deposit_id: u64, who: T::AccountId, amount: u128 },
		/// A new validator set was scheduled: the next commitment hands over to it.
		ValidatorSetScheduled { set_id: u64, set_hash: Hash, size: u32 },
		/// The vault contract whose deposits count was set.
		VaultSet { vault: EthAddress },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount is zero.
		ZeroAmount,
		/// The recipient or exit address is zero.
		ZeroAddress,
		/// The open epoch has as many withdrawals as it may.
		TooManyWithdrawals,
		/// The account has no margin account.
		NoAccount,
		/// No commitment was closed for that epoch.
		UnknownEpoch,
		/// No validator at that index.
		UnknownValidator,
		/// That validator already signed that epoch.
		AlreadySigned,
		/// The signature is not the validator's over the commitment (or is malleable).
		BadSignature,
		/// The deposit was credited already.
		AlreadyCredited,
		/// That validator already voted for that deposit.
		AlreadyVoted,
		/// A validator set must have at least one validator and no duplicates.
		BadValidatorSet,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			let updated = Self::apply_changes(T::MaxLeafUpdatesPerBlock::get());
			let mut weight = T::WeightInfo::update_leaves(updated);
			if (n % T::EpochLength::get()).is_zero() && !n.is_zero() {
				ClosePending::<T>::put(true);
			}
			if ClosePending::<T>::get() && Dirty::<T>::count() == 0 {
				Self::close_epoch(n);
				weight = weight.saturating_add(T::WeightInfo::close_epoch());
			}
			weight.saturating_add(T::DbWeight::get().reads(2))
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

		/// Only `submit_signature` is accepted unsigned, and only with a valid signature of a
		/// validator that has not signed that epoch yet.
		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			let (prefix, tag) = match call {
				Call::submit_signature { epoch, validator, signature } => {
					Self::check_signature(*epoch, *validator, signature)
						.map_err(|_| InvalidTransaction::BadProof)?;
					("StrikelineCommitmentSignature", (*epoch, *validator))
				}
				Call::vote_deposit { deposit_id, who, amount, validator, signature } => {
					Self::check_vote(*deposit_id, who, *amount, *validator, signature)
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
			ensure!(exit_to != [0u8; 20], Error::<T>::ZeroAddress);
			ensure!(
				<T::Ledger as strikeline_primitives::BridgeLedger<_>>::collateral(&who).is_some(),
				Error::<T>::NoAccount
			);
			ExitAddresses::<T>::insert(&who, exit_to);
			Dirty::<T>::insert(&who, ());
			Self::deposit_event(Event::ExitAddressSet { who, exit_to });
			Ok(())
		}

		/// Burns `amount` of the caller's free collateral (it must still meet initial margin)
		/// and appends a withdrawal to `recipient` on Ethereum.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::request_withdrawal())]
		pub fn request_withdrawal(
			origin: OriginFor<T>,
			#[pallet::compact] amount: u128,
			recipient: EthAddress,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(amount > 0, Error::<T>::ZeroAmount);
			ensure!(recipient != [0u8; 20], Error::<T>::ZeroAddress);
			ensure!(
				EpochWithdrawals::<T>::get() < T::MaxWithdrawalsPerEpoch::get(),
				Error::<T>::TooManyWithdrawals
			);
			<T::Ledger as strikeline_primitives::BridgeLedger<_>>::burn_for_withdrawal(
				&who, amount,
			)?;
			let index = WithdrawalCount::<T>::get();
			let leaf = bridge::withdrawal_leaf(&Self::account_bytes(&who), &recipient, amount);
			let empties = bridge::empties(bridge::WITHDRAWALS_DEPTH);
			let mut tree = storage_tree::<T>(TreeKind::Withdrawals);
			bridge::update_leaf(&mut tree, &empties, bridge::WITHDRAWALS_DEPTH, index, leaf);
			tree.flush();
			let epoch = LastEpoch::<T>::get().saturating_add(1);
			Withdrawals::<T>::insert(
				index,
				Withdrawal { who: who.clone(), recipient, amount, epoch },
			);
			WithdrawalCount::<T>::put(index.saturating_add(1));
			EpochWithdrawals::<T>::mutate(|n| *n = n.saturating_add(1));
			Self::deposit_event(Event::WithdrawalRequested { who, index, recipient, amount });
			Ok(())
		}

		/// A validator's signature of an epoch's commitment (submitted unsigned by its offchain
		/// worker; the signature is the authentication).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::submit_signature())]
		pub fn submit_signature(
			origin: OriginFor<T>,
			epoch: u64,
			validator: u32,
			signature: [u8; 65],
		) -> DispatchResult {
			ensure_none(origin)?;
			let size = Self::check_signature(epoch, validator, &signature)?;
			Signatures::<T>::insert(epoch, validator, signature);
			let count = SignatureCount::<T>::mutate(epoch, |c| {
				*c = c.saturating_add(1);
				*c
			});
			Self::deposit_event(Event::CommitmentSigned { epoch, validator });
			if count.saturating_mul(3) > size.saturating_mul(2)
				&& !Attested::<T>::contains_key(epoch)
			{
				Attested::<T>::insert(epoch, ());
				Self::deposit_event(Event::CommitmentAttested { epoch, signatures: count });
			}
			Ok(())
		}

		/// A validator's vote that the vault on Ethereum emitted deposit `deposit_id` of
		/// `amount` for `who` (submitted unsigned by its offchain worker after the configured
		/// confirmations; the signature over [`bridge::deposit_vote_hash`] is the
		/// authentication). More than 2/3 of the set voting for the same `(who, amount)`
		/// credits the deposit, once.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::vote_deposit())]
		pub fn vote_deposit(
			origin: OriginFor<T>,
			deposit_id: u64,
			who: T::AccountId,
			#[pallet::compact] amount: u128,
			validator: u32,
			signature: [u8; 65],
		) -> DispatchResult {
			ensure_none(origin)?;
			let payload = Self::check_vote(deposit_id, &who, amount, validator, &signature)?;
			let set_id = ValidatorSetId::<T>::get();
			let votes = DepositVotes::<T>::mutate(deposit_id, payload, |(id, bits)| {
				if *id != set_id {
					*id = set_id;
					*bits = 0;
				}
				*bits |= 1u128 << validator;
				*bits
			});
			Self::deposit_event(Event::DepositVoted {
				deposit_id,
				who: who.clone(),
				amount,
				validator,
			});
			let size = Self::current_set().len() as u32;
			if votes.count_ones().saturating_mul(3) > size.saturating_mul(2) {
				<T::Ledger as strikeline_primitives::BridgeLedger<_>>::credit_from_bridge(
					&who, amount,
				)?;
				CreditedDeposits::<T>::insert(deposit_id, ());
				let _ = DepositVotes::<T>::clear_prefix(deposit_id, u32::MAX, None);
				Self::deposit_event(Event::DepositCredited { deposit_id, who, amount });
			}
			Ok(())
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
			ensure!(!validators.is_empty(), Error::<T>::BadValidatorSet);
			for (i, a) in validators.iter().enumerate() {
				ensure!(!validators[..i].contains(a), Error::<T>::BadValidatorSet);
			}
			let set_id = ValidatorSetId::<T>::get().saturating_add(1);
			let set_hash = bridge::validator_set_hash(&validators);
			let size = validators.len() as u32;
			NextValidatorSet::<T>::put(validators);
			Self::deposit_event(Event::ValidatorSetScheduled { set_id, set_hash, size });
			Ok(())
		}

		/// Sets the vault contract on Ethereum whose deposit events the validators vote for.
		/// Root only.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_vault())]
		pub fn set_vault(origin: OriginFor<T>, vault: EthAddress) -> DispatchResult {
			ensure_root(origin)?;
			ensure!(vault != [0u8; 20], Error::<T>::ZeroAddress);
			Vault::<T>::put(vault);
			Self::deposit_event(Event::VaultSet { vault });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// An account id as the 32 bytes of a leaf: its SCALE encoding, zero-padded (the
	/// runtime's `AccountId32` is exactly 32 bytes; a longer id is hashed).
	pub fn account_bytes(who: &T::AccountId) -> [u8; 32] {
		let enc = who.encode();
		if enc.len() > 32 {
			return bridge::keccak(&enc);
		}
		let mut a = [0u8; 32];
		a[..enc.len()].copy_from_slice(&enc);
		a
	}

	/// `who`'s current ledger leaf.
	pub fn ledger_leaf(who: &T::AccountId) -> Hash {
		let collateral = <T::Ledger as strikeline_primitives::BridgeLedger<_>>::collateral(who)
			.unwrap_or(0)
			.max(0) as u128;
		bridge::ledger_leaf(&Self::account_bytes(who), &ExitAddresses::<T>::get(who), collateral)
	}

	/// Rehashes up to `max` changed leaves; returns how many.
	pub fn apply_changes(max: u32) -> u32 {
		let changed: Vec<T::AccountId> = Dirty::<T>::iter_keys().take(max as usize).collect();
		if changed.is_empty() {
			return 0;
		}
		let empties = bridge::empties(bridge::LEDGER_DEPTH);
		let mut tree = storage_tree::<T>(TreeKind::Ledger);
		for who in changed.iter() {
			Dirty::<T>::remove(who);
			let slot = Slots::<T>::get(who).unwrap_or_else(|| {
				let slot = NextSlot::<T>::get();
				NextSlot::<T>::put(slot.saturating_add(1));
				Slots::<T>::insert(who, slot);
				slot
			});
			let leaf = Self::ledger_leaf(who);
			bridge::update_leaf(&mut tree, &empties, bridge::LEDGER_DEPTH, slot, leaf);
		}
		tree.flush();
		changed.len() as u32
	}

	/// The ledger tree's root.
	pub fn ledger_root() -> Hash {
		bridge::root(&storage_tree::<T>(TreeKind::Ledger), bridge::LEDGER_DEPTH)
	}

	/// The withdrawals tree's root.
	pub fn withdrawals_root() -> Hash {
		bridge::root(&storage_tree::<T>(TreeKind::Withdrawals), bridge::WITHDRAWALS_DEPTH)
	}

	/// The Merkle proof of `who`'s ledger leaf against the current root.
	pub fn ledger_proof(who: &T::AccountId) -> Option<(u64, Vec<Hash>)> {
		let slot = Slots::<T>::get(who)?;
		let empties = bridge::empties(bridge::LEDGER_DEPTH);
		let tree = storage_tree::<T>(TreeKind::Ledger);
		Some((slot, bridge::proof(&tree, &empties, bridge::LEDGER_DEPTH, slot)))
	}

	/// The Merkle proof of withdrawal `index` against the current withdrawals root.
	pub fn withdrawal_proof(index: u64) -> Option<Vec<Hash>> {
		Withdrawals::<T>::get(index)?;
		let empties = bridge::empties(bridge::WITHDRAWALS_DEPTH);
		let tree = storage_tree::<T>(TreeKind::Withdrawals);
		Some(bridge::proof(&tree, &empties, bridge::WITHDRAWALS_DEPTH, index))
	}

	/// Checks that `signature` is validator `validator`'s (low-s) over epoch `epoch`'s
	/// commitment hash, of the set the commitment names, and that it has not signed it yet;
	/// returns the size of that set.
	pub fn check_signature(
		epoch: u64,
		validator: u32,
		signature: &[u8; 65],
	) -> Result<u32, Error<T>> {
		let c = Commitments::<T>::get(epoch).ok_or(Error::<T>::UnknownEpoch)?;
		let set = ValidatorSets::<T>::get(c.validator_set_id).unwrap_or_default();
		let address = Self::validator_address(&set, validator)?;
		frame_support::ensure!(
			!Signatures::<T>::contains_key(epoch, validator),
			Error::<T>::AlreadySigned
		);
		Self::ensure_signed_by(&address, &c.hash(), signature)?;
		Ok(set.len() as u32)
	}

	/// Checks validator `validator`'s vote for deposit `deposit_id`; returns the hash of what
	/// it voted for (the tally key).
	pub fn check_vote(
		deposit_id: u64,
		who: &T::AccountId,
		amount: u128,
		validator: u32,
		signature: &[u8; 65],
	) -> Result<Hash, Error<T>> {
		frame_support::ensure!(amount > 0, Error::<T>::ZeroAmount);
		frame_support::ensure!(
			!CreditedDeposits::<T>::contains_key(deposit_id),
			Error::<T>::AlreadyCredited
		);
		let address = Self::validator_address(&Self::current_set(), validator)?;
		frame_support::ensure!(validator < 128, Error::<T>::UnknownValidator);
		let hash = bridge::deposit_vote_hash(
			T::ChainId::get(),
			deposit_id,
			&Self::account_bytes(who),
			amount,
		);
		let (set_id, bits) = DepositVotes::<T>::get(deposit_id, hash);
		frame_support::ensure!(
			set_id != ValidatorSetId::<T>::get() || bits & (1u128 << validator) == 0,
			Error::<T>::AlreadyVoted
		);
		Self::ensure_signed_by(&address, &hash, signature)?;
		Ok(hash)
	}

	/// The current validator set.
	pub fn current_set() -> BoundedVec<EthAddress, T::MaxValidators> {
		ValidatorSets::<T>::get(ValidatorSetId::<T>::get()).unwrap_or_default()
	}

	/// The Ethereum address of validator `validator` of `set`.
	fn validator_address(set: &[EthAddress], validator: u32) -> Result<EthAddress, Error<T>> {
		set.get(validator as usize).copied().ok_or(Error::<T>::UnknownValidator)
	}

	/// Checks that `signature` (`r ++ s ++ v`, low `s`) over `hash` recovers to `address`.
	fn ensure_signed_by(
		address: &EthAddress,
		hash: &Hash,
		signature: &[u8; 65],
	) -> Result<(), Error<T>> {
		frame_support::ensure!(signature[32..64] <= HALF_ORDER[..], Error::<T>::BadSignature);
		let public = polkadot_sdk::sp_io::crypto::secp256k1_ecdsa_recover(signature, hash)
			.map_err(|_| Error::<T>::BadSignature)?;
		frame_support::ensure!(eth_address(&public) == *address, Error::<T>::BadSignature);
		Ok(())
	}

	/// `who`'s ledger leaf and proof, for the runtime API.
	pub fn ledger_proof_view(
		who: &T::AccountId,
	) -> Option<strikeline_primitives::api::LedgerProof> {
		let (slot, proof) = Self::ledger_proof(who)?;
		let collateral = <T::Ledger as strikeline_primitives::BridgeLedger<_>>::collateral(who)
			.unwrap_or(0)
			.max(0) as u128;
		Some(strikeline_primitives::api::LedgerProof {
			slot,
			account: Self::account_bytes(who),
			exit_to: ExitAddresses::<T>::get(who),
			collateral,
			proof,
		})
	}

	/// Withdrawal `index` with its proof against closed epoch `epoch`'s withdrawals root, for
	/// the runtime API.
	pub fn withdrawal_proof_view(
		index: u64,
		epoch: u64,
	) -> Option<strikeline_primitives::api::WithdrawalProof> {
		let w = Withdrawals::<T>::get(index)?;
		let count = WithdrawalCountAt::<T>::get(epoch)?;
		if index >= count {
			return None;
		}
		let empties = bridge::empties(bridge::WITHDRAWALS_DEPTH);
		let tree = storage_tree::<T>(TreeKind::Withdrawals);
		Some(strikeline_primitives::api::WithdrawalProof {
			index,
			account: Self::account_bytes(&w.who),
			recipient: w.recipient,
			amount: w.amount,
			epoch: w.epoch,
			proof: bridge::proof_at_count(&tree, &empties, bridge::WITHDRAWALS_DEPTH, index, count),
		})
	}

	fn close_epoch(n: frame_system::pallet_prelude::BlockNumberFor<T>) {
		let epoch = LastEpoch::<T>::get().saturating_add(1);
		let previous_hash = match Commitments::<T>::get(epoch - 1) {
			Some(c) => c.hash(),
			None => T::GenesisHash::get(),
		};
		let set_id = ValidatorSetId::<T>::get();
		let next_set_hash = match NextValidatorSet::<T>::take() {
			Some(next) => {
				let hash = bridge::validator_set_hash(&next);
				ValidatorSets::<T>::insert(set_id.saturating_add(1), next);
				ValidatorSetId::<T>::put(set_id.saturating_add(1));
				hash
			}
			None => bridge::validator_set_hash(&Self::current_set()),
		};
		let block: u64 = n.saturated_into();
		let c = Commitment {
			chain_id: T::ChainId::get(),
			epoch,
			block_number: block.saturating_sub(1),
			validator_set_id: set_id,
			ledger_root: Self::ledger_root(),
			withdrawals_root: Self::withdrawals_root(),
			next_validator_set_hash: next_set_hash,
			previous_hash,
		};
		Commitments::<T>::insert(epoch, c);
		ClosedAt::<T>::insert(epoch, n);
		WithdrawalCountAt::<T>::insert(epoch, WithdrawalCount::<T>::get());
		LastEpoch::<T>::put(epoch);
		ClosePending::<T>::kill();
		EpochWithdrawals::<T>::kill();
		Self::deposit_event(Event::CommitmentClosed {
			epoch,
			hash: c.hash(),
			ledger_root: c.ledger_root,
			withdrawals_root: c.withdrawals_root,
		});
	}

	/// Checks the invariants listed in the crate docs.
	pub fn do_try_state() -> Result<(), DispatchError> {
		use frame_support::ensure;
		let last = LastEpoch::<T>::get();
		let mut previous = T::GenesisHash::get();
		for epoch in 1..=last {
			let c = Commitments::<T>::get(epoch).ok_or("missing commitment")?;
			ensure!(c.epoch == epoch && c.previous_hash == previous, "broken commitment chain");
			previous = c.hash();
		}
		if let Some(c) = Commitments::<T>::get(last) {
			let count = WithdrawalCountAt::<T>::get(last).ok_or("no withdrawal count")?;
			let tree = storage_tree::<T>(TreeKind::Withdrawals);
			let empties = bridge::empties(bridge::WITHDRAWALS_DEPTH);
			ensure!(
				bridge::root_at_count(&tree, &empties, bridge::WITHDRAWALS_DEPTH, count)
					== c.withdrawals_root,
				"the last commitment's withdrawals root is not the tree's at its count"
			);
		}
		let root = Self::ledger_root();
		for (who, slot) in Slots::<T>::iter() {
			ensure!(slot < NextSlot::<T>::get(), "slot beyond the next free one");
			if Dirty::<T>::contains_key(&who) {
				continue;
			}
			let (_, proof) = Self::ledger_proof(&who).ok_or("no proof")?;
			ensure!(
				bridge::root_from_proof(Self::ledger_leaf(&who), slot, &proof) == root,
				"a ledger leaf is not in the tree"
			);
		}
		let count = WithdrawalCount::<T>::get();
		ensure!(Withdrawals::<T>::iter().count() as u64 == count, "withdrawal count");
		let wroot = Self::withdrawals_root();
		for (index, w) in Withdrawals::<T>::iter() {
			let leaf =
				bridge::withdrawal_leaf(&Self::account_bytes(&w.who), &w.recipient, w.amount);
			let proof = Self::withdrawal_proof(index).ok_or("no withdrawal proof")?;
			ensure!(
				bridge::root_from_proof(leaf, index, &proof) == wroot,
				"withdrawal not in tree"
			);
		}
		Ok(())
	}
}

impl<T: Config> polkadot_sdk::sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
	type Public = crypto::Public;
}

impl<T: Config> strikeline_primitives::OnLedgerChange<T::AccountId> for Pallet<T> {
	fn ledger_changed(who: &T::AccountId) {
		Dirty::<T>::insert(who, ());
	}
}
