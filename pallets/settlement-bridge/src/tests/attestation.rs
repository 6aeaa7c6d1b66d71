//! Commitment signatures and validator sets.
use super::*;
use crate::{Attested, Signatures};
use polkadot_sdk::frame_support::BoundedVec;

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
		let forged = mallory().sign_prehashed(&digest(1)).0;
		assert_noop!(submit(1, 0, forged), Error::<Test>::BadSignature);
		assert_noop!(submit(1, 1, signature(0, 1)), Error::<Test>::BadSignature);
		assert_noop!(submit_root(2, root_of(1), 0, signature(0, 1)), Error::<Test>::UnknownEpoch);
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
			Bridge::submit_signature(RuntimeOrigin::signed(1), 1, root_of(1), 2, signature(2, 1)),
			DispatchError::BadOrigin
		);
	});
}

/// A signature binds one deployment: over the bare commitment hash, or for another anchor or
/// another Ethereum chain, it is refused.
#[test]
fn signatures_are_bound_to_the_deployment() {
	build_and_execute(|| {
		run_to(EPOCH);
		let hash = commitment(1).hash();
		let anchor = bridge::anchor_address(&VAULT);
		for other in [
			hash,
			bridge::commitment_digest(&hash, ETH_CHAIN_ID + 1, &anchor),
			bridge::commitment_digest(&hash, ETH_CHAIN_ID, &bridge::anchor_address(&[0x77; 20])),
		] {
			let sig = validator_pair(0).sign_prehashed(&other).0;
			assert_noop!(submit(1, 0, sig), Error::<Test>::BadSignature);
		}
		assert_ok!(submit(1, 0, signature(0, 1)));
	});
}

/// Until the deployment is set nothing can be signed (there is no anchor to bind to); epochs
/// closed before are signed after it.
#[test]
fn no_signature_before_the_deployment() {
	new_test_ext_without_ethereum().execute_with(|| {
		run_to(EPOCH);
		let hash = commitment(1).hash();
		let sig = validator_pair(0).sign_prehashed(&hash).0;
		assert_noop!(submit(1, 0, sig), Error::<Test>::NoEthereumDeployment);
		assert_ok!(Bridge::set_ethereum(RuntimeOrigin::root(), ETH_CHAIN_ID, VAULT));
		assert_ok!(submit(1, 0, signature(0, 1)));
	});
}

#[test]
fn the_offchain_worker_signs_the_digest_with_the_local_validator_key() {
	use polkadot_sdk::{
		sp_core::offchain::{testing, OffchainDbExt, OffchainWorkerExt, TransactionPoolExt},
		sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt},
	};
	let mut ext = new_test_ext();
	let (pool, pool_state) = testing::TestTransactionPoolExt::new();
	let (offchain, _) = testing::TestOffchainExt::new();
	let keystore = MemoryKeystore::new();
	keystore.ecdsa_generate_new(crate::crypto::KEY_TYPE, Some(&validator_seed(2))).unwrap();
	ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
	ext.register_extension(OffchainDbExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(KeystoreExt::new(keystore));
	ext.execute_with(|| {
		run_to(EPOCH);
		// Nothing to sign until the node's ledger indexer wrote the epoch's root.
		Bridge::offchain_worker(EPOCH);
		assert!(pool_state.read().transactions.is_empty());
		polkadot_sdk::sp_runtime::offchain::storage::StorageValueRef::persistent(
			&bridge::ledger_root_key(1),
		)
		.set(&root_of(1));
		Bridge::offchain_worker(EPOCH);
		let txs = pool_state.read().transactions.clone();
		assert_eq!(txs.len(), 1);
		use codec::Decode;
		let xt = Extrinsic::decode(&mut &txs[0][..]).unwrap();
		let RuntimeCall::Bridge(crate::Call::submit_signature {
			epoch,
			ledger_root,
			validator,
			signature: sig,
		}) = xt.function
		else {
			panic!("a signature")
		};
		assert_eq!((epoch, ledger_root, validator), (1, root_of(1), 2));
		assert_ok!(submit(epoch, validator, sig));
	});
}

