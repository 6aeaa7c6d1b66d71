//! Epochs: each epoch's ledger changes, closing epochs at their boundary, and pruning old
//! changes.
//!
//! Block `b` belongs to epoch `b / EpochLength + 1` (genesis, block 0, to epoch 1): a write of
//! an account's ledger entry or exit address in block `b` is recorded in that epoch's
//! [`EpochChanges`], whichever pallet or hook makes it. The first block of epoch `e + 1`
//! (block `n = e * EpochLength`) closes epoch `e` in its `on_initialize`, unconditionally: the
//! epoch's changes are complete (no block of it is left), so closing costs the same whatever
//! the load, and the commitment's other fields (withdrawals, deposits, validator set) are
//! those at the end of block `n - 1`, as its ledger changes are.
use super::*;
use polkadot_sdk::sp_runtime::{traits::Zero, SaturatedConversion};

impl<T: Config> Pallet<T> {
	/// The open epoch: the one the current block belongs to.
	pub fn open_epoch() -> u64 {
		let n: u64 = frame_system::Pallet::<T>::block_number().saturated_into();
		let length: u64 = T::EpochLength::get().saturated_into();
		(n / length.max(1)).saturating_add(1)
	}

	/// Records `who`'s ledger values in the open epoch's changes (the last write of the epoch
	/// wins), assigning it the next slot on its first change. Two reads and one write; three
	/// more writes on a first change.
	pub(crate) fn record_change(who: &T::AccountId, collateral: i128) {
		let slot = Slots::<T>::get(who).unwrap_or_else(|| {
			// Bound: slots are below 2^32 (the tree's depth) while fewer than 2^32 accounts
			// ever held collateral (each needs a deposit or a fill); try_state checks it.
			let slot = NextSlot::<T>::get();
			NextSlot::<T>::put(slot.saturating_add(1));
			Slots::<T>::insert(who, slot);
			slot
		});
		let change =
			bridge::LedgerChange { slot, exit_to: ExitAddresses::<T>::get(who), collateral };
		EpochChanges::<T>::insert(Self::open_epoch(), who, change);
	}

	/// Records `who`'s current values in the open epoch's changes (after its exit address
	/// changed).
	pub(crate) fn record_current(who: &T::AccountId) {
		let collateral =
			<T::Ledger as strikeline_primitives::BridgeLedger<_>>::collateral(who).unwrap_or(0);
		Self::record_change(who, collateral);
	}

	/// At an epoch boundary, closes the epoch that just ended.
	pub(crate) fn do_on_initialize(
		n: frame_system::pallet_prelude::BlockNumberFor<T>,
	) -> frame_support::weights::Weight {
		let mut weight = T::DbWeight::get().reads(1);
		if (n % T::EpochLength::get()).is_zero() && !n.is_zero() {
			Self::close_epoch(n);
			weight = weight.saturating_add(T::WeightInfo::close_epoch());
		}
		weight
	}

