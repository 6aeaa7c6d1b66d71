//! Deposits: the deployment, votes, crediting in order, default exit addresses.
use super::*;
use crate::{ApprovedDeposits, DepositsCredited, ExitAddresses};

/// Depositor `who`'s Ethereum address in the tests.
fn from(who: u64) -> [u8; 20] {
	[0xd0 + who as u8; 20]
}

fn vote_hash(id: u64, who: u64, amount: u128) -> Hash {
	let d = bridge::Deposit { id, account: Bridge::account_bytes(&who), from: from(who), amount };
	bridge::deposit_vote_hash(CHAIN_ID, &VAULT, &d)
}

fn vote(i: u32, id: u64, who: u64, amount: u128) -> polkadot_sdk::sp_runtime::DispatchResult {
	let sig = validator_pair(i).sign_prehashed(&vote_hash(id, who, amount)).0;
	Bridge::vote_deposit(RuntimeOrigin::none(), id, who, from(who), amount, i, sig)
		.map(drop)
		.map_err(|e| e.error)
}

/// Three of the four validators vote for deposit `id`.
fn approve(id: u64, who: u64, amount: u128) {
	for i in 0..3 {
		assert_ok!(vote(i, id, who, amount));
	}
}

#[test]
fn a_deposit_is_credited_once_by_a_supermajority() {
	build_and_execute(|| {
		assert_ok!(vote(0, 0, 5, 1_000));
		assert_ok!(vote(1, 0, 5, 1_000));
		// A validator voting for another amount does not count towards this one.
		assert_ok!(vote(2, 0, 5, 9_999));
		assert_eq!(Ledger::collateral(&5), None);
		assert_ok!(vote(3, 0, 5, 1_000));
		assert_eq!(Ledger::collateral(&5), Some(1_000));
		System::assert_has_event(
			Event::DepositCredited { deposit_id: 0, who: 5, amount: 1_000, vault: VAULT }.into(),
		);
		assert_eq!(DepositsCredited::<Test>::get(VAULT), 1);
		// Never twice.
		assert_noop!(vote(2, 0, 5, 1_000), Error::<Test>::AlreadyCredited);
	});
}

/// The depositor's Ethereum address becomes the account's exit address at its first credit
/// (an account that set one keeps it).
#[test]
fn the_first_deposit_sets_the_exit_address() {
	build_and_execute(|| {
		approve(0, 5, 1_000);
		assert_eq!(ExitAddresses::<Test>::get(5), from(5));
		System::assert_has_event(Event::ExitAddressSet { who: 5, exit_to: from(5) }.into());
		let recorded = crate::EpochChanges::<Test>::get(1, 5).unwrap();
		assert_eq!(recorded.leaf(&Bridge::account_bytes(&5)), leaf_now(5));
		assert_eq!(leaf_now(5), bridge::ledger_leaf(&Bridge::account_bytes(&5), &from(5), 1_000));
		assert_ok!(Bridge::set_exit_address(RuntimeOrigin::signed(5), [0xee; 20]));
		// Account 6 deposits for account 5: 5's exit address stays its own choice.
		let d =
			bridge::Deposit { id: 1, account: Bridge::account_bytes(&5), from: from(6), amount: 7 };
		let hash = bridge::deposit_vote_hash(CHAIN_ID, &VAULT, &d);
		for i in 0..3 {
			let sig = validator_pair(i).sign_prehashed(&hash).0;
			assert_ok!(Bridge::vote_deposit(RuntimeOrigin::none(), 1, 5, from(6), 7, i, sig));
		}
		assert_eq!(Ledger::collateral(&5), Some(1_007));
		assert_eq!(ExitAddresses::<Test>::get(5), [0xee; 20]);
	});
}

/// Deposits are credited in id order: an approved one waits for every lower id, and the
/// commitment carries how many were credited, exactly the ones its ledger root holds.
#[test]
fn deposits_are_credited_in_order_and_committed() {
	build_and_execute(|| {
		approve(1, 6, 20);
		approve(2, 7, 30);
		assert_eq!((Ledger::collateral(&6), Ledger::collateral(&7)), (None, None));
		assert!(ApprovedDeposits::<Test>::contains_key((VAULT, 2)));
		assert_noop!(vote(3, 2, 7, 30), Error::<Test>::AlreadyApproved);
		run_to_fixed(EPOCH);
		assert_eq!(Commitments::<Test>::get(1).unwrap().deposits_credited, 0);
		// Deposit 0 releases 1 and 2 with it.
		approve(0, 5, 10);
		assert_eq!(Ledger::collateral(&5), Some(10));
		assert_eq!(Ledger::collateral(&6), Some(20));
		assert_eq!(Ledger::collateral(&7), Some(30));
		assert_eq!(DepositsCredited::<Test>::get(VAULT), 3);
		assert!(ApprovedDeposits::<Test>::iter().next().is_none());
		run_to(2 * EPOCH - 1);
		let boundary_root = root_from_scratch();
		run_to_fixed(2 * EPOCH);
		let c = Commitments::<Test>::get(2).unwrap();
		assert_eq!(c.deposits_credited, 3);
		assert_eq!(c.ledger_root, boundary_root);
	});
}

