//! The settlement bridge on the real node: a trader deposits, requests a withdrawal to an
//! Ethereum address, and the next epoch's commitment includes it. The runtime API's Merkle
//! proofs, taken at the block that closed the epoch, lead to the commitment's withdrawals and
//! ledger roots (checked here with keccak-256, as the vault checks them). Bad withdrawals get
//! their named errors. The validator's offchain worker signs the commitment with its
//! secp256k1 bridge key and the chain marks it attested.

use anyhow::{anyhow, bail, Result};
use codec::Encode;
use sha3::{Digest, Keccak256};
use std::time::Duration;
use strikeline_e2e::{
	bridge::{
		bridge_api, ledger_proof, request_withdrawal, sudo_set_ethereum, wait_closed,
		withdrawal_proof,
	},
	clearing::{deposit, dev_node, USD},
	submit_finalized,
};
use subxt_signer::sr25519::dev;

fn keccak(data: &[u8]) -> [u8; 32] {
	Keccak256::digest(data).into()
}

/// The vault the dev node is pointed at (no Ethereum here: the leaves name it all the same).
const VAULT: [u8; 20] = [0x5a; 20];

/// An ABI word holding an address.
fn address_word(a: &[u8; 20]) -> [u8; 32] {
	let mut w = [0u8; 32];
	w[12..].copy_from_slice(a);
	w
}

/// An ABI word holding an amount.
fn amount_word(x: u128) -> [u8; 32] {
	let mut w = [0u8; 32];
	w[16..].copy_from_slice(&x.to_be_bytes());
	w
}

/// The contracts' ledger leaf: `keccak256(abi.encode(keccak256("strikeline/bridge/ledger-leaf/v1"),
/// bytes32 account, address exitTo, uint256 collateral))`, written out independently of the
/// chain's code.
fn ledger_leaf(account: &[u8; 32], exit_to: &[u8; 20], collateral: u128) -> [u8; 32] {
	let tag = keccak(b"strikeline/bridge/ledger-leaf/v1");
	keccak(&[tag, *account, address_word(exit_to), amount_word(collateral)].concat())
}

/// The contracts' withdrawal leaf, naming the vault that pays it.
fn withdrawal_leaf(account: &[u8; 32], recipient: &[u8; 20], amount: u128) -> [u8; 32] {
	let tag = keccak(b"strikeline/bridge/withdrawal-leaf/v1");
	keccak(
		&[tag, address_word(&VAULT), *account, address_word(recipient), amount_word(amount)]
			.concat(),
	)
}

/// The root a leaf and its siblings lead to (`Merkle.root` in the contracts).
fn root(leaf: [u8; 32], index: u64, proof: &[[u8; 32]]) -> [u8; 32] {
	proof.iter().enumerate().fold(leaf, |acc, (h, s)| {
		let (l, r) = if (index >> h) & 1 == 0 { (acc, *s) } else { (*s, acc) };
		keccak(&[l, r].concat())
	})
}

#[tokio::test(flavor = "multi_thread")]
async fn a_withdrawal_is_committed_with_proofs_that_ethereum_checks() -> Result<()> {
	let (node, api, _) = dev_node("bridge").await?;
	let port = node.rpc_port;
	let bob = dev::bob();
	let recipient = [0xb0; 20];
	submit_finalized(&api, &sudo_set_ethereum(31_337, VAULT), &dev::alice()).await?;
	submit_finalized(&api, &deposit(1_000 * USD), &bob).await?;
	let events = submit_finalized(&api, &request_withdrawal(400 * USD, recipient), &bob).await?;
	let (who, index, to, amount, vault) =
		strikeline_e2e::event_fields::<([u8; 32], u64, [u8; 20], u128, [u8; 20])>(
			&events,
			"Bridge",
			"WithdrawalRequested",
		)?;
	assert_eq!(
		(who, index, to, amount, vault),
		(bob.public_key().0, 0, recipient, 400 * USD, VAULT)
	);

	// Bad input: nothing changes.
	for (call, error) in [
		(request_withdrawal(10_000 * USD, recipient), "InsufficientCollateral"),
		(request_withdrawal(1, [0; 20]), "ZeroAddress"),
		(request_withdrawal(0, recipient), "ZeroAmount"),
	] {
		match submit_finalized(&api, &call, &bob).await {
			Ok(_) => bail!("expected {error}"),
			Err(e) if format!("{e:?}").contains(error) => {}
			Err(e) => bail!("expected {error}, got {e:?}"),
		}
	}

	// The epoch that includes the withdrawal (epochs are 20 blocks); wait for it to close.
	let epoch = strikeline_e2e::bridge::withdrawal_epoch(&api, 0).await?;
	wait_closed(&node, &api, epoch, Duration::from_secs(60)).await?;
	let c = strikeline_e2e::bridge::commitment(port, epoch).await?;
	assert_eq!(c.epoch, epoch);

	// Alice's offchain worker signs with her bridge key; one of one is a supermajority.
	let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
	loop {
		let best =
			node.block_hash(node.best_number().await?).await?.ok_or(anyhow!("no best block"))?;
		let (sigs, attested): (Vec<(u32, [u8; 65])>, bool) =
			bridge_api(port, "signatures", epoch.encode(), Some(&best)).await?;
		if attested {
			assert_eq!(sigs.len(), 1);
			assert_eq!(sigs[0].0, 0);
			break;
		}
		if tokio::time::Instant::now() > deadline {
			bail!("epoch {epoch} not attested in 30 s");
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}

	let w = withdrawal_proof(port, 0, epoch).await?;
	assert_eq!(
		(w.index, w.account, w.recipient, w.amount, w.epoch),
		(0, bob.public_key().0, recipient, 400 * USD, epoch)
	);
	assert_eq!(w.proof.len(), 32);
	assert_eq!(
		root(withdrawal_leaf(&w.account, &w.recipient, w.amount), w.index, &w.proof),
		c.withdrawals_root
	);

	let l = ledger_proof(port, bob.public_key().0, epoch).await?;
	assert_eq!((l.account, l.exit_to, l.collateral), (bob.public_key().0, [0; 20], 600 * USD));
	assert_eq!(
		root(ledger_leaf(&l.account, &l.exit_to, l.collateral), l.slot, &l.proof),
		c.ledger_root
	);
	Ok(())
}
