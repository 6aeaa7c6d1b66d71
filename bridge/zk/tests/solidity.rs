//! The verifying key and the proof fixture the contracts use are the ones this crate's
//! development setup produces. `STRIKELINE_ZK_BLESS=1` (scripts/zk-dev-setup.sh) rewrites
//! them; without it the test fails when they are stale.

use std::{collections::BTreeMap, path::PathBuf};
use strikeline_zk::{
	circuit::{Ledger, Shape},
	flows::{Deposit, Withdrawal},
	leaf::Leaf,
	proof, solidity,
};

/// The shape of the contracts' key: the chain's depth, 16 slot updates, 4 deposits and 4
/// withdrawals a proof.
const SHAPE: Shape = Shape { depth: 32, capacity: 16, deposits: 4, withdrawals: 4 };

/// `bridge/contracts` of the checkout being tested: the run-time `CARGO_MANIFEST_DIR` (cargo
/// and nextest set it), since a test binary reused from the shared target directory may have
/// been compiled in another checkout.
fn contracts() -> PathBuf {
	let crate_dir =
		std::env::var("CARGO_MANIFEST_DIR").unwrap_or(env!("CARGO_MANIFEST_DIR").into());
	PathBuf::from(crate_dir).join("../contracts")
}

fn check(path: PathBuf, expected: String) {
	if std::env::var("STRIKELINE_ZK_BLESS").is_ok_and(|v| v == "1") {
		std::fs::create_dir_all(path.parent().unwrap()).unwrap();
		std::fs::write(&path, expected).unwrap();
		return;
	}
	let found = std::fs::read_to_string(&path).unwrap_or_default();
	assert!(found == expected, "{} is stale: run scripts/zk-dev-setup.sh", path.display());
}

#[test]
fn contracts_have_the_current_key_and_fixture() {
	let keys = proof::dev_setup(SHAPE, proof::DEV_SETUP_SEED).unwrap();
	let origin = format!("the insecure development setup (seed {:#x})", proof::DEV_SETUP_SEED);
	check(
		contracts().join("src/RangeVerifyingKey.sol"),
		solidity::verifying_key_sol(&keys.verifying, SHAPE, &origin),
	);
	// Three accounts credited by 600 of deposits, 100 of it withdrawn by the second.
	let mut ledger = Ledger::new(SHAPE.depth);
	let changes: BTreeMap<u64, Leaf> = [(0u64, 200i128), (1_000, 100), (2_000, 200)]
		.into_iter()
		.zip(1u8..)
		.map(|((slot, balance), n)| (slot, Leaf::new([n; 32], [n; 20], balance)))
		.collect();
	let deposits: Vec<Deposit> =
		(1u8..=3).map(|n| Deposit { account: [n; 32], amount: 200 }).collect();
	let w = Withdrawal { slot: 1_000, recipient: [2; 20], amount: 100 };
	let circuit = ledger.step(SHAPE, &changes, &deposits, &[w]).unwrap();
	let public = circuit.public;
	let p = proof::prove(&keys, circuit, 7).unwrap();
	assert!(proof::verify(&proof::prepare(&keys.verifying), &public, &p).unwrap());
	check(
		contracts().join("test/fixtures/RangeProofFixture.sol"),
		solidity::fixture_sol(
			&p,
			&public,
			"A range proof: three accounts credited by 600 of deposits, 100 withdrawn by the second.",
		),
	);
}
