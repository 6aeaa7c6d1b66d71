//! Withdrawals and exit addresses.
use super::*;
use crate::ExitAddresses;

/// The withdrawal leaf of account 1 to `to`, payable by the tests' vault.
fn leaf(to: &[u8; 20], amount: u128) -> Hash {
	bridge::withdrawal_leaf(&VAULT, &Bridge::account_bytes(&1), to, amount)
}

#[test]
fn withdrawals_burn_collateral_and_prove_against_the_commitment() {
	build_and_execute(|| {
		set_collateral(1, 1_000);
		let alice_eth = [0xa1; 20];
		assert_ok!(Bridge::request_withdrawal(RuntimeOrigin::signed(1), 400, alice_eth));
		assert_eq!(Ledger::collateral(&1), Some(600));
		System::assert_has_event(
			Event::WithdrawalRequested {
				who: 1,
				index: 0,
				recipient: alice_eth,
				amount: 400,
				vault: VAULT,
			}
			.into(),
		);
		assert_ok!(Bridge::request_withdrawal(RuntimeOrigin::signed(1), 100, alice_eth));
		run_to_fixed(EPOCH);
		let c = Commitments::<Test>::get(1).unwrap();
		for (index, amount) in [(0u64, 400u128), (1, 100)] {
			let proof = Bridge::withdrawal_proof(index).unwrap();
			assert_eq!(
				bridge::root_from_proof(leaf(&alice_eth, amount), index, &proof),
				c.withdrawals_root
			);
			// The same fields under another vault, or as a ledger leaf, do not prove.
			let other = bridge::withdrawal_leaf(
				&[0x77; 20],
				&Bridge::account_bytes(&1),
				&alice_eth,
				amount,
			);
			assert_ne!(bridge::root_from_proof(other, index, &proof), c.withdrawals_root);
			let as_ledger = bridge::ledger_leaf(&Bridge::account_bytes(&1), &alice_eth, amount);
			assert_ne!(bridge::root_from_proof(as_ledger, index, &proof), c.withdrawals_root);
		}
		// The ledger leaf shows what is left, and proves against the ledger root.
		let p = tree_through(1).proof(&Bridge::account_bytes(&1)).unwrap();
		assert_eq!(p.collateral, 500);
		assert_eq!(bridge::root_from_proof(leaf_now(1), p.slot, &p.proof), c.ledger_root);
	});
}

#[test]
fn bad_withdrawals_change_nothing() {
	build_and_execute(|| {
		set_collateral(1, 1_000);
		let to = [0xa1; 20];
		assert_noop!(
			Bridge::request_withdrawal(RuntimeOrigin::signed(1), 0, to),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			Bridge::request_withdrawal(RuntimeOrigin::signed(1), 5, [0; 20]),
			Error::<Test>::ZeroAddress
		);
		assert_noop!(
			Bridge::request_withdrawal(RuntimeOrigin::signed(1), 5_000, to),
			DispatchError::Other("InsufficientMargin")
		);
		for _ in 0..4 {
			assert_ok!(Bridge::request_withdrawal(RuntimeOrigin::signed(1), 1, to));
		}
		assert_noop!(
			Bridge::request_withdrawal(RuntimeOrigin::signed(1), 1, to),
			Error::<Test>::TooManyWithdrawals
		);
		assert_noop!(
			Bridge::set_exit_address(RuntimeOrigin::signed(9), to),
			Error::<Test>::NoAccount
		);
	});
}

/// Before the deployment is set there is no vault to name in a leaf: no withdrawal.
#[test]
fn no_withdrawal_without_a_deployment() {
	new_test_ext_without_ethereum().execute_with(|| {
		set_collateral(1, 1_000);
		assert_noop!(
			Bridge::request_withdrawal(RuntimeOrigin::signed(1), 5, [0xa1; 20]),
			Error::<Test>::NoEthereumDeployment
		);
	});
}

#[test]
fn the_exit_address_is_in_the_leaf() {
	build_and_execute(|| {
		set_collateral(1, 50);
		run_to(2);
		assert_ok!(Bridge::set_exit_address(RuntimeOrigin::signed(1), [0xee; 20]));
		assert_noop!(
			Bridge::set_exit_address(RuntimeOrigin::signed(1), [0; 20]),
			Error::<Test>::ZeroAddress
		);
		assert_eq!(
			crate::EpochChanges::<Test>::get(1, 1).unwrap().leaf(&Bridge::account_bytes(&1)),
			bridge::ledger_leaf(&Bridge::account_bytes(&1), &[0xee; 20], 50)
		);
		run_to(EPOCH);
		assert_eq!(root_of(1), root_from_scratch());
	});
}

/// The insurance fund cannot sign: its exit address comes from genesis, and root may change
/// it (nobody else).
#[test]
fn the_insurance_fund_has_an_exit_address_that_only_root_changes() {
	build_and_execute(|| {
		set_collateral(FUND, 10_000);
		assert_eq!(ExitAddresses::<Test>::get(FUND), FUND_EXIT);
		assert_eq!(
			leaf_now(FUND),
			bridge::ledger_leaf(&Bridge::account_bytes(&FUND), &FUND_EXIT, 10_000)
		);
		assert_noop!(
			Bridge::force_set_exit_address(RuntimeOrigin::signed(1), FUND, [0xf1; 20]),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Bridge::force_set_exit_address(RuntimeOrigin::root(), FUND, [0; 20]),
			Error::<Test>::ZeroAddress
		);
		assert_ok!(Bridge::force_set_exit_address(RuntimeOrigin::root(), FUND, [0xf1; 20]));
		run_to(EPOCH);
		let p = tree_through(1).proof(&Bridge::account_bytes(&FUND)).unwrap();
		assert_eq!((p.exit_to, p.collateral), ([0xf1; 20], 10_000));
	});
}

#[test]
fn withdrawal_proofs_against_any_later_epoch() {
	build_and_execute(|| {
		set_collateral(1, 1_000);
		let to = [0xa1; 20];
		assert_ok!(Bridge::request_withdrawal(RuntimeOrigin::signed(1), 400, to));
		run_to(EPOCH);
		// A withdrawal in the closing block itself belongs to the next epoch.
		assert_ok!(Bridge::request_withdrawal(RuntimeOrigin::signed(1), 100, to));
		run_to_fixed(2 * EPOCH);
		for epoch in [1u64, 2] {
			let root = Commitments::<Test>::get(epoch).unwrap().withdrawals_root;
			let w = Bridge::withdrawal_proof_view(0, epoch).unwrap();
			assert_eq!((w.epoch, w.amount), (1, 400));
			assert_eq!(bridge::root_from_proof(leaf(&to, 400), 0, &w.proof), root);
		}
		let w = Bridge::withdrawal_proof_view(1, 2).unwrap();
		assert_eq!(w.epoch, 2);
		let root = Commitments::<Test>::get(2).unwrap().withdrawals_root;
		assert_eq!(bridge::root_from_proof(leaf(&to, 100), 1, &w.proof), root);
		// Not in epoch 1's root; epoch 3 is not closed.
		assert!(Bridge::withdrawal_proof_view(1, 1).is_none());
		assert!(Bridge::withdrawal_proof_view(0, 3).is_none());
	});
}
