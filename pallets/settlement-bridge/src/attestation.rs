//! Validators' signatures of commitments: fixing each epoch's ledger root, attesting, and
//! validator sets.
//!
//! A validator signs an epoch's commitment digest, [`bridge::commitment_digest`]: the
//! commitment's hash bound to the Ethereum chain id and the anchor of the deployment
//! ([`Ethereum`]), so a signature is worth nothing to another anchor or another Ethereum
//! chain. It is recovered with the `secp256k1_ecdsa_recover` host function, must be low-s (as
//! the anchor requires), and must come from the address at its index in the set the
//! commitment names.
//!
//! The chain does not compute ledger roots: a closed epoch's commitment is pending
//! ([`PendingCommitments`]) until validators fix its root. Each validator's node builds the
//! ledger tree from the closed epochs' changes and signs the commitment completed with its
//! root and the previous commitment's hash, so pending epochs are signed in order (the next
//! after [`LastEpoch`]; a later one is refused with `EpochNotNext`). A signature counts for the
//! root it was made with ([`RootVotes`], [`RootVoteCount`]); the vote that takes one root past
//! 2/3 of the set fixes the commitment with that root ([`Commitments`], `CommitmentClosed`)
//! and attests it (the root's signatures move to [`Signatures`]); a signature of another root
//! is dropped with `RootDisputed`, which names the validator whose node disagrees. Signatures
//! that come after the fixing must be of the fixed root (`WrongLedgerRoot`). Honest
//! validators build the same tree from the same finalized changes, so an honest supermajority
//! fixes the true root; what a dishonest supermajority could sign is what validity proofs are
//! for (issue 14's later sections).
use super::*;
use frame_support::{ensure, pallet_prelude::DispatchResult};

/// A checked signature: of a fixed commitment, or a vote for a pending one's root.
pub enum Checked {
	/// Of fixed commitment; the size of its set.
	Fixed(u32),
	/// Of the pending commitment completed with the root voted for; the size of its set.
	Vote(Commitment, u32),
}

impl<T: Config> Pallet<T> {
	/// The digest validators sign for `c` under the deployment; `None` until it is set.
	pub fn commitment_digest(c: &Commitment) -> Option<Hash> {
		let eth = Ethereum::<T>::get()?;
		Some(bridge::commitment_digest(&c.hash(), eth.chain_id, &eth.anchor))
	}

	/// The hash epoch `epoch`'s commitment chains to: the previous fixed commitment's, or the
	/// genesis hash for epoch 1.
	pub(crate) fn previous_hash(epoch: u64) -> Option<Hash> {
		match epoch {
			0 => None,
			1 => Some(GenesisHash::<T>::get()),
			e => Commitments::<T>::get(e.saturating_sub(1)).map(|c| c.hash()),
		}
	}

	/// Pending epoch `epoch`'s commitment completed with `ledger_root`, if it is the next to fix.
	pub fn candidate(epoch: u64, ledger_root: Hash) -> Result<Commitment, Error<T>> {
		let pending = PendingCommitments::<T>::get(epoch).ok_or(Error::<T>::UnknownEpoch)?;
		ensure!(epoch == LastEpoch::<T>::get().saturating_add(1), Error::<T>::EpochNotNext);
		let previous_hash = Self::previous_hash(epoch).ok_or(Error::<T>::EpochNotNext)?;
		Ok(Commitment { ledger_root, previous_hash, ..pending })
	}

	/// Checks that `signature` is validator `validator`'s (low-s) over epoch `epoch`'s
	/// commitment digest with `ledger_root`, of the set the commitment names, and that it has
	/// not signed that epoch yet.
	pub fn check_signature(
		epoch: u64,
		ledger_root: &Hash,
		validator: u32,
		signature: &[u8; 65],
	) -> Result<Checked, Error<T>> {
		let (c, fixed) = match Commitments::<T>::get(epoch) {
			Some(c) => {
				ensure!(c.ledger_root == *ledger_root, Error::<T>::WrongLedgerRoot);
				(c, true)
			}
			None => (Self::candidate(epoch, *ledger_root)?, false),
		};
		let digest = Self::commitment_digest(&c).ok_or(Error::<T>::NoEthereumDeployment)?;
		let set = ValidatorSets::<T>::get(c.validator_set_id).unwrap_or_default();
		let address = Self::validator_address(&set, validator)?;
		ensure!(
			!Signatures::<T>::contains_key(epoch, validator)
				&& !RootVotes::<T>::contains_key(epoch, validator),
			Error::<T>::AlreadySigned
		);
		Self::ensure_signed_by(&address, &digest, signature)?;
		let size = set.len() as u32;
		Ok(if fixed { Checked::Fixed(size) } else { Checked::Vote(c, size) })
	}

