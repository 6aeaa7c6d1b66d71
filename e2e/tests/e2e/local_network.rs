//! The four validators of `chain-specs/local-raw.json` on loopback: they import and finalize
//! the same blocks; with one of them stopped, finality goes on (3 of 4 is more than 2/3); the
//! stopped one, restarted, catches up with the others.

use anyhow::{bail, Result};
use std::time::{Duration, Instant};
use strikeline_e2e::{repo_root, Network, Node};

/// Waits until every node has finalized at least `n`, then checks they agree on block `n`.
async fn all_finalize_same_block(nodes: &mut [&mut Node], n: u64, timeout: Duration) -> Result<()> {
	for node in nodes.iter_mut() {
		node.wait_for(&format!("finality of #{n}"), timeout, |_, fin| fin >= n).await?;
	}
	let mut hashes = Vec::new();
	for node in nodes.iter() {
		hashes.push((node.name.clone(), node.block_hash(n).await?));
	}
	let first = &hashes[0].1;
	if first.is_none() || hashes.iter().any(|(_, h)| h != first) {
		bail!("validators disagree on finalized block #{n}: {hashes:?}");
	}
	Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn four_validators_finalize_together_survive_one_down_and_catch_up() -> Result<()> {
	let spec = repo_root().join("chain-specs/local-raw.json");
	let mut net = Network::start(&spec, &["alice", "bob", "charlie", "dave"], &[]).await?;

	// All four author (round robin) and finalize the same chain.
	{
		let mut all: Vec<&mut Node> = net.nodes.iter_mut().collect();
		all_finalize_same_block(&mut all, 8, Duration::from_secs(90)).await?;
	}
	// Peers find each other through the boot node (Kademlia): a full mesh forms.
	let deadline = Instant::now() + Duration::from_secs(60);
	for node in &net.nodes {
		loop {
			let peers = node.rpc("system_health", serde_json::json!([])).await?["peers"].as_u64();
			if peers == Some(3) {
				break;
			}
			if Instant::now() > deadline {
				bail!("{} is connected to {peers:?} peers, not the other three", node.name);
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}

	// Dave goes down: three of four is still more than 2/3, finality goes on.
	let (live, rest) = net.nodes.split_at_mut(3);
	let dave = &mut rest[0];
	dave.kill();
	let target = live[0].finalized_number().await? + 6;
	{
		let mut live: Vec<&mut Node> = live.iter_mut().collect();
		all_finalize_same_block(&mut live, target, Duration::from_secs(60)).await?;
	}

	// Dave comes back with the same database and keys and catches up.
	dave.restart()?;
	dave.wait_rpc(Duration::from_secs(60)).await?;
	let head = live[0].finalized_number().await? + 4;
	let started = Instant::now();
	let mut all: Vec<&mut Node> = live.iter_mut().collect();
	all.push(dave);
	all_finalize_same_block(&mut all, head, Duration::from_secs(60)).await?;
	eprintln!("dave caught up to #{head} in {:?}", started.elapsed());
	Ok(())
}
