//! Issue 14's load on the real node: 5,000 distinct accounts trade for several epochs, as
//! fast as the chain clears (every account changes several times an epoch, hundreds of them
//! a block: the old ledger tree rehashed 80 a block and postponed every epoch close under
//! such load). Every epoch closes at its boundary block; its commitment is fixed; and its
//! ledger root equals the root recomputed from the whole ledger read from the state of the
//! epoch's last block (`BridgeApi::ledger_leaves`, independent of the recorded changes) and
//! the node's own (`bridge_ledgerRoot`).

use anyhow::{anyhow, Result};
use codec::{Compact, Encode};
use std::time::Duration;
use strikeline_e2e::{
	bridge::{self, bridge_api},
	clearing::{self, *},
	liquidation::{events_between, BlockEvent},
	submit_finalized, submit_unwatched, Node,
};
use strikeline_primitives::bridge::{LedgerChange, LedgerTree};
use subxt::PolkadotConfig;
use subxt_signer::{sr25519::dev, sr25519::Keypair, SecretUri};

/// Distinct trading accounts.
const ACCOUNTS: usize = 5_000;
/// Rounds of trading: in each, every account trades once with its partner.
const ROUNDS: u64 = 14;
/// Fills per `settle_fills` batch, and batches kept in the pool.
const BATCH: usize = 128;
const IN_FLIGHT: usize = 16;
/// Blocks per epoch (the runtime's `BRIDGE_EPOCH_BLOCKS`).
const EPOCH_BLOCKS: u64 = 20;

/// `Sudo::sudo(Utility::batch_all(..))` that funds `accounts` from `funder` (native tokens and
/// collateral) and deposits `deposit` of it into each one's margin account: one extrinsic for
/// many traders, where one signed extrinsic each is client-bound (a few hundred a second over
/// RPC, and 5,000 fill the pool). Every call is dispatched as a signed origin
/// (`Utility::dispatch_as`), so it runs the same checks as the trader's own extrinsic.
fn fund_and_deposit(
	funder: &Keypair,
	accounts: &[Keypair],
	native: u128,
	collateral: u128,
	deposit: u128,
) -> RawCall {
	// `Utility::dispatch_as` (7, 3) as `OriginCaller::system(RawOrigin::Signed(who))`.
	let dispatch_as = |data: &mut Vec<u8>, who: &Keypair| {
		data.extend([7u8, 3, 0, 1]);
		data.extend(who.public_key().0);
	};
	// Utility (7) batch_all (2): a vector of calls.
	let mut data = vec![7u8, 2];
	Compact(accounts.len() as u32 * 3).encode_to(&mut data);
	for a in accounts {
		// Balances (4) transfer_keep_alive (3): MultiAddress::Id, Compact value.
		dispatch_as(&mut data, funder);
		data.extend([4u8, 3, 0]);
		data.extend(a.public_key().0);
		Compact(native).encode_to(&mut data);
		// Assets (8) transfer (8): Compact asset id 1, MultiAddress::Id, Compact amount.
		dispatch_as(&mut data, funder);
		data.extend([8u8, 8]);
		Compact(1u32).encode_to(&mut data);
		data.push(0);
		data.extend(a.public_key().0);
		Compact(collateral).encode_to(&mut data);
		// Margin (21) deposit (0): Compact amount.
		dispatch_as(&mut data, a);
		data.extend([21u8, 0]);
		Compact(deposit).encode_to(&mut data);
	}
	RawCall::new("Sudo", "sudo", RawFields(data))
}

/// The last 60 lines of the node's log from the bridge (its indexer and offchain worker),
/// warnings and errors.
fn bridge_log(node: &strikeline_e2e::Node) -> String {
	let log = std::fs::read_to_string(node.log_path()).unwrap_or_default();
	let lines: Vec<&str> = log
		.lines()
		.filter(|l| l.contains("bridge") || l.contains("WARN") || l.contains("ERROR"))
		.collect();
	lines[lines.len().saturating_sub(60)..].join("\n")
}

/// Ledger leaves: (account, its change).
type Leaves = Vec<([u8; 32], LedgerChange)>;

