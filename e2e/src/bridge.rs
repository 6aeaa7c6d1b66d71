//! Client side of the settlement bridge on Strikeline: its calls, its runtime API, and the
//! commitment and proof types (decoded with `strikeline_primitives`, as the relayer does).

use crate::{
	clearing::{hex_bytes, RawCall, RawFields},
	rpc_call, Node,
};
use anyhow::{anyhow, Result};
use codec::{Compact, Decode, Encode};
use std::time::Duration;
pub use strikeline_primitives::{
	api::{LedgerProof, WithdrawalProof},
	bridge::{Commitment, EthAddress, Hash},
};
use subxt::{dynamic, OnlineClient, PolkadotConfig};

/// The bridge pallet's index in the runtime.
pub const BRIDGE: u8 = 24;

/// `Bridge::request_withdrawal(amount, recipient)`.
pub fn request_withdrawal(amount: u128, recipient: EthAddress) -> RawCall {
	let mut data = Compact(amount).encode();
	recipient.encode_to(&mut data);
	RawCall::new("Bridge", "request_withdrawal", RawFields(data))
}

/// `Bridge::set_exit_address(exit_to)`.
pub fn set_exit_address(exit_to: EthAddress) -> RawCall {
	RawCall::new("Bridge", "set_exit_address", RawFields(exit_to.encode()))
}

/// `Sudo::sudo(Bridge::set_ethereum(eth_chain_id, vault))`.
pub fn sudo_set_ethereum(eth_chain_id: u64, vault: EthAddress) -> RawCall {
	let mut data = vec![BRIDGE, 5];
	eth_chain_id.encode_to(&mut data);
	vault.encode_to(&mut data);
	RawCall::new("Sudo", "sudo", RawFields(data))
}

/// The bridge's chain id and genesis hash of the node `api` talks to (each network has its
/// own).
pub async fn bridge_identity(api: &OnlineClient<PolkadotConfig>) -> Result<(u64, Hash)> {
	let at = api.at_current_block().await?;
	let id = at
		.storage()
		.try_fetch(dynamic::storage::<(), u64>("Bridge", "ChainId"), ())
		.await?
		.ok_or(anyhow!("no bridge chain id"))?
		.decode()?;
	Ok((id, strikeline_primitives::bridge::genesis_hash(id)))
}

/// `Sudo::sudo(Bridge::set_validator_set(validators))`.
pub fn sudo_set_validator_set(validators: &[EthAddress]) -> RawCall {
	let mut data = vec![BRIDGE, 4];
	validators.to_vec().encode_to(&mut data);
	RawCall::new("Sudo", "sudo", RawFields(data))
}

/// `BridgeApi_<method>(arg)` at block `at` (a hash; best block if `None`), decoded.
pub async fn bridge_api<T: Decode>(
	port: u16,
	method: &str,
	arg: Vec<u8>,
	at: Option<&str>,
) -> Result<T> {
	let v = rpc_call(
		port,
		"state_call",
		serde_json::json!([format!("BridgeApi_{method}"), format!("0x{}", hex::encode(arg)), at]),
	)
	.await?;
	Ok(T::decode(&mut &hex_bytes(&v)?[..])?)
}

/// The hash of the block that closed `epoch`, waiting up to `timeout` for it.
pub async fn wait_closed(
	node: &Node,
	api: &OnlineClient<PolkadotConfig>,
	epoch: u64,
	timeout: Duration,
) -> Result<String> {
	let block = crate::wait_until(&format!("epoch {epoch} closed"), timeout, || async {
		let at = api.at_current_block().await?;
		let addr = dynamic::storage::<(u64,), u32>("Bridge", "ClosedAt");
		match at.storage().try_fetch(addr, (epoch,)).await? {
			Some(block) => Ok(Some(block.decode()?)),
			None => Ok(None),
		}
	})
	.await?;
	node.block_hash(block as u64).await?.ok_or(anyhow!("no block hash"))
}

/// The commitment of `epoch`, once fixed (validators signed its ledger root), waiting up to
/// 60 s for it.
pub async fn commitment(port: u16, epoch: u64) -> Result<Commitment> {
	crate::wait_until(
		&format!("epoch {epoch}'s commitment fixed"),
		Duration::from_secs(60),
		|| async {
			bridge_api::<Option<Commitment>>(port, "commitment", epoch.encode(), None).await
		},
	)
	.await
}

/// Withdrawal `index` with its proof against `epoch`'s withdrawals root.
pub async fn withdrawal_proof(port: u16, index: u64, epoch: u64) -> Result<WithdrawalProof> {
	let w: Option<WithdrawalProof> =
		bridge_api(port, "withdrawal_proof", (index, epoch).encode(), None).await?;
	w.ok_or_else(|| anyhow!("no proof of withdrawal {index} in epoch {epoch}"))
}

/// The ledger root the node computed for `epoch` (`bridge_ledgerRoot`), waiting up to 60 s
/// for its ledger indexer to reach it.
pub async fn ledger_root(port: u16, epoch: u64) -> Result<Hash> {
	crate::wait_until(&format!("epoch {epoch}'s ledger root"), Duration::from_secs(60), || async {
		let v = rpc_call(port, "bridge_ledgerRoot", serde_json::json!([epoch])).await?;
		if v.is_null() {
			return Ok(None);
		}
		Ok(Some(hash32(&v)?))
	})
	.await
}

fn hash32(v: &serde_json::Value) -> Result<Hash> {
	hex_bytes(v)?.try_into().map_err(|_| anyhow!("not 32 bytes: {v}"))
}

/// `who`'s ledger leaf and proof against closed epoch `epoch`'s ledger root, from the node's
/// ledger tree (`bridge_ledgerProof`), once the node indexed the epoch.
pub async fn ledger_proof(port: u16, who: [u8; 32], epoch: u64) -> Result<LedgerProof> {
	ledger_root(port, epoch).await?;
	let account = format!("0x{}", hex::encode(who));
	let v = rpc_call(port, "bridge_ledgerProof", serde_json::json!([account, epoch])).await?;
	if v.is_null() {
		return Err(anyhow!("no ledger leaf in epoch {epoch}"));
	}
	let field = |k: &str| v.get(k).ok_or_else(|| anyhow!("no {k} in {v}"));
	anyhow::ensure!(field("epoch")?.as_u64() == Some(epoch), "a proof of another epoch: {v}");
	Ok(LedgerProof {
		slot: field("slot")?.as_u64().ok_or(anyhow!("slot"))?,
		account: hash32(field("account")?)?,
		exit_to: hex_bytes(field("exitTo")?)?.try_into().map_err(|_| anyhow!("exitTo"))?,
		collateral: field("collateral")?.as_str().ok_or(anyhow!("collateral"))?.parse()?,
		proof: field("proof")?
			.as_array()
			.ok_or(anyhow!("proof"))?
			.iter()
			.map(hash32)
			.collect::<Result<_>>()?,
	})
}

/// The epoch whose commitment first includes withdrawal `index`.
pub async fn withdrawal_epoch(api: &OnlineClient<PolkadotConfig>, index: u64) -> Result<u64> {
	use subxt::ext::scale_value::At;
	let at = api.at_current_block().await?;
	let addr = dynamic::storage::<(u64,), dynamic::Value>("Bridge", "Withdrawals");
	let w = at.storage().fetch(addr, (index,)).await?.decode()?;
	w.at("epoch")
		.and_then(|v| v.as_u128())
		.map(|e| e as u64)
		.ok_or(anyhow!("no withdrawal {index}"))
}
