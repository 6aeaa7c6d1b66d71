//! The pallet's invariants (listed in the crate docs), checked after every test and by the
//! `try_state` hook.
use super::*;
use frame_support::ensure;

impl<T: Config> Pallet<T> {
	/// Checks the invariants listed in the crate docs.
	pub fn do_try_state() -> Result<(), DispatchError> {
		// 1. The chain of fixed commitments, then the pending ones, then the open epoch.
		let last = LastEpoch::<T>::get();
		let closed = LastClosed::<T>::get();
		ensure!(last <= closed, "an epoch is fixed before it closed");
		ensure!(Self::open_epoch() == closed.saturating_add(1), "an epoch was not closed");
		let mut previous = GenesisHash::<T>::get();
		for epoch in 1..=last {
			let c = Commitments::<T>::get(epoch).ok_or("missing commitment")?;
			ensure!(c.epoch == epoch && c.previous_hash == previous, "broken commitment chain");
			ensure!(!PendingCommitments::<T>::contains_key(epoch), "fixed and pending");
			previous = c.hash();
		}
		for epoch in last.saturating_add(1)..=closed {
			let c = PendingCommitments::<T>::get(epoch).ok_or("missing pending commitment")?;
			ensure!(c.epoch == epoch && !Commitments::<T>::contains_key(epoch), "pending");
			// 9. Root votes counted right.
			let mut counts = alloc::collections::BTreeMap::<Hash, u32>::new();
			for (_, (root, _)) in RootVotes::<T>::iter_prefix(epoch) {
				*counts.entry(root).or_default() += 1;
			}
			let stored: alloc::collections::BTreeMap<Hash, u32> =
				RootVoteCount::<T>::iter_prefix(epoch).collect();
			ensure!(counts == stored, "root votes miscounted");
		}
		ensure!(
			PendingCommitments::<T>::iter_keys().count() as u64 == closed - last,
			"stray pending commitment"
		);
		if closed > 0 {
			let count = WithdrawalCountAt::<T>::get(closed).ok_or("no withdrawal count")?;
			let c = Commitments::<T>::get(closed)
				.or_else(|| PendingCommitments::<T>::get(closed))
				.ok_or("no commitment")?;
			ensure!(
				Self::withdrawals_root_at(count) == c.withdrawals_root,
				"the last commitment's withdrawals root is not the tree's at its count"
			);
		}
		// 2. The open epoch's changes are current.
		let current = |who: &T::AccountId| bridge::LedgerChange {
			slot: Slots::<T>::get(who).unwrap_or(u64::MAX),
			exit_to: ExitAddresses::<T>::get(who),
			collateral: <T::Ledger as strikeline_primitives::BridgeLedger<_>>::collateral(who)
				.unwrap_or(0),
		};
		for (who, change) in EpochChanges::<T>::iter_prefix(Self::open_epoch()) {
			ensure!(change == current(&who), "an open change is not the account's values");
		}
		// 3. Slots distinct and in range.
		let next = NextSlot::<T>::get();
		ensure!(next <= 1u64 << bridge::LEDGER_DEPTH, "more slots than leaves");
		let mut taken = alloc::collections::BTreeSet::new();
		for (_, slot) in Slots::<T>::iter() {
			ensure!(slot < next && taken.insert(slot), "a slot is beyond the next or taken twice");
		}
		// 4. The tree of the changes is the ledger, while nothing is pruned.
		if OldestChanges::<T>::get() <= 1 {
			let mut tree = bridge::LedgerTree::default();
			let mut latest = alloc::collections::BTreeMap::new();
			for epoch in 1..=closed.saturating_add(1) {
				let changes: Vec<_> = EpochChanges::<T>::iter_prefix(epoch)
					.map(|(who, c)| (Self::account_bytes(&who), c))
					.collect();
				for (who, c) in EpochChanges::<T>::iter_prefix(epoch) {
					latest.insert(Self::account_bytes(&who), (c, current(&who)));
				}
				if epoch > closed {
					break;
				}
				let root = tree.apply(epoch, &changes).map_err(|_| "changes the tree refuses")?;
				if let Some(c) = Commitments::<T>::get(epoch) {
					ensure!(c.ledger_root == root, "a fixed root is not the tree of the changes");
				}
			}
			ensure!(latest.len() == Slots::<T>::iter_keys().count(), "an account never recorded");
			for (recorded, now) in latest.values() {
				ensure!(recorded == now, "an account's last change is not its values");
			}
		}
		let count = WithdrawalCount::<T>::get();
		ensure!(Withdrawals::<T>::iter().count() as u64 == count, "withdrawal count");
		let wroot = Self::withdrawals_root();
		for (index, w) in Withdrawals::<T>::iter() {
			let leaf = bridge::withdrawal_leaf(
				&w.vault,
				&Self::account_bytes(&w.who),
				&w.recipient,
				w.amount,
			);
			let proof = Self::withdrawal_proof(index).ok_or("no withdrawal proof")?;
			ensure!(
				bridge::root_from_proof(leaf, index, &proof) == wroot,
				"withdrawal not in tree"
			);
		}
		for (_, set) in ValidatorSets::<T>::iter() {
			ensure!(bridge::is_validator_set(&set), "a validator set is not strictly increasing");
		}
		for ((vault, id), _) in ApprovedDeposits::<T>::iter() {
			let next = DepositsCredited::<T>::get(vault);
			ensure!(id > next, "an approved deposit waits at or below the next to credit");
			ensure!(
				id < next.saturating_add(T::DepositWindow::get() as u64),
				"an approved deposit beyond the window"
			);
		}
		Ok(())
	}
}