/// The whole ledger at block `at` (a hash), paged through `BridgeApi::ledger_leaves`.
async fn ledger_at(port: u16, at: &str) -> Result<Leaves> {
	let mut leaves = Vec::new();
	let mut start = Vec::new();
	loop {
		let (page, next): (Leaves, Option<Vec<u8>>) =
			bridge_api(port, "ledger_leaves", (start, 2_000u32).encode(), Some(at)).await?;
		leaves.extend(page);
		match next {
			Some(k) => start = k,
			None => return Ok(leaves),
		}
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_load_epochs_close_on_schedule_with_5000_accounts() -> Result<()> {
	let (mut node, api, genesis) =
		clearing::dev_node_with("ledger-load", &["-lbridge=debug"]).await?;
	let port = node.rpc_port;
	let alice = dev::alice();
	// Commitments are signed only once an Ethereum deployment is registered: the digest
	// binds its chain id and anchor.
	submit_finalized(&api, &bridge::sudo_set_ethereum(31_337, [0x77; 20]), &alice).await?;

	// A BTC call a day out, priced; 5,000 traders funded and deposited.
	let now = chain_now_ms(&api).await?;
	let expiry_ms = next_expiry(now, 86_400_000);
	let series = create_btc_call(&api, &alice, expiry_ms, 100_000 * USD, 1_000).await?;
	submit_finalized(&api, &feed(BTC, 100_000 * USD, &[(expiry_ms, 500_000)], now), &alice).await?;
	let traders: Vec<Keypair> = (0..ACCOUNTS)
		.map(|i| {
			let uri: SecretUri = format!("//Load{i}").parse().expect("a valid URI");
			Keypair::from_uri(&uri).expect("derivable")
		})
		.collect();
	// 100 traders an extrinsic (one a block: about half a block's weight), all submitted at
	// once, without watches; each batch's outcome is its `Sudid` event.
	let from = node.best_number().await?;
	let nonce = strikeline_e2e::next_nonce(port, &alice).await?;
	let chunks = traders.chunks(100);
	let batches = chunks.len();
	for (chunk, n) in chunks.zip(nonce..) {
		let call = fund_and_deposit(&alice, chunk, 1_000_000_000_000, 150 * USD, 140 * USD);
		submit_unwatched(&api, &call, &alice, n).await?;
	}
	let mut scanner = Scanner::new(from);
	let sudid = scanner
		.until(&api, &node, "the funding batches", |s| s.count("Sudo", "Sudid") >= batches)
		.await?;
	// `Sudid { sudo_result }`: the batch's own result (0 is `Ok`).
	let failed = sudid.events("Sudo", "Sudid").filter(|f| f.first() != Some(&0)).count();
	anyhow::ensure!(failed == 0, "{failed} funding batches failed");
	println!("{ACCOUNTS} traders funded and deposited by block {}", node.best_number().await?);
	for t in [&traders[0], &traders[ACCOUNTS - 1]] {
		assert_eq!(margin_collateral(&api, t).await?, (140 * USD) as i128);
	}

	// Every trader rests one large ask (signed once); partners (2i, 2i + 1) take each
	// other's ask in turn, one contract, so positions stay within one.
	let ask = |who: &Keypair| {
		let o = Order {
			account: who.public_key().0,
			series,
			side: Side::Sell,
			limit_price: 10 * USD,
			quantity: u64::MAX / 2,
			nonce: 0,
			expiry_ms: u64::MAX,
		};
		clearing::sign(&genesis, o, who)
	};
	let asks: Vec<SignedOrder> = traders.iter().map(ask).collect();
	let mut batches = Vec::new();
	for round in 0..ROUNDS {
		let mut fills = Vec::new();
		for pair in 0..ACCOUNTS / 2 {
			let (maker, taker) =
				if round % 2 == 0 { (2 * pair, 2 * pair + 1) } else { (2 * pair + 1, 2 * pair) };
			let bid = Order {
				account: traders[taker].public_key().0,
				series,
				side: Side::Buy,
				limit_price: 10 * USD,
				quantity: 1,
				nonce: round + 1,
				expiry_ms: u64::MAX,
			};
			fills.push(Fill {
				maker: asks[maker].clone(),
				taker: clearing::sign(&genesis, bid, &traders[taker]),
				price: 10 * USD,
				quantity: 1,
			});
		}
		batches.extend(fills.chunks(BATCH).map(|c| c.to_vec()));
	}

	let first_block = node.best_number().await?;
	let mut nonce = strikeline_e2e::next_nonce(port, &alice).await?;
	let mut scanner = Scanner::new(first_block);
	let mut submitted: usize = 0;
	println!("{} batches signed", batches.len());
	for (i, fills) in batches.iter().enumerate() {
		// A fresh price every 40 batches (about 10 s; prices go stale after 120 s).
		if i % 40 == 0 {
			let now = chain_now_ms(&api).await?;
			let call = feed(BTC, 100_000 * USD, &[(expiry_ms, 500_000)], now);
			submit_unwatched(&api, &call, &alice, nonce).await?;
			nonce += 1;
		}
		// At most IN_FLIGHT batches not yet finalized.
		let limit = submitted.saturating_sub(IN_FLIGHT * BATCH);
		scanner
			.until(&api, &node, "settled fills", |s| s.count("Options", "Traded") >= limit)
			.await?;
		submit_unwatched(&api, &settle_fills(fills, 1), &alice, nonce).await?;
		nonce += 1;
		submitted += fills.len();
	}
	scanner
		.until(&api, &node, "every fill settled", |s| s.count("Options", "Traded") >= submitted)
		.await?;
	let settled = scanner.count("Options", "Traded");
	anyhow::ensure!(settled == submitted, "{settled} of {submitted} fills settled");
	let failed = scanner.count("System", "ExtrinsicFailed");
	anyhow::ensure!(failed == 0, "{failed} extrinsics failed");
	let last_block = node.best_number().await?;
	println!("{settled} fills in blocks {first_block}..={last_block}");

	// The epochs wholly inside the load, and the one that straddles its end.
	let first_epoch = first_block / EPOCH_BLOCKS + 2;
	let last_epoch = last_block / EPOCH_BLOCKS + 1;
	node.wait_for("the last epoch closed", Duration::from_secs(30), |b, f| {
		b >= last_epoch * EPOCH_BLOCKS && f >= last_epoch * EPOCH_BLOCKS
	})
	.await?;
	let mut full_epochs = 0;
	for epoch in first_epoch..=last_epoch {
		let at = node.block_hash(epoch * EPOCH_BLOCKS).await?.ok_or(anyhow!("no block"))?;
		let closed: Option<u32> = {
			let c: Option<strikeline_primitives::bridge::Commitment> =
				bridge_api(port, "closed_commitment", epoch.encode(), Some(&at)).await?;
			c.map(|c| c.block_number as u32 + 1)
		};
		assert_eq!(closed, Some((epoch * EPOCH_BLOCKS) as u32), "epoch {epoch} closed late");
		let changes: Option<Vec<([u8; 32], LedgerChange)>> =
			bridge_api(port, "ledger_changes", epoch.encode(), Some(&at)).await?;
		let changes = changes.ok_or(anyhow!("epoch {epoch}'s changes"))?;
		if changes.len() >= ACCOUNTS {
			full_epochs += 1;
		}
		let c = match bridge::commitment(port, epoch).await {
			Ok(c) => c,
			Err(e) => {
				let mut fixed = Vec::new();
				for e in 1..=epoch {
					let c: Option<strikeline_primitives::bridge::Commitment> =
						bridge_api(port, "commitment", e.encode(), None).await?;
					fixed.push((e, c.is_some()));
				}
				anyhow::bail!(
					"{e}\nfixed: {fixed:?}\nthe node's bridge log:\n{}",
					bridge_log(&node)
				)
			}
		};
		let last_of_epoch =
			node.block_hash(c.block_number).await?.ok_or(anyhow!("no block {}", c.block_number))?;
		let from_state = LedgerTree::from_leaves(epoch, &ledger_at(port, &last_of_epoch).await?)
			.map_err(|e| anyhow!("{e:?}"))?
			.root();
		assert_eq!(c.ledger_root, from_state, "epoch {epoch}: the fixed root is not the ledger's");
		assert_eq!(bridge::ledger_root(port, epoch).await?, from_state);
		println!(
			"epoch {epoch}: {} accounts changed, closed at its boundary, root fixed",
			changes.len()
		);
	}
	assert!(full_epochs >= 2, "only {full_epochs} epochs changed every account");
	Ok(())
}

/// The events of the finalized blocks from a starting block on, read as they finalize.
struct Scanner {
	next: u64,
	events: Vec<BlockEvent>,
}

impl Scanner {
	fn new(from: u64) -> Self {
		Self { next: from, events: Vec::new() }
	}

	/// How many `pallet::event` events were seen.
	fn count(&self, pallet: &str, event: &str) -> usize {
		self.events(pallet, event).count()
	}

	/// The fields of every `pallet::event` event seen.
	fn events<'a>(&'a self, pallet: &'a str, event: &'a str) -> impl Iterator<Item = &'a [u8]> {
		self.events
			.iter()
			.filter(move |(_, p, e, _)| p == pallet && e == event)
			.map(|(_, _, _, f)| f.as_slice())
	}

	/// Reads newly finalized blocks until `done` holds; fails after 60 s without a new
	/// finalized block.
	async fn until(
		&mut self,
		api: &subxt::OnlineClient<PolkadotConfig>,
		node: &Node,
		what: &str,
		done: impl Fn(&Self) -> bool,
	) -> Result<&Self> {
		let mut last_progress = std::time::Instant::now();
		while !done(self) {
			let finalized = node.finalized_number().await?;
			if finalized >= self.next {
				let pallets = ["Sudo", "Options", "System"];
				self.events.extend(events_between(api, self.next, finalized, &pallets).await?);
				self.next = finalized + 1;
				last_progress = std::time::Instant::now();
			} else if last_progress.elapsed() > Duration::from_secs(60) {
				anyhow::bail!("{what}: no block finalized for 60 s\n{}", node.log_tail(30));
			} else {
				tokio::time::sleep(Duration::from_millis(200)).await;
			}
		}
		Ok(self)
	}
}
