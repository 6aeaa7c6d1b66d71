//! The node's ledger tree: built from the settlement bridge's closed epochs at finality, the
//! root its validator signs, and the proofs the `bridge_ledger*` RPC methods serve.
//!
//! The runtime keeps each epoch's ledger changes, not a tree (the bridge pallet's docs say
//! why). On every finality notification the indexer applies the changes of each epoch closed
//! since its tree's epoch ([`LedgerTree::apply`]), stores them in the node's offchain database
//! (so a restart replays them without the chain, whose copy is pruned after a retention), and
//! writes the epoch's root where the offchain worker signs it from
//! ([`bridge::ledger_root_key`]). Only finalized epochs are applied, so a validator never signs
//! the root of an epoch a fork could still change. A node that finds its next epoch's changes
//! pruned (it was offline for longer than the retention, or is new) builds its tree from the
//! whole ledger at the last closed epoch's last block instead (`BridgeApi::ledger_leaves`),
//! and keeps that as its base.
//!
//! Memory: the tree keeps every non-empty node, about 33 hashes per account at first and
//! fewer as paths share ancestors: some 100 MB per million accounts.

use codec::{Decode, Encode};
use futures::StreamExt;
use polkadot_sdk::{
	sc_client_api::BlockchainEvents,
	sp_api::ProvideRuntimeApi,
	sp_blockchain::HeaderBackend,
	sp_core::offchain::{OffchainStorage, STORAGE_PREFIX},
};
use std::sync::{Arc, RwLock};
use strikeline_primitives::{
	api::{BridgeApi, LedgerProof},
	bridge::{self, Hash, LedgerChange, LedgerTree},
};
use strikeline_runtime::opaque::Block;

/// One epoch's changes as the offchain database keeps them.
type Changes = Vec<([u8; 32], LedgerChange)>;

/// Offchain key of epoch `epoch`'s changes as the indexer applied them.
fn changes_key(epoch: u64) -> Vec<u8> {
	let mut k = b"strikeline::node::ledger_changes::".to_vec();
	k.extend_from_slice(&epoch.to_be_bytes());
	k
}

/// Offchain key of the whole-ledger base the tree was built from, if it was (`(epoch,
/// leaves)`): epochs up to it are not replayable.
const BASE_KEY: &[u8] = b"strikeline::node::ledger_base";

/// Leaves per `ledger_leaves` call when building a base.
const LEAVES_PAGE: u32 = 2_000;

/// The node's ledger tree and where its history is kept.
pub struct LedgerIndex<S> {
	tree: RwLock<LedgerTree>,
	db: S,
}

/// What the RPC needs of the ledger index.
pub trait LedgerSource: Send + Sync {
	/// The last epoch applied.
	fn epoch(&self) -> u64;
	/// Epoch `epoch`'s root, if applied.
	fn root(&self, epoch: u64) -> Option<Hash>;
	/// `account`'s leaf and proof against epoch `epoch`'s root (the last applied one if
	/// `None`), with that epoch; `Ok(None)` if the account has no leaf then.
	fn proof(
		&self,
		account: &[u8; 32],
		epoch: Option<u64>,
	) -> Result<Option<(u64, LedgerProof)>, String>;
}

impl<S: OffchainStorage> LedgerIndex<S> {
	/// The tree replayed from the offchain database (its base, then every stored epoch).
	pub fn load(db: S) -> Self {
		let tree = replay(&db, None).unwrap_or_default();
		if tree.epoch() > 0 {
			log::info!(target: "bridge", "ledger tree replayed to epoch {}: {} accounts", tree.epoch(), tree.len());
		}
		LedgerIndex { tree: RwLock::new(tree), db }
	}

	fn get<T: Decode>(&self, key: &[u8]) -> Option<T> {
		self.db.get(STORAGE_PREFIX, key).and_then(|v| T::decode(&mut &v[..]).ok())
	}

	fn set(&self, key: &[u8], value: &impl Encode) {
		self.db.clone().set(STORAGE_PREFIX, key, &value.encode());
	}

	/// Applies every epoch closed as of finalized block `at`.
	fn index<C>(&self, client: &C, at: <Block as polkadot_sdk::sp_runtime::traits::Block>::Hash)
	where
		C: ProvideRuntimeApi<Block> + HeaderBackend<Block>,
		C::Api: BridgeApi<Block, strikeline_runtime::AccountId>,
	{
		let api = client.runtime_api();
		let Ok(last_closed) = api.last_closed(at) else { return };
		loop {
			let epoch = self.epoch() + 1;
			if epoch > last_closed {
				return;
			}
			let changes = match api.ledger_changes(at, epoch) {
				Ok(Some(changes)) => changes,
				Ok(None) => {
					log::warn!(target: "bridge", "epoch {epoch}'s ledger changes are pruned: building the tree from the ledger at epoch {last_closed}");
					if let Err(e) = self.build_base(client, at, last_closed) {
						log::error!(target: "bridge", "cannot build the ledger tree: {e}");
					}
					return;
				}
				Err(e) => {
					log::debug!(target: "bridge", "ledger changes of epoch {epoch}: {e}");
					return;
				}
			};
			let root = {
				let mut tree = self.tree.write().expect("no writer panics while holding the lock");
				match tree.apply(epoch, &changes) {
					Ok(root) => root,
					Err(e) => {
						log::error!(target: "bridge", "epoch {epoch}'s ledger changes refused: {e:?}");
						return;
					}
				}
			};
			self.set(&changes_key(epoch), &changes);
			self.set(&bridge::ledger_root_key(epoch), &root);
			if let Ok(Some(c)) = api.commitment(at, epoch) {
				if c.ledger_root != root {
					log::error!(target: "bridge", "epoch {epoch}: the fixed ledger root 0x{} is not this node's 0x{}", hex::encode(c.ledger_root), hex::encode(root));
				}
			}
			log::debug!(target: "bridge", "epoch {epoch}: {} ledger changes, root 0x{}", changes.len(), hex::encode(root));
		}
	}

