//! Ledger tree, epochs, withdrawals, and the root update benchmark.
use crate::{mock::*, Attested, Commitments, Dirty, Error, Event, LastEpoch, Signatures, Slots};
use polkadot_sdk::frame_support::{assert_noop, assert_ok, traits::Hooks};
use strikeline_primitives::{
	bridge::{self, Hash},
	BridgeLedger,
};

/// The ledger root computed from scratch over every account with a slot.
fn root_from_scratch() -> Hash {
	let e = bridge::empties(bridge::LEDGER_DEPTH);
	let mut t = bridge::MemoryTree::default();
	for (who, slot) in Slots::<Test>::iter() {
		bridge::update_leaf(&mut t, &e, bridge::LEDGER_DEPTH, slot, Bridge::ledger_leaf(&who));
	}
	bridge::root(&t, bridge::LEDGER_DEPTH)
}

#[test]
fn the_incremental_root_equals_the_root_from_scratch() {
	build_and_execute(|| {
		for who in 1..=20u64 {
			set_collateral(who, who as i128 * 1_000_000);
		}
		run_to(2);
		assert_eq!(Dirty::<Test>::count(), 0);
		assert_eq!(Bridge::ledger_root(), root_from_scratch());
		// A few change; only they are rehashed.
		set_collateral(3, 7);
		set_collateral(17, -5);
		assert_eq!(Dirty::<Test>::count(), 2);
		assert_eq!(Bridge::apply_changes(MAX_UPDATES), 2);
		assert_eq!(Bridge::ledger_root(), root_from_scratch());
		// A negative balance is a zero leaf amount.
		assert_eq!(
			Bridge::ledger_leaf(&17),
			bridge::ledger_leaf(&Bridge::account_bytes(&17), &[0; 20], 0)
		);
	});
}

#[test]
fn epochs_close_commitments_chained_by_hash() {
	build_and_execute(|| {
		set_collateral(1, 5);
		run_to(EPOCH);
		let c1 = Commitments::<Test>::get(1).expect("epoch 1 closed at block 10");
		assert_eq!(c1.previous_hash, [0x5e; 32]);
		assert_eq!(c1.block_number, EPOCH - 1);
		assert_eq!(c1.chain_id, 4242);
		assert_eq!(c1.ledger_root, Bridge::ledger_root());
		let set: Vec<_> = (0..4).map(validator_address).collect();
		assert_eq!(c1.next_validator_set_hash, bridge::validator_set_hash(&set));
		System::assert_has_event(
			Event::CommitmentClosed {
				epoch: 1,
				hash: c1.hash(),
				ledger_root: c1.ledger_root,
				withdrawals_root: c1.withdrawals_root,
			}
			.into(),
		);
		set_collateral(2, 9);
		run_to(2 * EPOCH);
		let c2 = Commitments::<Test>::get(2).unwrap();
		assert_eq!(c2.previous_hash, c1.hash());
		assert_ne!(c2.ledger_root, c1.ledger_root);
	});
}

#[test]
fn a_commitment_waits_for_every_pending_leaf() {
	build_and_execute(|| {
		run_to(EPOCH - 1);
		// More changes than one block rehashes, reported just before the boundary.
		for who in 1..=(MAX_UPDATES as u64 * 2 + 10) {
			set_collateral(who, 1);
		}
		run_to(EPOCH);
		assert_eq!(LastEpoch::<Test>::get(), 0);
		run_to(EPOCH + 1);
		assert_eq!(LastEpoch::<Test>::get(), 0);
		run_to(EPOCH + 2);
		assert_eq!(LastEpoch::<Test>::get(), 1);
		let c = Commitments::<Test>::get(1).unwrap();
		assert_eq!(c.block_number, EPOCH + 1);
		assert_eq!(c.ledger_root, root_from_scratch());
	});
}

