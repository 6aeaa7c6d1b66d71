//! `--sealing`: manual sealing for tests seals blocks on demand and finalizes them at once.

use anyhow::Result;
use serde_json::json;
use std::time::Duration;
use strikeline_e2e::{submit_finalized, Node};
use subxt::dynamic;
use subxt_signer::sr25519::dev;

#[tokio::test(flavor = "multi_thread")]
async fn interval_sealing_finalizes_every_block() -> Result<()> {
	let mut node = Node::start("seal-interval", &["--dev", "--tmp", "--sealing", "200"])?;
	node.wait_rpc(Duration::from_secs(60)).await?;
	let (best, fin) =
		node.wait_for("sealed blocks", Duration::from_secs(30), |best, _| best >= 5).await?;
	assert!(fin + 1 >= best, "finalized {fin} lags best {best}");
	Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn instant_sealing_seals_and_finalizes_each_transaction() -> Result<()> {
	let mut node = Node::start("seal-instant", &["--dev", "--tmp", "--sealing", "instant"])?;
	node.wait_rpc(Duration::from_secs(60)).await?;
	assert_eq!(node.best_number().await?, 0, "instant sealing seals nothing without transactions");

	let api = node.client().await?;
	for i in 1..=3u64 {
		let transfer = dynamic::transaction(
			"Balances",
			"transfer_keep_alive",
			(dev::bob().public_key().to_address::<()>(), 1_000_000_000_000u128),
		);
		submit_finalized(&api, &transfer, &dev::alice()).await?;
		assert_eq!(node.finalized_number().await?, i);
	}

	// engine_createBlock seals on demand too.
	let created = node.rpc("engine_createBlock", json!([true, true, null])).await?;
	assert!(created["hash"].is_string(), "engine_createBlock: {created}");
	assert_eq!(node.finalized_number().await?, 4);
	Ok(())
}
