//! Epochs: their ledger changes, closing at the boundary, fixing roots, pruning.
use super::*;
use crate::{EpochChanges, LastClosed, OldestChanges, PendingCommitments};

#[test]
fn every_ledger_write_is_recorded_in_the_open_epoch_and_the_last_one_wins() {
	build_and_execute(|| {
		set_collateral(7, 5);
		set_collateral(8, -3);
		set_collateral(7, 9);
		// The fund took slot 0 at genesis; slots go in order of first change.
		assert_eq!(Slots::<Test>::get(FUND), Some(0));
		let change = |who| EpochChanges::<Test>::get(1, who).unwrap();
		assert_eq!(change(7), bridge::LedgerChange { slot: 1, exit_to: [0; 20], collateral: 9 });
		assert_eq!(change(8), bridge::LedgerChange { slot: 2, exit_to: [0; 20], collateral: -3 });
		assert_eq!(change(FUND).exit_to, FUND_EXIT);
		// A negative balance is a zero leaf amount.
		assert_eq!(change(8).leaf(&Bridge::account_bytes(&8)), leaf_now(8));
		assert_eq!(bridge::leaf_collateral(-3), 0);
		// Block EPOCH belongs to epoch 2.
		run_to(EPOCH);
		set_collateral(7, 1);
		assert_eq!(change(7).collateral, 9);
		assert_eq!(EpochChanges::<Test>::get(2, 7).unwrap().collateral, 1);
		assert_eq!(Bridge::ledger_changes(1).unwrap().len(), 3);
		assert!(Bridge::ledger_changes(2).is_none(), "epoch 2 is open");
	});
}

#[test]
fn epochs_close_at_the_boundary_and_fix_chained_by_hash() {
	build_and_execute(|| {
		set_collateral(1, 5);
		run_to(EPOCH - 1);
		assert_eq!(LastClosed::<Test>::get(), 0);
		run_to(EPOCH);
		assert_eq!(LastClosed::<Test>::get(), 1);
		let pending = PendingCommitments::<Test>::get(1).expect("epoch 1 closed at block 10");
		assert_eq!((pending.ledger_root, pending.previous_hash), ([0; 32], [0; 32]));
		assert_eq!(pending.block_number, EPOCH - 1);
		assert_eq!(pending.chain_id, CHAIN_ID);
		let set: Vec<_> = (0..4).map(validator_address).collect();
		assert_eq!(pending.next_validator_set_hash, bridge::validator_set_hash(&set));
		System::assert_has_event(
			Event::EpochClosed {
				epoch: 1,
				block_number: EPOCH - 1,
				withdrawals_root: pending.withdrawals_root,
			}
			.into(),
		);
		fix_closed();
		let c1 = Commitments::<Test>::get(1).unwrap();
		assert_eq!(c1.ledger_root, root_from_scratch());
		// The genesis hash is the network's own, from its chain id.
		assert_eq!(c1.previous_hash, bridge::genesis_hash(CHAIN_ID));
		assert_eq!(crate::GenesisHash::<Test>::get(), bridge::genesis_hash(CHAIN_ID));
		assert_ne!(bridge::genesis_hash(CHAIN_ID), bridge::genesis_hash(CHAIN_ID + 1));
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
		run_to_fixed(2 * EPOCH);
		let c2 = Commitments::<Test>::get(2).unwrap();
		assert_eq!(c2.previous_hash, c1.hash());
		assert_ne!(c2.ledger_root, c1.ledger_root);
	});
}

