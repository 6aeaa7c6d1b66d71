//! Withdrawals to Ethereum and exit addresses.
//!
//! A withdrawal burns free collateral (the ledger checks initial margin) and appends a leaf
//! naming the vault, the account, the recipient and the amount to the append-only withdrawals
//! tree; the vault pays it once a commitment including it is anchored. An account's exit
//! address is where the escape hatch pays its ledger balance after a freeze.
use super::*;
use frame_support::{ensure, pallet_prelude::DispatchResult};

impl<T: Config> Pallet<T> {
	/// Sets `who`'s exit address (non-zero; `who` must have a margin account).
	pub(crate) fn do_set_exit_address(who: T::AccountId, exit_to: EthAddress) -> DispatchResult {
		ensure!(exit_to != [0u8; 20], Error::<T>::ZeroAddress);
		ensure!(
			<T::Ledger as strikeline_primitives::BridgeLedger<_>>::collateral(&who).is_some(),
			Error::<T>::NoAccount
		);
		ExitAddresses::<T>::insert(&who, exit_to);
		Self::record_current(&who);
		Self::deposit_event(Event::ExitAddressSet { who, exit_to });
		Ok(())
	}

	/// Burns `amount` of `who`'s free collateral and appends its withdrawal leaf.
	pub(crate) fn do_request_withdrawal(
		who: T::AccountId,
		amount: u128,
		recipient: EthAddress,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		ensure!(recipient != [0u8; 20], Error::<T>::ZeroAddress);
		let vault = Ethereum::<T>::get().ok_or(Error::<T>::NoEthereumDeployment)?.vault;
		ensure!(
			EpochWithdrawals::<T>::get() < T::MaxWithdrawalsPerEpoch::get(),
			Error::<T>::TooManyWithdrawals
		);
		<T::Ledger as strikeline_primitives::BridgeLedger<_>>::burn_for_withdrawal(&who, amount)?;
		let index = WithdrawalCount::<T>::get();
		let leaf = bridge::withdrawal_leaf(&vault, &Self::account_bytes(&who), &recipient, amount);
		Self::append_withdrawal(index, leaf);
		let epoch = Self::open_epoch();
		Withdrawals::<T>::insert(
			index,
			Withdrawal { who: who.clone(), recipient, amount, epoch, vault },
		);
		WithdrawalCount::<T>::put(index.saturating_add(1));
		EpochWithdrawals::<T>::mutate(|n| *n = n.saturating_add(1));
		Self::deposit_event(Event::WithdrawalRequested { who, index, recipient, amount, vault });
		Ok(())
	}
}
