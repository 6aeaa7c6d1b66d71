//! Epochs: the per-block leaf updates and closing each epoch's commitment.
use super::*;
use polkadot_sdk::sp_runtime::{traits::Zero, SaturatedConversion};

impl<T: Config> Pallet<T> {
	/// Rehashes pending leaves, and closes the epoch once a boundary passed and none is left.
	pub(crate) fn do_on_initialize(
		n: frame_system::pallet_prelude::BlockNumberFor<T>,
	) -> frame_support::weights::Weight {
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

	/// Closes the next epoch's commitment at block `n`: the ledger as of now, the deposits
	/// credited so far, and the hand-over to a scheduled validator set.
	pub(crate) fn close_epoch(n: frame_system::pallet_prelude::BlockNumberFor<T>) {
		let epoch = LastEpoch::<T>::get().saturating_add(1);
		let previous_hash = match Commitments::<T>::get(epoch.saturating_sub(1)) {
			Some(c) => c.hash(),
			None => GenesisHash::<T>::get(),
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
			chain_id: ChainId::<T>::get(),
			epoch,
			block_number: block.saturating_sub(1),
			validator_set_id: set_id,
			deposits_credited: Self::deposits_credited().map_or(0, |(_, n)| n),
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
}