	/// Records a checked signature: of a fixed commitment, attesting it when more than 2/3 of
	/// its set signed; of a pending one, as a vote for its root, fixing the commitment when
	/// the root has more than 2/3 of the set.
	pub(crate) fn do_submit_signature(
		epoch: u64,
		ledger_root: Hash,
		validator: u32,
		signature: [u8; 65],
	) -> DispatchResult {
		match Self::check_signature(epoch, &ledger_root, validator, &signature)? {
			Checked::Fixed(size) => {
				Signatures::<T>::insert(epoch, validator, signature);
				let count = SignatureCount::<T>::mutate(epoch, |c| {
					*c = c.saturating_add(1);
					*c
				});
				Self::deposit_event(Event::CommitmentSigned { epoch, validator });
				if supermajority(count, size) && !Attested::<T>::contains_key(epoch) {
					Attested::<T>::insert(epoch, ());
					Self::deposit_event(Event::CommitmentAttested { epoch, signatures: count });
				}
			}
			Checked::Vote(c, size) => {
				RootVotes::<T>::insert(epoch, validator, (ledger_root, signature));
				let count = RootVoteCount::<T>::mutate(epoch, ledger_root, |n| {
					*n = n.saturating_add(1);
					*n
				});
				Self::deposit_event(Event::CommitmentSigned { epoch, validator });
				if supermajority(count, size) {
					Self::fix_commitment(c);
				}
			}
		}
		Ok(())
	}

	/// Fixes `c` (a pending epoch's commitment completed with the root a supermajority signed):
	/// its votes for that root become its signatures, the others are dropped as disputed.
	/// Bounded by the set's size ([`Config::MaxValidators`]).
	fn fix_commitment(c: Commitment) {
		let epoch = c.epoch;
		PendingCommitments::<T>::remove(epoch);
		Commitments::<T>::insert(epoch, c);
		LastEpoch::<T>::put(epoch);
		let mut count = 0u32;
		for (validator, (root, signature)) in RootVotes::<T>::drain_prefix(epoch) {
			if root == c.ledger_root {
				Signatures::<T>::insert(epoch, validator, signature);
				count = count.saturating_add(1);
			} else {
				Self::deposit_event(Event::RootDisputed { epoch, validator, ledger_root: root });
			}
		}
		let _ = RootVoteCount::<T>::clear_prefix(epoch, T::MaxValidators::get(), None);
		SignatureCount::<T>::insert(epoch, count);
		Attested::<T>::insert(epoch, ());
		Self::deposit_event(Event::CommitmentClosed {
			epoch,
			hash: c.hash(),
			ledger_root: c.ledger_root,
			withdrawals_root: c.withdrawals_root,
		});
		Self::deposit_event(Event::CommitmentAttested { epoch, signatures: count });
	}

	/// Schedules `validators` (strictly increasing, non-zero) to take over after the next
	/// commitment.
	pub(crate) fn do_set_validator_set(
		validators: BoundedVec<EthAddress, T::MaxValidators>,
	) -> DispatchResult {
		ensure!(bridge::is_validator_set(&validators), Error::<T>::BadValidatorSet);
		let set_id = ValidatorSetId::<T>::get().saturating_add(1);
		let set_hash = bridge::validator_set_hash(&validators);
		let size = validators.len() as u32;
		NextValidatorSet::<T>::put(validators);
		Self::deposit_event(Event::ValidatorSetScheduled { set_id, set_hash, size });
		Ok(())
	}

	/// The current validator set.
	pub fn current_set() -> BoundedVec<EthAddress, T::MaxValidators> {
		ValidatorSets::<T>::get(ValidatorSetId::<T>::get()).unwrap_or_default()
	}

	/// The Ethereum address of validator `validator` of `set`.
	pub(crate) fn validator_address(
		set: &[EthAddress],
		validator: u32,
	) -> Result<EthAddress, Error<T>> {
		set.get(validator as usize).copied().ok_or(Error::<T>::UnknownValidator)
	}

	/// Checks that `signature` (`r ++ s ++ v`, low `s`) over `hash` recovers to `address`.
	pub(crate) fn ensure_signed_by(
		address: &EthAddress,
		hash: &Hash,
		signature: &[u8; 65],
	) -> Result<(), Error<T>> {
		ensure!(signature[32..64] <= HALF_ORDER[..], Error::<T>::BadSignature);
		let public = polkadot_sdk::sp_io::crypto::secp256k1_ecdsa_recover(signature, hash)
			.map_err(|_| Error::<T>::BadSignature)?;
		ensure!(eth_address(&public) == *address, Error::<T>::BadSignature);
		Ok(())
	}
}

/// Whether `count` signatures are more than 2/3 of a set of `size`.
fn supermajority(count: u32, size: u32) -> bool {
	count.saturating_mul(3) > size.saturating_mul(2)
}