/// Issue 14's load: 5,000 distinct accounts change in every block for three epochs. Every
/// epoch closes at its boundary block, and its root (the tree of its changes, as nodes build
/// it) is the root of the whole ledger read from the state of the epoch's last block.
#[test]
fn epochs_close_on_schedule_under_any_load() {
	build_and_execute(|| {
		const ACCOUNTS: u64 = 5_000;
		let mut tree = bridge::LedgerTree::default();
		for block in 1..3 * EPOCH {
			// Accounts 2,000.. (the fund, 1,000, changes only at genesis).
			for who in 2_000..2_000 + ACCOUNTS {
				set_collateral(who, ((who * 7 + block * 13) % 1_000) as i128 - 100);
			}
			if (block + 1) % EPOCH == 0 {
				// The epoch's last block: the ledger its boundary commits to.
				let boundary_root = root_from_scratch();
				let epoch = (block + 1) / EPOCH;
				run_to(block + 1);
				assert_eq!(LastClosed::<Test>::get(), epoch);
				let changes = Bridge::ledger_changes(epoch).unwrap();
				assert_eq!(changes.len() as u64, ACCOUNTS + u64::from(epoch == 1));
				assert_eq!(tree.apply(epoch, &changes).unwrap(), boundary_root);
				fix_closed();
				assert_eq!(Commitments::<Test>::get(epoch).unwrap().ledger_root, boundary_root);
			} else {
				run_to(block + 1);
			}
		}
	});
}

/// A root signed by fewer than 2/3 fixes nothing; the root that reaches 2/3 is fixed, and a
/// validator that signed another root is named.
#[test]
fn the_root_a_supermajority_signs_is_fixed_and_dissent_is_reported() {
	build_and_execute(|| {
		set_collateral(1, 5);
		run_to(EPOCH);
		let true_root = root_of(1);
		let wrong = [0xee; 32];
		let sign_root = |i: u32, root: Hash| {
			let c = Bridge::candidate(1, root).unwrap();
			let d =
				bridge::commitment_digest(&c.hash(), ETH_CHAIN_ID, &bridge::anchor_address(&VAULT));
			validator_pair(i).sign_prehashed(&d).0
		};
		assert_ok!(submit_root(1, wrong, 3, sign_root(3, wrong)));
		assert_ok!(submit_root(1, true_root, 0, sign_root(0, true_root)));
		assert_ok!(submit_root(1, true_root, 1, sign_root(1, true_root)));
		assert!(Commitments::<Test>::get(1).is_none(), "two of four is not more than 2/3");
		// A signature of one root does not count for another.
		assert_noop!(
			submit_root(1, true_root, 2, sign_root(2, wrong)),
			Error::<Test>::BadSignature
		);
		assert_ok!(submit_root(1, true_root, 2, sign_root(2, true_root)));
		let c = Commitments::<Test>::get(1).unwrap();
		assert_eq!(c.ledger_root, true_root);
		assert!(PendingCommitments::<Test>::get(1).is_none());
		assert_eq!(LastEpoch::<Test>::get(), 1);
		System::assert_has_event(
			Event::RootDisputed { epoch: 1, validator: 3, ledger_root: wrong }.into(),
		);
		System::assert_has_event(Event::CommitmentAttested { epoch: 1, signatures: 3 }.into());
		assert!(crate::Signatures::<Test>::get(1, 3).is_none());
		// After the fixing only the fixed root is taken; the dissenter may still sign it.
		assert_noop!(submit_root(1, wrong, 3, [1; 65]), Error::<Test>::WrongLedgerRoot);
		assert_ok!(submit(1, 3, signature(3, 1)));
		assert_eq!(crate::SignatureCount::<Test>::get(1), 4);
	});
}

/// Pending epochs are fixed in order: the next one's commitment chains to this one's hash,
/// which is known only once it is fixed.
#[test]
fn a_pending_epoch_is_signed_only_after_the_one_before_is_fixed() {
	build_and_execute(|| {
		run_to(2 * EPOCH);
		assert_eq!(LastClosed::<Test>::get(), 2);
		let root = root_of(2);
		assert!(matches!(Bridge::candidate(2, root), Err(Error::<Test>::EpochNotNext)));
		assert_noop!(submit_root(2, root, 0, [1; 65]), Error::<Test>::EpochNotNext);
		assert_noop!(submit_root(3, root, 0, [1; 65]), Error::<Test>::UnknownEpoch);
		fix_closed();
		assert_eq!(
			Commitments::<Test>::get(2).unwrap().previous_hash,
			Commitments::<Test>::get(1).unwrap().hash()
		);
	});
}