/// Votes are taken for a window of ids from the next one to credit.
#[test]
fn votes_beyond_the_window_are_refused() {
	build_and_execute(|| {
		let far = WINDOW as u64;
		assert_noop!(vote(0, far, 5, 10), Error::<Test>::DepositTooFarAhead);
		assert_ok!(vote(0, far - 1, 5, 10));
		approve(0, 6, 1);
		assert_ok!(vote(0, far, 5, 10));
	});
}

#[test]
fn bad_deposit_votes_change_nothing() {
	build_and_execute(|| {
		// A non-validator's signature, under any index.
		let hash = vote_hash(1, 5, 10);
		let forged = mallory().sign_prehashed(&hash).0;
		assert_noop!(
			Bridge::vote_deposit(RuntimeOrigin::none(), 1, 5, from(5), 10, 0, forged),
			Error::<Test>::BadSignature
		);
		assert_noop!(
			Bridge::vote_deposit(RuntimeOrigin::none(), 1, 5, from(5), 10, 9, forged),
			Error::<Test>::UnknownValidator
		);
		// A vote signed for another vault, or another depositor, is not a vote for this one.
		let other_vault = bridge::deposit_vote_hash(
			CHAIN_ID,
			&[0x77; 20],
			&bridge::Deposit {
				id: 1,
				account: Bridge::account_bytes(&5),
				from: from(5),
				amount: 10,
			},
		);
		let sig = validator_pair(0).sign_prehashed(&other_vault).0;
		assert_noop!(
			Bridge::vote_deposit(RuntimeOrigin::none(), 1, 5, from(5), 10, 0, sig),
			Error::<Test>::BadSignature
		);
		let sig = validator_pair(0).sign_prehashed(&hash).0;
		assert_noop!(
			Bridge::vote_deposit(RuntimeOrigin::none(), 1, 5, from(6), 10, 0, sig),
			Error::<Test>::BadSignature
		);
		// Twice by the same validator; zero; signed origin.
		assert_ok!(vote(0, 1, 5, 10));
		assert_noop!(vote(0, 1, 5, 10), Error::<Test>::AlreadyVoted);
		assert_noop!(vote(1, 1, 5, 0), Error::<Test>::ZeroAmount);
		let sig = validator_pair(1).sign_prehashed(&hash).0;
		assert_noop!(
			Bridge::vote_deposit(RuntimeOrigin::signed(5), 1, 5, from(5), 10, 1, sig),
			DispatchError::BadOrigin
		);
	});
}

/// No votes before the deployment; it is set once, by root, and names the anchor the vault
/// created.
#[test]
fn the_deployment_is_set_once_by_root() {
	new_test_ext_without_ethereum().execute_with(|| {
		assert_noop!(vote(0, 0, 5, 10), Error::<Test>::NoEthereumDeployment);
		assert_noop!(
			Bridge::set_ethereum(RuntimeOrigin::signed(1), ETH_CHAIN_ID, VAULT),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Bridge::set_ethereum(RuntimeOrigin::root(), ETH_CHAIN_ID, [0; 20]),
			Error::<Test>::ZeroAddress
		);
		assert_noop!(
			Bridge::set_ethereum(RuntimeOrigin::root(), 0, VAULT),
			Error::<Test>::ZeroAddress
		);
		assert_ok!(Bridge::set_ethereum(RuntimeOrigin::root(), ETH_CHAIN_ID, VAULT));
		let anchor = bridge::anchor_address(&VAULT);
		System::assert_has_event(
			Event::EthereumSet { eth_chain_id: ETH_CHAIN_ID, vault: VAULT, anchor }.into(),
		);
		// Moving to another vault would restart its deposit ids and need a new anchor to
		// follow every epoch from genesis: not a call.
		assert_noop!(
			Bridge::set_ethereum(RuntimeOrigin::root(), ETH_CHAIN_ID, [0x77; 20]),
			Error::<Test>::EthereumAlreadySet
		);
		assert_ok!(vote(0, 0, 5, 10));
	});
}
