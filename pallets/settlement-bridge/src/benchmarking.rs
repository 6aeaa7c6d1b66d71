//! Benchmarks of the settlement bridge pallet. Validator keys are generated in the keystore of
//! the benchmark's externalities (`sp_io::crypto`), so every signature is real and verified;
//! the worst case is a full validator set ([`Config::MaxValidators`]) and, for the signature
//! and the vote, the one that crosses 2/3 (attesting, or crediting the deposit).
use super::*;
use frame_benchmarking::v2::*;
use frame_support::BoundedVec;
use frame_system::RawOrigin;
use polkadot_sdk::{frame_benchmarking, sp_io::crypto};

/// One collateral token in base units (6 decimals).
const USD: u128 = 1_000_000;

/// `n` validator keys generated in the keystore, installed as set 0 (ordered by address);
/// their public keys, in set order.
fn install_set<T: Config>(n: u32) -> Vec<polkadot_sdk::sp_core::ecdsa::Public> {
	for i in 0..n {
		let seed = alloc::format!("//Bench{i}").into_bytes();
		crypto::ecdsa_generate(crate::crypto::KEY_TYPE, Some(seed));
	}
	// A set is strictly increasing.
	let mut local = Pallet::<T>::local_keys();
	local.sort_by_key(|(address, _)| *address);
	let (addresses, keys): (Vec<EthAddress>, Vec<_>) = local.into_iter().unzip();
	ValidatorSets::<T>::insert(0, BoundedVec::truncate_from(addresses));
	ValidatorSetId::<T>::put(0);
	keys
}

/// Key `key`'s signature over `hash`.
fn sign(key: &polkadot_sdk::sp_core::ecdsa::Public, hash: &Hash) -> [u8; 65] {
	crypto::ecdsa_sign_prehashed(crate::crypto::KEY_TYPE, key, hash).expect("key in keystore").0
}

/// The deployment the benchmarks run under.
fn deploy_on_ethereum<T: Config>() -> EthereumDeployment {
	let vault = [0x5a; 20];
	let eth = EthereumDeployment { chain_id: 1, vault, anchor: bridge::anchor_address(&vault) };
	Ethereum::<T>::put(eth);
	eth
}

/// Signers before the one that crosses 2/3 of `n`: `floor(2n/3)`.
fn quorum_minus_one(n: u32) -> u32 {
	n * 2 / 3
}

/// An account with `amount` of collateral on the ledger.
fn funded<T: Config>(name: &'static str, amount: u128) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	<T::Ledger as strikeline_primitives::BridgeLedger<_>>::credit_from_bridge(&who, amount)
		.expect("crediting a new account succeeds");
	who
}

#[benchmarks]
pub mod benchmarks {
	use super::*;

	strikeline_primitives::benchmark_runner!(
		set_exit_address,
		request_withdrawal,
		submit_signature,
		vote_deposit,
		set_validator_set,
		set_ethereum,
		prune_changes,
		close_epoch
	);

