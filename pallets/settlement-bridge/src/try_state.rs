//! The pallet's invariants (listed in the crate docs), checked after every test and by the
//! `try_state` hook.
use super::*;
use frame_support::ensure;

impl<T: Config> Pallet<T> {
	/// Checks the invariants listed in the crate docs.
	pub fn do_try_state() -> Result<(), DispatchError> {
		let last = LastEpoch::<T>::get();
		let mut previous = GenesisHash::<T>::get();
		for epoch in 1..=last {
			let c = Commitments::<T>::get(epoch).ok_or("missing commitment")?;
			ensure!(c.epoch == epoch && c.previous_hash == previous, "broken commitment chain");
			previous = c.hash();
		}
		if let Some(c) = Commitments::<T>::get(last) {
			let count = WithdrawalCountAt::<T>::get(last).ok_or("no withdrawal count")?;
			ensure!(
				Self::withdrawals_root_at(count) == c.withdrawals_root,
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
