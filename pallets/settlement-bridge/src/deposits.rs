//! Deposits from Ethereum: the deployment, the validators' votes, and crediting in id order.
//!
//! A deposit is `(vault, id)`. Votes are taken for ids in `next..next + DepositWindow`, where
//! `next` is [`DepositsCredited`] of the vault; more than 2/3 of the current set voting for
//! the same `(account, depositor, amount)` approves it ([`ApprovedDeposits`]), and the
//! approved deposits from `next` on are credited at once, in order. Every commitment carries
//! `next` as `deposits_credited`: exactly the deposits its ledger root credited, so that after
//! a freeze the vault can refund the others without paying any deposit twice.
//!
//! At its first credited deposit, an account without an exit address gets the depositor's
//! address as one (the escape hatch then has somewhere to pay it).
use super::*;
use frame_support::{ensure, pallet_prelude::DispatchResult};
use polkadot_sdk::sp_runtime::DispatchError;

impl<T: Config> Pallet<T> {
	/// Sets the deployment, once.
	pub(crate) fn do_set_ethereum(eth_chain_id: u64, vault: EthAddress) -> DispatchResult {
		ensure!(vault != [0u8; 20] && eth_chain_id != 0, Error::<T>::ZeroAddress);
		ensure!(Ethereum::<T>::get().is_none(), Error::<T>::EthereumAlreadySet);
		let anchor = bridge::anchor_address(&vault);
		Ethereum::<T>::put(EthereumDeployment { chain_id: eth_chain_id, vault, anchor });
		Self::deposit_event(Event::EthereumSet { eth_chain_id, vault, anchor });
		Ok(())
	}

	/// The vault and how many of its deposits were credited, if a deployment is set.
	pub fn deposits_credited() -> Option<(EthAddress, u64)> {
		let vault = Ethereum::<T>::get()?.vault;
		Some((vault, DepositsCredited::<T>::get(vault)))
	}

	/// Checks validator `validator`'s vote for deposit `deposit_id` of the vault; returns the
	/// vault and the hash of what it voted for (the tally key).
	pub fn check_vote(
		deposit_id: u64,
		who: &T::AccountId,
		from: &EthAddress,
		amount: u128,
		validator: u32,
		signature: &[u8; 65],
	) -> Result<(EthAddress, Hash), Error<T>> {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let vault = Ethereum::<T>::get().ok_or(Error::<T>::NoEthereumDeployment)?.vault;
		let next = DepositsCredited::<T>::get(vault);
		ensure!(deposit_id >= next, Error::<T>::AlreadyCredited);
		// Bound: `next + window` saturates at `u64::MAX`, beyond any deposit id.
		ensure!(
			deposit_id < next.saturating_add(T::DepositWindow::get() as u64),
			Error::<T>::DepositTooFarAhead
		);
		ensure!(
			!ApprovedDeposits::<T>::contains_key((vault, deposit_id)),
			Error::<T>::AlreadyApproved
		);
		let address = Self::validator_address(&Self::current_set(), validator)?;
		ensure!(validator < 128, Error::<T>::UnknownValidator);
		let deposit = bridge::Deposit {
			id: deposit_id,
			account: Self::account_bytes(who),
			from: *from,
			amount,
		};
		let hash = bridge::deposit_vote_hash(ChainId::<T>::get(), &vault, &deposit);
		let (set_id, bits) = DepositVotes::<T>::get((vault, deposit_id), hash);
		ensure!(
			set_id != ValidatorSetId::<T>::get() || bits & (1u128 << validator) == 0,
			Error::<T>::AlreadyVoted
		);
		Self::ensure_signed_by(&address, &hash, signature)?;
		Ok((vault, hash))
	}

	/// Tallies a checked vote; approves the deposit above 2/3 and credits what is in order.
	/// Returns how many deposits it credited.
	pub(crate) fn do_vote_deposit(
		deposit_id: u64,
		who: T::AccountId,
		from: EthAddress,
		amount: u128,
		validator: u32,
		signature: [u8; 65],
	) -> Result<u32, DispatchError> {
		let (vault, payload) =
			Self::check_vote(deposit_id, &who, &from, amount, validator, &signature)?;
		let set_id = ValidatorSetId::<T>::get();
		let votes = DepositVotes::<T>::mutate((vault, deposit_id), payload, |(id, bits)| {
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
			// Bound: the votes of one deposit are at most one per distinct payload voted, each
			// by a validator of the set: at most `MaxValidators` keys.
			let _ =
				DepositVotes::<T>::clear_prefix((vault, deposit_id), T::MaxValidators::get(), None);
			ApprovedDeposits::<T>::insert((vault, deposit_id), (who, from, amount));
			Self::deposit_event(Event::DepositApproved { vault, deposit_id });
			return Self::credit_approved(vault);
		}
		Ok(0)
	}

	/// Credits the vault's approved deposits from the next uncredited id on, in order, at most
	/// [`Config::DepositWindow`] (no approved deposit lies beyond the window).
	fn credit_approved(vault: EthAddress) -> Result<u32, DispatchError> {
		let mut next = DepositsCredited::<T>::get(vault);
		let mut credited = 0u32;
		for _ in 0..T::DepositWindow::get() {
			let Some((who, from, amount)) = ApprovedDeposits::<T>::take((vault, next)) else {
				break;
			};
			<T::Ledger as strikeline_primitives::BridgeLedger<_>>::credit_from_bridge(
				&who, amount,
			)?;
			if ExitAddresses::<T>::get(&who) == [0u8; 20] {
				ExitAddresses::<T>::insert(&who, from);
				Self::record_current(&who);
				Self::deposit_event(Event::ExitAddressSet { who: who.clone(), exit_to: from });
			}
			Self::deposit_event(Event::DepositCredited { deposit_id: next, who, amount, vault });
			next = next.saturating_add(1);
			credited = credited.saturating_add(1);
		}
		DepositsCredited::<T>::insert(vault, next);
		Ok(credited)
	}
}