	/// Builds the tree from the whole ledger at closed epoch `epoch`'s last block and keeps it
	/// as the base.
	fn build_base<C>(
		&self,
		client: &C,
		at: <Block as polkadot_sdk::sp_runtime::traits::Block>::Hash,
		epoch: u64,
	) -> Result<(), String>
	where
		C: ProvideRuntimeApi<Block> + HeaderBackend<Block>,
		C::Api: BridgeApi<Block, strikeline_runtime::AccountId>,
	{
		let api = client.runtime_api();
		let c = api
			.closed_commitment(at, epoch)
			.map_err(|e| e.to_string())?
			.ok_or("no commitment of the last closed epoch")?;
		let last_block = client
			.hash(c.block_number as u32)
			.map_err(|e| e.to_string())?
			.ok_or("no hash of the epoch's last block")?;
		let mut leaves = Vec::new();
		let mut start = Vec::new();
		loop {
			let (page, next) =
				api.ledger_leaves(last_block, start, LEAVES_PAGE).map_err(|e| e.to_string())?;
			leaves.extend(page);
			match next {
				Some(key) => start = key,
				None => break,
			}
		}
		let tree = LedgerTree::from_leaves(epoch, &leaves).map_err(|e| format!("{e:?}"))?;
		let root = tree.root();
		self.set(BASE_KEY, &(epoch, leaves));
		self.set(&bridge::ledger_root_key(epoch), &root);
		*self.tree.write().expect("no writer panics while holding the lock") = tree;
		log::info!(target: "bridge", "ledger tree built at epoch {epoch}, root 0x{}", hex::encode(root));
		Ok(())
	}
}

/// The tree replayed from `db` up to `through` (all stored epochs if `None`).
fn replay<S: OffchainStorage>(db: &S, through: Option<u64>) -> Option<LedgerTree> {
	let get = |key: &[u8]| db.get(STORAGE_PREFIX, key);
	let mut tree = match get(BASE_KEY).and_then(|v| <(u64, Changes)>::decode(&mut &v[..]).ok()) {
		Some((epoch, leaves)) if through.is_none_or(|t| t >= epoch) => {
			LedgerTree::from_leaves(epoch, &leaves).ok()?
		}
		Some(_) => return None,
		None => LedgerTree::default(),
	};
	while through.is_none_or(|t| tree.epoch() < t) {
		let epoch = tree.epoch() + 1;
		let Some(changes) =
			get(&changes_key(epoch)).and_then(|v| Changes::decode(&mut &v[..]).ok())
		else {
			break;
		};
		tree.apply(epoch, &changes).ok()?;
	}
	through.is_none_or(|t| tree.epoch() == t).then_some(tree)
}

impl<S: OffchainStorage> LedgerSource for LedgerIndex<S> {
	fn epoch(&self) -> u64 {
		self.tree.read().expect("no writer panics while holding the lock").epoch()
	}

	fn root(&self, epoch: u64) -> Option<Hash> {
		self.get(&bridge::ledger_root_key(epoch))
	}

	fn proof(
		&self,
		account: &[u8; 32],
		epoch: Option<u64>,
	) -> Result<Option<(u64, LedgerProof)>, String> {
		let tree = self.tree.read().expect("no writer panics while holding the lock");
		let current = tree.epoch();
		match epoch {
			None => Ok(tree.proof(account).map(|p| (current, p))),
			Some(e) if e == current => Ok(tree.proof(account).map(|p| (e, p))),
			Some(e) if e == 0 || e > current => Err(format!(
				"epoch {e} is not indexed (this node's ledger tree is at epoch {current})"
			)),
			Some(e) => {
				drop(tree);
				let old = replay(&self.db, Some(e))
					.ok_or(format!("epoch {e} is before this node's ledger history"))?;
				Ok(old.proof(account).map(|p| (e, p)))
			}
		}
	}
}

/// Keeps `index` at the finalized chain's last closed epoch (a task for the node's lifetime).
pub async fn run<C, S>(client: Arc<C>, index: Arc<LedgerIndex<S>>)
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + BlockchainEvents<Block>,
	C::Api: BridgeApi<Block, strikeline_runtime::AccountId>,
	S: OffchainStorage,
{
	index.index(&*client, client.info().finalized_hash);
	let mut finality = client.finality_notification_stream();
	while let Some(notification) = finality.next().await {
		index.index(&*client, notification.hash);
	}
}