	/// Closes the open epoch at its boundary block `n` (the first block after it): its
	/// commitment, pending until validators fix its ledger root, carries the withdrawals root,
	/// the deposits credited and the validator set as of the end of block `n - 1`, and hands
	/// over to a scheduled validator set.
	pub(crate) fn close_epoch(n: frame_system::pallet_prelude::BlockNumberFor<T>) {
		let epoch = LastClosed::<T>::get().saturating_add(1);
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
			ledger_root: [0u8; 32],
			withdrawals_root: Self::withdrawals_root(),
			next_validator_set_hash: next_set_hash,
			previous_hash: [0u8; 32],
		};
		PendingCommitments::<T>::insert(epoch, c);
		ClosedAt::<T>::insert(epoch, n);
		WithdrawalCountAt::<T>::insert(epoch, WithdrawalCount::<T>::get());
		LastClosed::<T>::put(epoch);
		EpochWithdrawals::<T>::kill();
		Self::deposit_event(Event::EpochClosed {
			epoch,
			block_number: c.block_number,
			withdrawals_root: c.withdrawals_root,
		});
	}

	/// The first epoch whose changes must be kept: the last [`Config::ChangesRetention`]
	/// closed epochs, the open one, and every epoch whose commitment is not fixed yet.
	fn keep_changes_from() -> u64 {
		let retained =
			LastClosed::<T>::get().saturating_add(1).saturating_sub(T::ChangesRetention::get());
		retained.min(LastEpoch::<T>::get().saturating_add(1))
	}

	/// Prunes old epochs' changes with the block's spare weight: at most
	/// [`Config::MaxPrunePerBlock`] records, and no more than `remaining` pays for. An epoch
	/// stops being served ([`OldestChanges`] moves past it) before its records are removed.
	pub(crate) fn prune_changes(
		remaining: frame_support::weights::Weight,
	) -> frame_support::weights::Weight {
		let base = T::WeightInfo::prune_changes(0);
		if remaining.any_lt(base) {
			return Zero::zero();
		}
		let used = base;
		// The epoch being removed (0: none): the one before the oldest kept; the next one is
		// started once it is gone.
		let oldest = OldestChanges::<T>::get().max(1);
		let mut pruning = oldest.saturating_sub(1);
		let done = pruning == 0 || EpochChanges::<T>::iter_key_prefix(pruning).next().is_none();
		if done && oldest < Self::keep_changes_from() {
			OldestChanges::<T>::put(oldest.saturating_add(1));
			pruning = oldest;
		}
		if pruning == 0 {
			return used;
		}
		let per_record = T::WeightInfo::prune_changes(1).saturating_sub(base);
		// Bound: a zero per-record weight affords as many as MaxPrunePerBlock.
		let affordable = remaining
			.saturating_sub(base)
			.checked_div_per_component(&per_record)
			.unwrap_or(u64::MAX);
		let limit = (T::MaxPrunePerBlock::get() as u64).min(affordable) as u32;
		if limit == 0 {
			return used;
		}
		let removed = EpochChanges::<T>::clear_prefix(pruning, limit, None);
		T::WeightInfo::prune_changes(removed.loops)
	}

	/// Closed epoch `epoch`'s ledger changes, if still kept (the runtime API's view).
	pub fn ledger_changes(epoch: u64) -> Option<Vec<([u8; 32], bridge::LedgerChange)>> {
		if epoch == 0 || epoch > LastClosed::<T>::get() || epoch < OldestChanges::<T>::get() {
			return None;
		}
		Some(
			EpochChanges::<T>::iter_prefix(epoch)
				.map(|(who, change)| (Self::account_bytes(&who), change))
				.collect(),
		)
	}

	/// A page of the ledger's current leaves in storage order, from `start` (a raw storage
	/// key from the previous page; empty: the beginning), at most `limit`; with the key to
	/// continue from, if any is left. Taken at an epoch's last block, the leaves are the
	/// ledger at the epoch's boundary: what a node builds its tree from when the changes of
	/// the epochs before are pruned.
	#[allow(clippy::type_complexity)]
	pub fn ledger_leaves(
		start: Vec<u8>,
		limit: u32,
	) -> (Vec<([u8; 32], bridge::LedgerChange)>, Option<Vec<u8>>) {
		let mut iter =
			if start.is_empty() { Slots::<T>::iter() } else { Slots::<T>::iter_from(start) };
		let mut page = Vec::new();
		while page.len() < limit.max(1) as usize {
			let Some((who, slot)) = iter.next() else { return (page, None) };
			let collateral =
				<T::Ledger as strikeline_primitives::BridgeLedger<_>>::collateral(&who)
					.unwrap_or(0);
			let exit_to = ExitAddresses::<T>::get(&who);
			page.push((
				Self::account_bytes(&who),
				bridge::LedgerChange { slot, exit_to, collateral },
			));
		}
		// The next page starts after the last key of this one (an empty last page is possible).
		let next = (!page.is_empty()).then(|| iter.last_raw_key().to_vec());
		(page, next)
	}
}
