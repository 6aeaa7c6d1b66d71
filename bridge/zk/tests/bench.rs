//! Circuit size, setup and proving time against the number of changed accounts at the
//! chain's tree depth (32), with room for 4 deposits and 4 withdrawals a proof. Ignored by default: `scripts/bench-zk.sh` runs it (see
//! docs/BENCHMARKS.md, "Validity proofs").

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use std::{collections::BTreeMap, time::Instant};
use strikeline_zk::{
	circuit::{Ledger, Shape},
	leaf::Leaf,
	proof,
};

fn sizes() -> Vec<usize> {
	std::env::var("STRIKELINE_ZK_SIZES")
		.unwrap_or_else(|_| "16".into())
		.split(',')
		.map(|s| s.trim().parse().expect("STRIKELINE_ZK_SIZES: comma-separated numbers"))
		.collect()
}

#[test]
#[ignore]
fn proving_time_per_changed_account() {
	println!("| changed accounts | constraints | per account | setup | prove | verify (native) |");
	println!("| --- | --- | --- | --- | --- | --- |");
	for capacity in sizes() {
		let shape = Shape { depth: 32, capacity, deposits: 4, withdrawals: 4 };
		// A ledger of 2 * capacity accounts; every other one changes.
		let mut ledger = Ledger::new(shape.depth);
		let account = |i: u64| {
			let mut a = [0u8; 32];
			a[..8].copy_from_slice(&i.to_be_bytes());
			a
		};
		let all: BTreeMap<u64, Leaf> = (0..2 * capacity as u64)
			.map(|i| (i * 7919, Leaf::new(account(i), [1; 20], 1_000)))
			.collect();
		for chunk in all.iter().collect::<Vec<_>>().chunks(capacity) {
			let part: BTreeMap<u64, Leaf> = chunk.iter().map(|(s, l)| (**s, **l)).collect();
			// (These steps' balances come from nowhere: only the measured step is proven.)
			ledger.step(shape, &part, &[], &[]).unwrap();
		}
		let changes: BTreeMap<u64, Leaf> = all
			.iter()
			.step_by(2)
			.zip([900, 1_100].into_iter().cycle())
			.map(|((s, l), balance)| (*s, Leaf::new(l.account, l.exit_to, balance)))
			.collect();
		// Trades only: half the accounts pay 100 to the other half.
		let circuit = ledger.step(shape, &changes, &[], &[]).unwrap();
		let cs = ConstraintSystem::<Fr>::new_ref();
		circuit.clone().generate_constraints(cs.clone()).unwrap();
		assert!(cs.is_satisfied().unwrap());
		let constraints = cs.num_constraints();
		let started = Instant::now();
		let keys = proof::dev_setup(shape, proof::DEV_SETUP_SEED).unwrap();
		let setup = started.elapsed();
		let public = circuit.public;
		let started = Instant::now();
		let p = proof::prove(&keys, circuit, 1).unwrap();
		let prove = started.elapsed();
		let pvk = proof::prepare(&keys.verifying);
		let started = Instant::now();
		assert!(proof::verify(&pvk, &public, &p).unwrap());
		let verify = started.elapsed();
		println!(
			"| {capacity} | {constraints} | {} | {:.1} s | {:.1} s | {:.1} ms |",
			constraints / capacity,
			setup.as_secs_f64(),
			prove.as_secs_f64(),
			verify.as_secs_f64() * 1e3
		);
	}
}
