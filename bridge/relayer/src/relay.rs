//! The relay loop (see the crate docs).

use crate::{
	anchor::{ISettlementAnchor, Submission},
	chain::Chain,
	metrics::Metrics,
};
use alloy::{
	network::EthereumWallet,
	primitives::{Address, Bytes},
	providers::{DynProvider, Provider, ProviderBuilder},
	signers::local::PrivateKeySigner,
};
use anyhow::{Context, Result};
use std::{
	sync::{atomic::Ordering::Relaxed, Arc},
	time::{Duration, Instant},
};

/// What a relayer needs.
#[derive(Clone, Debug)]
pub struct Config {
	/// Strikeline node JSON-RPC (`ws://...`).
	pub node_url: String,
	/// Ethereum JSON-RPC (`http://...`).
	pub eth_url: String,
	/// The settlement anchor contract.
	pub anchor: Address,
	/// The key that signs and pays for `submit` transactions.
	pub key: PrivateKeySigner,
	/// This relayer's turn among `count` relayers: it submits the epochs `e` with
	/// `e % count == index` at once.
	pub index: u64,
	/// How many relayers share the work.
	pub count: u64,
	/// How long a relayer waits before taking over an epoch that is not its turn.
	pub takeover: Duration,
	/// Pause between polls when there is nothing to do or after an error.
	pub poll: Duration,
}

/// What one step of the loop did.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
	/// Nothing to do yet (the anchor is up to date, the next epoch is not attested or not
	/// this relayer's turn, or one of its transactions is pending).
	Idle,
	/// Epoch `0` was accepted with this relayer's transaction.
	Relayed(u64),
	/// Epoch `0` was found accepted already (another relayer).
	Taken(u64),
}

/// A relayer.
pub struct Relayer {
	config: Config,
	eth: DynProvider,
	anchor: ISettlementAnchor::ISettlementAnchorInstance<DynProvider>,
	chain: Option<Chain>,
	metrics: Arc<Metrics>,
	/// The highest epoch seen attested, and when it was first seen.
	seen: Option<(u64, Instant)>,
}

impl Relayer {
	/// A relayer with `config`, reporting to `metrics`.
	pub fn new(config: Config, metrics: Arc<Metrics>) -> Result<Relayer> {
		let url = config.eth_url.parse().context("Ethereum endpoint URL")?;
		let eth = ProviderBuilder::new()
			.wallet(EthereumWallet::from(config.key.clone()))
			.connect_http(url)
			.erased();
		let anchor = ISettlementAnchor::new(config.anchor, eth.clone());
		Ok(Relayer { config, eth, anchor, chain: None, metrics, seen: None })
	}

	/// Runs until the process is stopped; errors (an endpoint down, a bad proof) are logged
	/// and retried after a pause, reconnecting to the node.
	pub async fn run(mut self) {
		loop {
			match self.step().await {
				Ok(Step::Idle) => tokio::time::sleep(self.config.poll).await,
				Ok(_) => {}
				Err(e) => {
					Metrics::add(&self.metrics.errors, 1);
					log::warn!("relay step failed: {e:#}");
					self.chain = None;
					tokio::time::sleep(self.config.poll).await;
				}
			}
		}
	}

	/// One step: relays the next epoch if it is attested and this relayer's to relay.
	pub async fn step(&mut self) -> Result<Step> {
		if self.chain.is_none() {
			self.chain = Some(Chain::connect(&self.config.node_url).await?);
		}
		let chain = self.chain.as_ref().expect("connected just above");
		let finalized = chain.finalized().await?;
		let closed = chain.last_epoch(&finalized).await?;
		self.metrics.finalized_epoch.store(closed, Relaxed);
		let anchored = self.anchor.lastEpoch().call().await.context("anchor lastEpoch")?;
		self.metrics.anchored_epoch.store(anchored, Relaxed);
		if anchored >= closed {
			return Ok(Step::Idle);
		}
		let epoch = anchored + 1;
		let Some(attested) = chain.attested(&finalized, epoch).await? else {
			return Ok(Step::Idle);
		};
		let first_seen = match self.seen {
			Some((e, at)) if e == epoch => at,
			_ => {
				Metrics::add(&self.metrics.commitments_seen, 1);
				log::info!(
					"epoch {epoch}: attested by {}/{} validators at finalized block #{}; anchor at epoch {anchored}",
					attested.signatures.len(),
					attested.validators.len(),
					finalized.number
				);
				let now = Instant::now();
				self.seen = Some((epoch, now));
				now
			}
		};
		let count = self.config.count.max(1);
		if epoch % count != self.config.index % count && first_seen.elapsed() < self.config.takeover
		{
			return Ok(Step::Idle);
		}
		let me = self.config.key.address();
		let pending = self.eth.get_transaction_count(me).pending().await?;
		let mined = self.eth.get_transaction_count(me).latest().await?;
		if pending > mined {
			log::info!("epoch {epoch}: waiting for this relayer's pending transaction");
			return Ok(Step::Idle);
		}
		let s = Submission::from(&attested);
		let call = self.anchor.submit(
			s.commitment,
			s.validators,
			s.signers,
			s.signatures,
			s.next_validators,
			Bytes::new(),
		);
		if let Err(e) = call.call().await {
			use ISettlementAnchor::ISettlementAnchorErrors as E;
			let decoded = e.as_decoded_interface_error::<E>();
			if let Some(E::WrongEpoch(w)) = &decoded {
				if w.expected > epoch {
					Metrics::add(&self.metrics.commitments_taken, 1);
					log::info!("epoch {epoch}: already accepted (another relayer)");
					return Ok(Step::Taken(epoch));
				}
			}
			return Err(anyhow::anyhow!(
				"epoch {epoch}: the anchor would reject it: {decoded:?} {e}"
			));
		}
		let sent = call.send().await.context("send submit")?;
		Metrics::add(&self.metrics.commitments_submitted, 1);
		log::info!("epoch {epoch}: submitted in {}", sent.tx_hash());
		let receipt = sent.get_receipt().await.context("submit receipt")?;
		Metrics::add(&self.metrics.gas_used, receipt.gas_used);
		let fee_wei = u128::from(receipt.gas_used).saturating_mul(receipt.effective_gas_price);
		Metrics::add(&self.metrics.fees_gwei, (fee_wei / 1_000_000_000) as u64);
		if receipt.status() {
			Metrics::add(&self.metrics.commitments_confirmed, 1);
			self.metrics.anchored_epoch.store(epoch, Relaxed);
			log::info!(
				"epoch {epoch}: accepted in Ethereum block {:?}, gas {}",
				receipt.block_number,
				receipt.gas_used
			);
			Ok(Step::Relayed(epoch))
		} else {
			Metrics::add(&self.metrics.commitments_reverted, 1);
			log::warn!("epoch {epoch}: transaction {} reverted", receipt.transaction_hash);
			Ok(Step::Idle)
		}
	}
}