#[test]
fn withdrawals_burn_collateral_and_prove_against_the_commitment() {
	build_and_execute(|| {
		set_collateral(1, 1_000);
		let alice_eth = [0xa1; 20];
		assert_ok!(Bridge::request_withdrawal(RuntimeOrigin::signed(1), 400, alice_eth));
		assert_eq!(Ledger::collateral(&1), Some(600));
		System::assert_has_event(
			Event::WithdrawalRequested { who: 1, index: 0, recipient: alice_eth, amount: 400 }
				.into(),
		);
		assert_ok!(Bridge::request_withdrawal(RuntimeOrigin::signed(1), 100, alice_eth));
		run_to(EPOCH);
		let c = Commitments::<Test>::get(1).unwrap();
		for (index, amount) in [(0u64, 400u128), (1, 100)] {
			let leaf = bridge::withdrawal_leaf(&Bridge::account_bytes(&1), &alice_eth, amount);
			let proof = Bridge::withdrawal_proof(index).unwrap();
			assert_eq!(bridge::root_from_proof(leaf, index, &proof), c.withdrawals_root);
		}
		// The ledger leaf shows what is left, and proves against the ledger root.
		let (slot, proof) = Bridge::ledger_proof(&1).unwrap();
		assert_eq!(bridge::root_from_proof(Bridge::ledger_leaf(&1), slot, &proof), c.ledger_root);
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
			polkadot_sdk::sp_runtime::DispatchError::Other("InsufficientMargin")
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

#[test]
fn the_exit_address_is_in_the_leaf() {
	build_and_execute(|| {
		set_collateral(1, 50);
		run_to(2);
		assert_ok!(Bridge::set_exit_address(RuntimeOrigin::signed(1), [0xee; 20]));
		run_to(3);
		assert_eq!(
			Bridge::ledger_leaf(&1),
			bridge::ledger_leaf(&Bridge::account_bytes(&1), &[0xee; 20], 50)
		);
		assert_eq!(Bridge::ledger_root(), root_from_scratch());
	});
}

/// Ledger root update time versus changed accounts, natively on the in-memory test storage
/// (`scripts/bench-ledger-root.sh`; figures in docs/BENCHMARKS.md). A benchmark, not a test.
#[test]
#[ignore = "a benchmark: run by scripts/bench-ledger-root.sh"]
fn ledger_root_update_time() {
	for n in [1_000u64, 10_000, 100_000] {
		new_test_ext().execute_with(|| {
			// A ledger of 2n accounts, then n of them change.
			for who in 0..2 * n {
				set_collateral(who, 1);
			}
			Bridge::apply_changes(u32::MAX);
			for who in (0..2 * n).step_by(2) {
				set_collateral(who, 2);
			}
			let started = std::time::Instant::now();
			assert_eq!(Bridge::apply_changes(u32::MAX) as u64, n);
			let elapsed = started.elapsed();
			println!(
				"| {n} changed accounts (of {}) | {:.1} ms | {:.1} us per account |",
				2 * n,
				elapsed.as_secs_f64() * 1e3,
				elapsed.as_secs_f64() * 1e6 / n as f64
			);
		});
	}
}

/// Validator `i`'s signature of epoch `epoch`'s commitment.
fn signature(i: u32, epoch: u64) -> [u8; 65] {
	validator_pair(i).sign_prehashed(&Commitments::<Test>::get(epoch).unwrap().hash()).0
}

fn submit(epoch: u64, i: u32, sig: [u8; 65]) -> polkadot_sdk::sp_runtime::DispatchResult {
	Bridge::submit_signature(RuntimeOrigin::none(), epoch, i, sig)
}

#[test]
fn more_than_two_thirds_attest_a_commitment() {
	build_and_execute(|| {
		set_collateral(1, 5);
		run_to(EPOCH);
		assert_ok!(submit(1, 0, signature(0, 1)));
		assert_ok!(submit(1, 1, signature(1, 1)));
		// Two of four is not more than 2/3.
		assert!(Attested::<Test>::get(1).is_none());
		assert_ok!(submit(1, 3, signature(3, 1)));
		assert!(Attested::<Test>::get(1).is_some());
		System::assert_has_event(Event::CommitmentAttested { epoch: 1, signatures: 3 }.into());
		assert_eq!(Signatures::<Test>::get(1, 3), Some(signature(3, 1)));
	});
}

#[test]
fn bad_signatures_are_refused_and_change_nothing() {
	build_and_execute(|| {
		run_to(EPOCH);
		// Signed by another key, by a validator under another's index, of another epoch.
		let outsider = {
			use polkadot_sdk::sp_core::Pair;
			polkadot_sdk::sp_core::ecdsa::Pair::from_string("//Mallory", None).unwrap()
		};
		let forged = outsider.sign_prehashed(&Commitments::<Test>::get(1).unwrap().hash()).0;
		assert_noop!(submit(1, 0, forged), Error::<Test>::BadSignature);
		assert_noop!(submit(1, 1, signature(0, 1)), Error::<Test>::BadSignature);
		assert_noop!(submit(2, 0, signature(0, 1)), Error::<Test>::UnknownEpoch);
		assert_noop!(submit(1, 9, signature(0, 1)), Error::<Test>::UnknownValidator);
		// Twice.
		assert_ok!(submit(1, 0, signature(0, 1)));
		assert_noop!(submit(1, 0, signature(0, 1)), Error::<Test>::AlreadySigned);
		// The high-s twin of a valid signature.
		let mut sig = signature(2, 1);
		let n: [u8; 32] = [
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c,
			0xd0, 0x36, 0x41, 0x41,
		];
		let mut borrow = 0i16;
		for k in (0..32).rev() {
			let d = n[k] as i16 - sig[32 + k] as i16 - borrow;
			sig[32 + k] = d.rem_euclid(256) as u8;
			borrow = if d < 0 { 1 } else { 0 };
		}
		sig[64] ^= 1;
		assert_noop!(submit(1, 2, sig), Error::<Test>::BadSignature);
		// Only unsigned.
		assert_noop!(
			Bridge::submit_signature(RuntimeOrigin::signed(1), 1, 2, signature(2, 1)),
			polkadot_sdk::sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn the_offchain_worker_signs_with_the_local_validator_key() {
	use polkadot_sdk::{
		sp_core::offchain::{testing, OffchainWorkerExt, TransactionPoolExt},
		sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt},
	};
	let mut ext = new_test_ext();
	let (pool, pool_state) = testing::TestTransactionPoolExt::new();
	let (offchain, _) = testing::TestOffchainExt::new();
	let keystore = MemoryKeystore::new();
	keystore.ecdsa_generate_new(crate::crypto::KEY_TYPE, Some("//Validator2")).unwrap();
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(KeystoreExt::new(keystore));
	ext.execute_with(|| {
		run_to(EPOCH);
		Bridge::offchain_worker(EPOCH);
		let txs = pool_state.read().transactions.clone();
		assert_eq!(txs.len(), 1);
		use codec::Decode;
		let xt = Extrinsic::decode(&mut &txs[0][..]).unwrap();
		let RuntimeCall::Bridge(crate::Call::submit_signature { epoch, validator, signature: sig }) =
			xt.function
		else {
			panic!("a signature")
		};
		assert_eq!((epoch, validator), (1, 2));
		assert_ok!(submit(epoch, validator, sig));
	});
}

/// What a validator signs, as the anchor contract recovers it: `//Alice`'s bridge key over the
/// shared vector commitment (see `strikeline_primitives::bridge`). The same signature is
/// checked with `ecrecover` in `bridge/contracts/test/SettlementAnchor.t.sol`
/// (`test_aChainSignatureRecoversToTheValidator`).
#[test]
fn signature_vector_shared_with_the_contracts() {
	use polkadot_sdk::sp_core::Pair;
	new_test_ext().execute_with(|| {
		let alice = polkadot_sdk::sp_core::ecdsa::Pair::from_string("//Alice", None).unwrap();
		let hash = hex32("ada64e3d00f34f39088c00fa0a67100b84a2c2c185f430d11301dc624b9c97c8");
		let sig = alice.sign_prehashed(&hash).0;
		let hex: String = sig.iter().map(|b| format!("{b:02x}")).collect();
		assert_eq!(hex, SIGNATURE);
		let public =
			polkadot_sdk::sp_io::crypto::secp256k1_ecdsa_recover(&sig, &hash).ok().unwrap();
		let address: String =
			crate::eth_address(&public).iter().map(|b| format!("{b:02x}")).collect();
		assert_eq!(address, "e04cc55ebee1cbce552f250e85c57b70b2e2625b");
	});
}

fn hex32(s: &str) -> [u8; 32] {
	let mut h = [0u8; 32];
	for (i, b) in h.iter_mut().enumerate() {
		*b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
	}
	h
}

const SIGNATURE: &str = "fb3b07484ef42b4d8bd47dccccdc0d3fb1aa412feccc8b0e8a9bed97c9c619225ce9f01d2473c61d9ba506d80185bbe1157a3487924795989ef8ee95d731ee6801";

fn vote(i: u32, id: u64, who: u64, amount: u128) -> polkadot_sdk::sp_runtime::DispatchResult {
	let hash = bridge::deposit_vote_hash(4242, id, &Bridge::account_bytes(&who), amount);
	let sig = validator_pair(i).sign_prehashed(&hash).0;
	Bridge::vote_deposit(RuntimeOrigin::none(), id, who, amount, i, sig)
}

#[test]
fn a_deposit_is_credited_once_by_a_supermajority() {
	build_and_execute(|| {
		assert_ok!(vote(0, 7, 5, 1_000));
		assert_ok!(vote(1, 7, 5, 1_000));
		// A validator voting for another amount does not count towards this one.
		assert_ok!(vote(2, 7, 5, 9_999));
		assert_eq!(Ledger::collateral(&5), None);
		assert_ok!(vote(3, 7, 5, 1_000));
		assert_eq!(Ledger::collateral(&5), Some(1_000));
		System::assert_has_event(
			Event::DepositCredited { deposit_id: 7, who: 5, amount: 1_000 }.into(),
		);
		// Never twice.
		assert_noop!(vote(2, 7, 5, 1_000), Error::<Test>::AlreadyCredited);
	});
}

#[test]
fn bad_deposit_votes_change_nothing() {
	build_and_execute(|| {
		// A non-validator's signature, under any index.
		let hash = bridge::deposit_vote_hash(4242, 1, &Bridge::account_bytes(&5), 10);
		let mallory = {
			use polkadot_sdk::sp_core::Pair;
			polkadot_sdk::sp_core::ecdsa::Pair::from_string("//Mallory", None).unwrap()
		};
		let forged = mallory.sign_prehashed(&hash).0;
		assert_noop!(
			Bridge::vote_deposit(RuntimeOrigin::none(), 1, 5, 10, 0, forged),
			Error::<Test>::BadSignature
		);
		assert_noop!(
			Bridge::vote_deposit(RuntimeOrigin::none(), 1, 5, 10, 9, forged),
			Error::<Test>::UnknownValidator
		);
		// Twice by the same validator; zero; signed origin.
		assert_ok!(vote(0, 1, 5, 10));
		assert_noop!(vote(0, 1, 5, 10), Error::<Test>::AlreadyVoted);
		assert_noop!(vote(1, 1, 5, 0), Error::<Test>::ZeroAmount);
		let sig = validator_pair(1).sign_prehashed(&hash).0;
		assert_noop!(
			Bridge::vote_deposit(RuntimeOrigin::signed(5), 1, 5, 10, 1, sig),
			polkadot_sdk::sp_runtime::DispatchError::BadOrigin
		);
	});
}

mod offchain;

#[test]
fn withdrawal_proofs_against_any_later_epoch() {
	build_and_execute(|| {
		set_collateral(1, 1_000);
		let to = [0xa1; 20];
		assert_ok!(Bridge::request_withdrawal(RuntimeOrigin::signed(1), 400, to));
		run_to(EPOCH);
		// A withdrawal in the closing block itself belongs to the next epoch.
		assert_ok!(Bridge::request_withdrawal(RuntimeOrigin::signed(1), 100, to));
		run_to(2 * EPOCH);
		let leaf = |amount| bridge::withdrawal_leaf(&Bridge::account_bytes(&1), &to, amount);
		for epoch in [1u64, 2] {
			let root = Commitments::<Test>::get(epoch).unwrap().withdrawals_root;
			let w = Bridge::withdrawal_proof_view(0, epoch).unwrap();
			assert_eq!((w.epoch, w.amount), (1, 400));
			assert_eq!(bridge::root_from_proof(leaf(400), 0, &w.proof), root);
		}
		let w = Bridge::withdrawal_proof_view(1, 2).unwrap();
		assert_eq!(w.epoch, 2);
		let root = Commitments::<Test>::get(2).unwrap().withdrawals_root;
		assert_eq!(bridge::root_from_proof(leaf(100), 1, &w.proof), root);
		// Not in epoch 1's root; epoch 3 is not closed.
		assert!(Bridge::withdrawal_proof_view(1, 1).is_none());
		assert!(Bridge::withdrawal_proof_view(0, 3).is_none());
	});
}

#[test]
fn a_new_validator_set_takes_over_through_the_commitment_chain() {
	use crate::{NextValidatorSet, ValidatorSetId, ValidatorSets};
	use polkadot_sdk::frame_support::BoundedVec;
	build_and_execute(|| {
		let set = |ids: &[u32]| -> BoundedVec<[u8; 20], _> {
			BoundedVec::try_from(ids.iter().map(|i| validator_address(*i)).collect::<Vec<_>>())
				.unwrap()
		};
		// Bad sets and origins change nothing.
		assert_noop!(
			Bridge::set_validator_set(RuntimeOrigin::root(), set(&[])),
			Error::<Test>::BadValidatorSet
		);
		assert_noop!(
			Bridge::set_validator_set(RuntimeOrigin::root(), set(&[4, 5, 4])),
			Error::<Test>::BadValidatorSet
		);
		assert_noop!(
			Bridge::set_validator_set(RuntimeOrigin::signed(1), set(&[4, 5, 6])),
			polkadot_sdk::sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Bridge::set_validator_set(RuntimeOrigin::root(), set(&[4, 5, 6])));
		let new_hash = bridge::validator_set_hash(&set(&[4, 5, 6]));
		System::assert_has_event(
			Event::ValidatorSetScheduled { set_id: 1, set_hash: new_hash, size: 3 }.into(),
		);
		run_to(EPOCH);
		// Epoch 1: signed by set 0, carries set 1's hash; set 1 is current from now on.
		let c1 = Commitments::<Test>::get(1).unwrap();
		assert_eq!((c1.validator_set_id, c1.next_validator_set_hash), (0, new_hash));
		assert_eq!(ValidatorSetId::<Test>::get(), 1);
		assert!(NextValidatorSet::<Test>::get().is_none());
		assert_eq!(ValidatorSets::<Test>::get(1).unwrap(), set(&[4, 5, 6]));
		// Set 0 still signs epoch 1 (under its own indices).
		for i in 0..3 {
			assert_ok!(submit(1, i, signature(i, 1)));
		}
		assert!(Attested::<Test>::get(1).is_some());
		run_to(2 * EPOCH);
		let c2 = Commitments::<Test>::get(2).unwrap();
		assert_eq!((c2.validator_set_id, c2.next_validator_set_hash), (1, new_hash));
		// Epoch 2: the old validators no longer count; the new ones (indices 0..3) do.
		assert_noop!(submit(2, 0, signature(0, 2)), Error::<Test>::BadSignature);
		let sign_new = |i: u32| validator_pair(i + 4).sign_prehashed(&c2.hash()).0;
		assert_ok!(submit(2, 0, sign_new(0)));
		assert_ok!(submit(2, 1, sign_new(1)));
		assert!(Attested::<Test>::get(2).is_none());
		assert_ok!(submit(2, 2, sign_new(2)));
		assert!(Attested::<Test>::get(2).is_some());
		assert_noop!(submit(2, 3, sign_new(2)), Error::<Test>::UnknownValidator);
	});
}

#[test]
fn only_root_sets_the_vault() {
	build_and_execute(|| {
		assert_noop!(
			Bridge::set_vault(RuntimeOrigin::signed(1), [1; 20]),
			polkadot_sdk::sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(Bridge::set_vault(RuntimeOrigin::root(), [0; 20]), Error::<Test>::ZeroAddress);
		assert_ok!(Bridge::set_vault(RuntimeOrigin::root(), [1; 20]));
		assert_eq!(crate::Vault::<Test>::get(), Some([1; 20]));
	});
}
