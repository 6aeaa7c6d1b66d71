//! The real node in `--dev --tmp` mode, over RPC: it authors and finalizes blocks, includes
//! signed transfers (native and collateral) with their events, and turns away malformed or
//! forged extrinsics with a clear error while it keeps running.

use anyhow::{anyhow, Result};
use serde_json::json;
use std::time::Duration;
use strikeline_e2e::{event_fields, free_balance, http_get, rpc_call_raw, submit_finalized, Node};
use subxt::{
	dynamic::{self, Value},
	utils::AccountId32,
	OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::{dev, Keypair};

const COLLATERAL_ASSET_ID: u32 = 1;

async fn collateral_balance(api: &OnlineClient<PolkadotConfig>, who: &Keypair) -> Result<u128> {
	let at = api.at_current_block().await?;
	let addr = dynamic::storage::<(u32, [u8; 32]), Value>("Assets", "Account");
	let account =
		at.storage().fetch(addr, (COLLATERAL_ASSET_ID, who.public_key().0)).await?.decode()?;
	use subxt::ext::scale_value::At;
	account
		.at("balance")
		.and_then(|v| v.as_u128())
		.ok_or_else(|| anyhow!("no balance in {account}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_chain_authors_finalizes_and_includes_signed_transfers() -> Result<()> {
	let mut node = Node::start("dev", &["--dev", "--tmp"])?;
	node.wait_rpc(Duration::from_secs(60)).await?;
	node.wait_for("blocks authored and finalized", Duration::from_secs(60), |best, fin| {
		best >= 3 && fin >= 2
	})
	.await?;

	// Prometheus metrics, as Substrate provides them.
	let metrics = http_get(node.prometheus_port, "/metrics").await?;
	assert!(metrics.contains("substrate_block_height"), "no block height metric");

	let api = node.client().await?;
	let (alice, bob, charlie) = (dev::alice(), dev::bob(), dev::charlie());

	// A native balance transfer, Alice -> Bob.
	let bob_before = free_balance(&api, &bob).await?;
	let amount = 1_234_000_000_000u128;
	let transfer = dynamic::transaction(
		"Balances",
		"transfer_keep_alive",
		(bob.public_key().to_address::<()>(), amount),
	);
	let events = submit_finalized(&api, &transfer, &alice).await?;
	let (from, to, value) =
		event_fields::<(AccountId32, AccountId32, u128)>(&events, "Balances", "Transfer")?;
	assert_eq!(from, alice.public_key().to_account_id());
	assert_eq!(to, bob.public_key().to_account_id());
	assert_eq!(value, amount);
	let (payer, _fee, _tip) = event_fields::<(AccountId32, u128, u128)>(
		&events,
		"TransactionPayment",
		"TransactionFeePaid",
	)?;
	assert_eq!(payer, alice.public_key().to_account_id());
	assert_eq!(free_balance(&api, &bob).await?, bob_before + amount);

	// A collateral (assets) transfer, Alice -> Charlie.
	let charlie_before = collateral_balance(&api, &charlie).await?;
	let usdc = 2_500_000_000u128; // 2,500 USDC
	let transfer = dynamic::transaction(
		"Assets",
		"transfer",
		(COLLATERAL_ASSET_ID, charlie.public_key().to_address::<()>(), usdc),
	);
	let events = submit_finalized(&api, &transfer, &alice).await?;
	let (asset, from, to, value) =
		event_fields::<(u32, AccountId32, AccountId32, u128)>(&events, "Assets", "Transferred")?;
	assert_eq!(asset, COLLATERAL_ASSET_ID);
	assert_eq!(from, alice.public_key().to_account_id());
	assert_eq!(to, charlie.public_key().to_account_id());
	assert_eq!(value, usdc);
	assert_eq!(collateral_balance(&api, &charlie).await?, charlie_before + usdc);
	Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_extrinsics_get_clear_errors_and_the_node_keeps_running() -> Result<()> {
	let mut node = Node::start("dev-bad-input", &["--dev", "--tmp"])?;
	node.wait_rpc(Duration::from_secs(60)).await?;
	node.wait_for("first block", Duration::from_secs(60), |best, _| best >= 1).await?;

	// Bytes that are not an extrinsic at all.
	let reply =
		rpc_call_raw(node.rpc_port, "author_submitExtrinsic", json!(["0xdeadbeef"])).await?;
	let err = reply.get("error").ok_or_else(|| anyhow!("garbage accepted: {reply}"))?;
	let message = err.to_string();
	assert!(message.contains("decode") || message.contains("Decode"), "unclear error: {message}");

	// Not even hex.
	let reply = rpc_call_raw(node.rpc_port, "author_submitExtrinsic", json!(["not hex"])).await?;
	assert!(reply.get("error").is_some(), "non-hex accepted: {reply}");

	// A well-formed, signed transfer whose signature was tampered with.
	let api = node.client().await?;
	let transfer = dynamic::transaction(
		"Balances",
		"transfer_keep_alive",
		(dev::bob().public_key().to_address::<()>(), 1_000_000_000_000u128),
	);
	let signed = api
		.at_current_block()
		.await?
		.transactions()
		.create_signed(&transfer, &dev::alice(), Default::default())
		.await?;
	let mut bytes = signed.encoded().to_vec();
	// Layout: compact length, version byte, address (0x00 + 32 bytes), signature (0x01 + 64
	// bytes) ...: flip a byte in the middle of the signature.
	let len_prefix = if bytes.len() - 2 < 64 {
		1
	} else if bytes.len() - 2 < 16384 {
		2
	} else {
		4
	};
	let sig_byte = len_prefix + 1 + 33 + 1 + 10;
	bytes[sig_byte] ^= 0xff;
	let reply = rpc_call_raw(
		node.rpc_port,
		"author_submitExtrinsic",
		json!([format!("0x{}", hex::encode(&bytes))]),
	)
	.await?;
	let err = reply.get("error").ok_or_else(|| anyhow!("forged signature accepted: {reply}"))?;
	assert!(err.to_string().contains("bad signature"), "unclear error: {err}");

	// The node is alive and still producing and finalizing blocks.
	let (best, fin) = (node.best_number().await?, node.finalized_number().await?);
	node.wait_for("progress after bad input", Duration::from_secs(30), |b, f| b > best && f > fin)
		.await?;
	assert!(node.is_running());
	Ok(())
}
