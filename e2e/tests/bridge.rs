//! The settlement bridge on the real node: a trader deposits, requests a withdrawal to an
//! Ethereum address, and the next epoch's commitment includes it. The runtime API's Merkle
//! proofs, taken at the block that closed the epoch, lead to the commitment's withdrawals and
//! ledger roots (checked here with keccak-256, as the vault checks them). Bad withdrawals get
//! their named errors. The validator's offchain worker signs the commitment with its
//! secp256k1 bridge key and the chain marks it attested.

use anyhow::{anyhow, bail, Result};
use codec::{Compact, Decode, Encode};
use sha3::{Digest, Keccak256};
use std::time::Duration;
use strikeline_e2e::{
	clearing::{deposit, dev_node, hex_bytes, RawCall, RawFields, USD},
	rpc_call, submit_finalized,
};
use subxt::dynamic;
use subxt_signer::sr25519::dev;

#[derive(Debug, Decode)]
struct Commitment {
	_chain_id: u64,
	epoch: u64,
	_block_number: u64,
	_validator_set_id: u64,
	ledger_root: [u8; 32],
	withdrawals_root: [u8; 32],
	_next_validator_set_hash: [u8; 32],
	_previous_hash: [u8; 32],
}

#[derive(Debug, Decode)]
struct WithdrawalProof {
	index: u64,
	account: [u8; 32],
	recipient: [u8; 20],
	amount: u128,
	epoch: u64,
	proof: Vec<[u8; 32]>,
}

#[derive(Debug, Decode)]
struct LedgerProof {
	slot: u64,
	account: [u8; 32],
	exit_to: [u8; 20],
	collateral: u128,
	proof: Vec<[u8; 32]>,
}

fn keccak(data: &[u8]) -> [u8; 32] {
	Keccak256::digest(data).into()
}

/// `keccak256(abi.encode(bytes32, address, uint256))`: the contracts' leaf format.
fn leaf(account: &[u8; 32], address: &[u8; 20], amount: u128) -> [u8; 32] {
	let mut data = [0u8; 96];
	data[..32].copy_from_slice(account);
	data[44..64].copy_from_slice(address);
	data[80..].copy_from_slice(&amount.to_be_bytes());
	keccak(&data)
}

/// The root a leaf and its siblings lead to (`Merkle.root` in the contracts).
fn root(leaf: [u8; 32], index: u64, proof: &[[u8; 32]]) -> [u8; 32] {
	proof.iter().enumerate().fold(leaf, |acc, (h, s)| {
		let (l, r) = if (index >> h) & 1 == 0 { (acc, *s) } else { (*s, acc) };
		keccak(&[l, r].concat())
	})
}

fn request_withdrawal(amount: u128, recipient: [u8; 20]) -> RawCall {
	let mut data = Compact(amount).encode();
	recipient.encode_to(&mut data);
	RawCall::new("Bridge", "request_withdrawal", RawFields(data))
}

/// `BridgeApi_<method>(arg)` at block `at`, decoded.
async fn bridge_api<T: Decode>(port: u16, method: &str, arg: Vec<u8>, at: &str) -> Result<T> {
	let v = rpc_call(
		port,
		"state_call",
		serde_json::json!([format!("BridgeApi_{method}"), format!("0x{}", hex::encode(arg)), at]),
	)
	.await?;
	Ok(T::decode(&mut &hex_bytes(&v)?[..])?)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_withdrawal_is_committed_with_proofs_that_ethereum_checks() -> Result<()> {
	let (node, api, _) = dev_node("bridge").await?;
	let port = node.rpc_port;
	let bob = dev::bob();
	let recipient = [0xb0; 20];
	submit_finalized(&api, &deposit(1_000 * USD), &bob).await?;
	let events = submit_finalized(&api, &request_withdrawal(400 * USD, recipient), &bob).await?;
	let (who, index, to, amount) = strikeline_e2e::event_fields::<([u8; 32], u64, [u8; 20], u128)>(
		&events,
		"Bridge",
		"WithdrawalRequested",
	)?;
	assert_eq!((who, index, to, amount), (bob.public_key().0, 0, recipient, 400 * USD));

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
	let best = node.block_hash(node.best_number().await?).await?.ok_or(anyhow!("no best block"))?;
	let pending: Option<WithdrawalProof> =
		bridge_api(port, "withdrawal_proof", 0u64.encode(), &best).await?;
	let epoch = pending.ok_or(anyhow!("withdrawal 0 unknown"))?.epoch;
	let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
	let closed_hash = loop {
		let at = api.at_current_block().await?;
		let addr = dynamic::storage::<(u64,), u32>("Bridge", "ClosedAt");
		if let Some(block) = at.storage().try_fetch(addr, (epoch,)).await? {
			let block = block.decode()?;
			break node.block_hash(block as u64).await?.ok_or(anyhow!("no block hash"))?;
		}
		if tokio::time::Instant::now() > deadline {
			bail!("epoch {epoch} did not close in 60 s");
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	};
	let c: Option<Commitment> =
		bridge_api(port, "commitment", epoch.encode(), &closed_hash).await?;
	let c = c.ok_or(anyhow!("no commitment for epoch {epoch}"))?;
	assert_eq!(c.epoch, epoch);

	// Alice's offchain worker signs with her bridge key; one of one is a supermajority.
	let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
	loop {
		let best =
			node.block_hash(node.best_number().await?).await?.ok_or(anyhow!("no best block"))?;
		let (sigs, attested): (Vec<(u32, [u8; 65])>, bool) =
			bridge_api(port, "signatures", epoch.encode(), &best).await?;
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

	let w: Option<WithdrawalProof> =
		bridge_api(port, "withdrawal_proof", 0u64.encode(), &closed_hash).await?;
	let w = w.ok_or(anyhow!("no withdrawal proof"))?;
	assert_eq!(
		(w.index, w.account, w.recipient, w.amount, w.epoch),
		(0, bob.public_key().0, recipient, 400 * USD, epoch)
	);
	assert_eq!(w.proof.len(), 32);
	assert_eq!(
		root(leaf(&w.account, &w.recipient, w.amount), w.index, &w.proof),
		c.withdrawals_root
	);

	let l: Option<LedgerProof> =
		bridge_api(port, "ledger_proof", bob.public_key().0.encode(), &closed_hash).await?;
	let l = l.ok_or(anyhow!("no ledger proof"))?;
	assert_eq!((l.account, l.exit_to, l.collateral), (bob.public_key().0, [0; 20], 600 * USD));
	assert_eq!(root(leaf(&l.account, &l.exit_to, l.collateral), l.slot, &l.proof), c.ledger_root);
	Ok(())
}
