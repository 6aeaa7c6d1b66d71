//! The ledger tree and epochs.
use super::*;
use crate::Dirty;

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
		// The genesis hash is the network's own, from its chain id.
		assert_eq!(c1.previous_hash, bridge::genesis_hash(CHAIN_ID));
		assert_eq!(crate::GenesisHash::<Test>::get(), bridge::genesis_hash(CHAIN_ID));
		assert_ne!(bridge::genesis_hash(CHAIN_ID), bridge::genesis_hash(CHAIN_ID + 1));
		assert_eq!(c1.block_number, EPOCH - 1);
		assert_eq!(c1.chain_id, CHAIN_ID);
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