/// What a validator signs, as the anchor contract recovers it: `//Alice`'s bridge key over the
/// digest of the shared vector commitment (see `strikeline_primitives::bridge`). The same
/// signature is checked with `ecrecover` in `bridge/contracts/test/SettlementAnchor.t.sol`
/// (`test_aChainSignatureRecoversToTheValidator`).
#[test]
fn signature_vector_shared_with_the_contracts() {
	use polkadot_sdk::sp_core::Pair;
	new_test_ext().execute_with(|| {
		let alice = polkadot_sdk::sp_core::ecdsa::Pair::from_string("//Alice", None).unwrap();
		let digest = hex32(DIGEST);
		let sig = alice.sign_prehashed(&digest).0;
		let hex: String = sig.iter().map(|b| format!("{b:02x}")).collect();
		assert_eq!(hex, SIGNATURE);
		let public =
			polkadot_sdk::sp_io::crypto::secp256k1_ecdsa_recover(&sig, &digest).ok().unwrap();
		let address: String =
			crate::eth_address(&public).iter().map(|b| format!("{b:02x}")).collect();
		assert_eq!(address, "e04cc55ebee1cbce552f250e85c57b70b2e2625b");
	});
}

/// The vector commitment's digest for Ethereum chain 1 and the anchor at 0x5555...
const DIGEST: &str = "e4bff22ab899de3ccf55028347956f2e1e2175706e2d0bf9de6e6dc265274cc3";
const SIGNATURE: &str = "36c43f52da81e5b1588c9c71472a8f133f6daced0a996ad42bec0e12fbe7a90e206aa6ee576133a0262d98ca1e8691f7a28fc5af6126c782fe7ea0546709448301";

fn set(ids: &[u32]) -> BoundedVec<[u8; 20], polkadot_sdk::frame_support::traits::ConstU32<8>> {
	BoundedVec::try_from(ids.iter().map(|i| validator_address(*i)).collect::<Vec<_>>()).unwrap()
}

/// Sets enter only strictly increasing and non-zero: no key counted twice, no slot nobody can
/// sign for.
#[test]
fn validator_sets_are_strictly_increasing_and_non_zero() {
	build_and_execute(|| {
		for bad in [set(&[]), set(&[4, 5, 4]), set(&[5, 4, 6])] {
			assert_noop!(
				Bridge::set_validator_set(RuntimeOrigin::root(), bad),
				Error::<Test>::BadValidatorSet
			);
		}
		let mut zero = set(&[4, 5]);
		zero[0] = [0; 20];
		assert_noop!(
			Bridge::set_validator_set(RuntimeOrigin::root(), zero),
			Error::<Test>::BadValidatorSet
		);
		assert_noop!(
			Bridge::set_validator_set(RuntimeOrigin::signed(1), set(&[4, 5, 6])),
			DispatchError::BadOrigin
		);
	});
}

#[test]
#[should_panic(expected = "strictly increasing")]
fn a_genesis_set_out_of_order_is_refused() {
	use polkadot_sdk::sp_runtime::BuildStorage;
	let validators: Vec<_> = polkadot_sdk::sp_io::TestExternalities::default()
		.execute_with(|| [1u32, 0].iter().map(|i| validator_address(*i)).collect());
	let _ = RuntimeGenesisConfig {
		bridge: crate::GenesisConfig { chain_id: CHAIN_ID, validators, exit_addresses: vec![] },
		..Default::default()
	}
	.build_storage();
}

#[test]
fn a_new_validator_set_takes_over_through_the_commitment_chain() {
	use crate::{NextValidatorSet, ValidatorSetId, ValidatorSets};
	build_and_execute(|| {
		assert_ok!(Bridge::set_validator_set(RuntimeOrigin::root(), set(&[4, 5, 6])));
		let new_hash = bridge::validator_set_hash(&set(&[4, 5, 6]));
		System::assert_has_event(
			Event::ValidatorSetScheduled { set_id: 1, set_hash: new_hash, size: 3 }.into(),
		);
		run_to(EPOCH);
		// Epoch 1: signed by set 0, carries set 1's hash; set 1 is current from now on.
		let c1 = commitment(1);
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
		let c2 = commitment(2);
		assert_eq!((c2.validator_set_id, c2.next_validator_set_hash), (1, new_hash));
		// Epoch 2: the old validators no longer count; the new ones (indices 0..3) do.
		assert_noop!(submit(2, 0, signature(0, 2)), Error::<Test>::BadSignature);
		let sign_new = |i: u32| validator_pair(i + 4).sign_prehashed(&digest(2)).0;
		assert_ok!(submit(2, 0, sign_new(0)));
		assert_ok!(submit(2, 1, sign_new(1)));
		assert!(Attested::<Test>::get(2).is_none());
		assert_ok!(submit(2, 2, sign_new(2)));
		assert!(Attested::<Test>::get(2).is_some());
		assert_noop!(submit(2, 3, sign_new(2)), Error::<Test>::UnknownValidator);
	});
}