	#[benchmark]
	fn set_exit_address() {
		let who = funded::<T>("trader", 1_000 * USD);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), [0xee; 20]);
		assert_eq!(ExitAddresses::<T>::get(&who), [0xee; 20]);
	}

	/// A withdrawal of an account without positions (the margin pallet's check per position
	/// is added from its own benchmark), appended to a withdrawals tree of 1,000 leaves.
	#[benchmark]
	fn request_withdrawal() {
		deploy_on_ethereum::<T>();
		let who = funded::<T>("trader", 1_000 * USD);
		WithdrawalCount::<T>::put(1_000);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), 400 * USD, [0xee; 20]);
		assert_eq!(WithdrawalCount::<T>::get(), 1_001);
	}

	/// The signature that fixes a pending epoch of a full validator set: every other
	/// validator voted, one short of the quorum for the root and the rest for another (so the
	/// fixing moves or drops `MaxValidators - 1` votes).
	#[benchmark]
	fn submit_signature() {
		let n = T::MaxValidators::get();
		let keys = install_set::<T>(n);
		let pending = Commitment { epoch: 1, chain_id: ChainId::<T>::get(), ..Default::default() };
		PendingCommitments::<T>::insert(1, pending);
		LastClosed::<T>::put(1);
		deploy_on_ethereum::<T>();
		let root = [0x11u8; 32];
		let before = quorum_minus_one(n);
		for i in 1..n {
			let voted = if i <= before { root } else { [0x22; 32] };
			RootVotes::<T>::insert(1, i, (voted, [1u8; 65]));
			RootVoteCount::<T>::mutate(1, voted, |c| *c += 1);
		}
		let c = Pallet::<T>::candidate(1, root).expect("epoch 1 is next");
		let sig = sign(&keys[0], &Pallet::<T>::commitment_digest(&c).expect("deployment set"));
		#[extrinsic_call]
		_(RawOrigin::None, 1, root, 0, sig);
		assert_eq!(Commitments::<T>::get(1).map(|c| c.ledger_root), Some(root));
		assert!(Attested::<T>::contains_key(1));
	}

	/// The vote that approves deposit 0 in a full validator set, and so credits it and the
	/// `c - 1` approved deposits after it, each to a new account.
	#[benchmark]
	fn vote_deposit(c: Linear<1, { T::DepositWindow::get() }>) {
		let n = T::MaxValidators::get();
		let keys = install_set::<T>(n);
		let eth = deploy_on_ethereum::<T>();
		for i in 1..c {
			let other: T::AccountId = account("trader", i, 0);
			ApprovedDeposits::<T>::insert((eth.vault, i as u64), (other, [0xd0; 20], USD));
		}
		let who: T::AccountId = account("trader", 0, 0);
		let amount = 1_000 * USD;
		let deposit = bridge::Deposit {
			id: 0,
			account: Pallet::<T>::account_bytes(&who),
			from: [0xd0; 20],
			amount,
		};
		let hash = bridge::deposit_vote_hash(ChainId::<T>::get(), &eth.vault, &deposit);
		let bits = (1..=quorum_minus_one(n)).fold(0u128, |b, i| b | 1u128 << i);
		DepositVotes::<T>::insert((eth.vault, 0), hash, (0, bits));
		let sig = sign(&keys[0], &hash);
		#[extrinsic_call]
		_(RawOrigin::None, 0, who, [0xd0; 20], amount, 0, sig);
		assert_eq!(DepositsCredited::<T>::get(eth.vault), c as u64);
	}

	#[benchmark]
	fn set_validator_set(v: Linear<1, { T::MaxValidators::get() }>) {
		// Strictly increasing (v is at most MaxValidators, at most 128: no byte overflows).
		let set: Vec<EthAddress> = (0..v).map(|i| [i as u8 + 1; 20]).collect();
		let set = BoundedVec::truncate_from(set);
		#[extrinsic_call]
		_(RawOrigin::Root, set);
		assert!(NextValidatorSet::<T>::get().is_some());
	}

	#[benchmark]
	fn set_ethereum() {
		#[extrinsic_call]
		_(RawOrigin::Root, 1, [0x5a; 20]);
		assert!(Ethereum::<T>::get().is_some());
	}

	/// Pruning `n` ledger change records of an epoch past the retention.
	#[benchmark]
	fn prune_changes(n: Linear<0, { T::MaxPrunePerBlock::get() }>) {
		for i in 0..n {
			let who: T::AccountId = account("trader", i, 0);
			EpochChanges::<T>::insert(1, who, bridge::LedgerChange::default());
		}
		let closed = T::ChangesRetention::get().saturating_add(1);
		LastClosed::<T>::put(closed);
		LastEpoch::<T>::put(closed);
		OldestChanges::<T>::put(2);
		#[block]
		{
			Pallet::<T>::prune_changes(frame_support::weights::Weight::MAX);
		}
		assert_eq!(EpochChanges::<T>::iter_prefix(1).count(), 0);
	}

	/// Closing an epoch that hands over to a full validator set.
	#[benchmark]
	fn close_epoch() {
		install_set::<T>(T::MaxValidators::get());
		let next: Vec<EthAddress> =
			(0..T::MaxValidators::get()).map(|i| [i as u8 + 1; 20]).collect();
		NextValidatorSet::<T>::put(BoundedVec::truncate_from(next));
		let block = frame_system::Pallet::<T>::block_number();
		#[block]
		{
			Pallet::<T>::close_epoch(block);
		}
		assert_eq!(LastClosed::<T>::get(), 1);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
