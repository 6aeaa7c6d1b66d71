//! Validators' signatures of commitments, and validator sets.
//!
//! A validator signs an epoch's commitment digest, [`bridge::commitment_digest`]: the
//! commitment's hash bound to the Ethereum chain id and the anchor of the deployment
//! ([`Ethereum`]), so a signature is worth nothing to another anchor or another Ethereum
//! chain. It is recovered with the `secp256k1_ecdsa_recover` host function, must be low-s (as
//! the anchor requires), and must come from the address at its index in the set the
//! commitment names. More than 2/3 of that set attest the epoch.
use super::*;
use frame_support::{ensure, pallet_prelude::DispatchResult};

impl<T: Config> Pallet<T> {
	/// The digest validators sign for `c` under the deployment; `None` until it is set.
	pub fn commitment_digest(c: &Commitment) -> Option<Hash> {
		let eth = Ethereum::<T>::get()?;
		Some(bridge::commitment_digest(&c.hash(), eth.chain_id, &eth.anchor))
	}

	/// Checks that `signature` is validator `validator`'s (low-s) over epoch `epoch`'s
	/// commitment digest, of the set the commitment names, and that it has not signed it yet;
	/// returns the size of that set.
	pub fn check_signature(
		epoch: u64,
		validator: u32,
		signature: &[u8; 65],
	) -> Result<u32, Error<T>> {
		let c = Commitments::<T>::get(epoch).ok_or(Error::<T>::UnknownEpoch)?;
		let digest = Self::commitment_digest(&c).ok_or(Error::<T>::NoEthereumDeployment)?;
		let set = ValidatorSets::<T>::get(c.validator_set_id).unwrap_or_default();
		let address = Self::validator_address(&set, validator)?;
		ensure!(!Signatures::<T>::contains_key(epoch, validator), Error::<T>::AlreadySigned);
		Self::ensure_signed_by(&address, &digest, signature)?;
		Ok(set.len() as u32)
	}

	/// Records a checked signature; attests the epoch when more than 2/3 of its set signed.
	pub(crate) fn do_submit_signature(
		epoch: u64,
		validator: u32,
		signature: [u8; 65],
	) -> DispatchResult {
		let size = Self::check_signature(epoch, validator, &signature)?;
		Signatures::<T>::insert(epoch, validator, signature);
		let count = SignatureCount::<T>::mutate(epoch, |c| {
			*c = c.saturating_add(1);
			*c
		});
		Self::deposit_event(Event::CommitmentSigned { epoch, validator });
		if count.saturating_mul(3) > size.saturating_mul(2) && !Attested::<T>::contains_key(epoch) {
			Attested::<T>::insert(epoch, ());
			Self::deposit_event(Event::CommitmentAttested { epoch, signatures: count });
		}
		Ok(())
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