/// Changes older than the retention are pruned with spare weight, a few per block, and an
/// epoch's changes are kept until its root is fixed.
#[test]
fn old_changes_are_pruned_after_the_retention_once_fixed() {
	build_and_execute(|| {
		for who in 0..20u64 {
			set_collateral(who, 1);
		}
		// Not fixed: nothing pruned, however old.
		run_to((RETENTION + 2) * EPOCH);
		assert!(Bridge::ledger_changes(1).is_some());
		fix_closed();
		// Epoch 1 (21 records) stops being served and goes, at most 7 a block from the
		// database (the test externalities remove what is only in the overlay at once); then
		// epoch 2.
		let now = System::block_number();
		run_to(now + 1);
		assert_eq!(OldestChanges::<Test>::get(), 2);
		assert!(Bridge::ledger_changes(1).is_none());
		run_to(now + 3);
		assert_eq!(EpochChanges::<Test>::iter_prefix(1).count(), 0);
		run_to(now + 5);
		assert_eq!(OldestChanges::<Test>::get(), 3);
		// The last RETENTION closed epochs stay.
		let closed = LastClosed::<Test>::get();
		assert!(Bridge::ledger_changes(closed + 1 - RETENTION).is_some());
		// No spare weight, no pruning.
		let before = OldestChanges::<Test>::get();
		assert_eq!(
			Bridge::on_idle(now, polkadot_sdk::frame_support::weights::Weight::zero()),
			polkadot_sdk::frame_support::weights::Weight::zero()
		);
		assert_eq!(OldestChanges::<Test>::get(), before);
	});
}

/// The ledger's leaves page through the state: a node's tree built from them is the tree of
/// the changes.
#[test]
fn ledger_leaves_page_through_the_whole_ledger() {
	build_and_execute(|| {
		for who in 0..25u64 {
			set_collateral(who, who as i128);
		}
		assert_ok!(Bridge::set_exit_address(RuntimeOrigin::signed(3), [0xee; 20]));
		run_to(EPOCH - 1);
		let mut leaves = Vec::new();
		let mut start = Vec::new();
		loop {
			let (page, next) = Bridge::ledger_leaves(start, 4);
			assert!(page.len() <= 4);
			leaves.extend(page);
			match next {
				Some(k) => start = k,
				None => break,
			}
		}
		assert_eq!(leaves.len(), 26);
		let from_state = bridge::LedgerTree::from_leaves(1, &leaves).unwrap().root();
		run_to(EPOCH);
		assert_eq!(from_state, root_of(1));
	});
}

/// Ledger root time versus changed accounts, natively (`scripts/bench-ledger-root.sh`;
/// figures in docs/BENCHMARKS.md): the node's tree applying one epoch's changes. A benchmark,
/// not a test.
#[test]
#[ignore = "a benchmark: run by scripts/bench-ledger-root.sh"]
fn ledger_root_update_time() {
	for n in [1_000u64, 10_000, 100_000] {
		// A ledger of 2n accounts, then n of them change.
		let change = |slot: u64, collateral: i128| {
			let mut account = [0u8; 32];
			account[..8].copy_from_slice(&slot.to_le_bytes());
			(account, bridge::LedgerChange { slot, exit_to: [1; 20], collateral })
		};
		let all: Vec<_> = (0..2 * n).map(|s| change(s, 1)).collect();
		let mut tree = bridge::LedgerTree::from_leaves(1, &all).unwrap();
		let changed: Vec<_> = (0..2 * n).step_by(2).map(|s| change(s, 2)).collect();
		let started = std::time::Instant::now();
		tree.apply(2, &changed).unwrap();
		let elapsed = started.elapsed();
		println!(
			"| {n} changed accounts (of {}) | {:.1} ms | {:.1} us per account |",
			2 * n,
			elapsed.as_secs_f64() * 1e3,
			elapsed.as_secs_f64() * 1e6 / n as f64
		);
	}
}
