//! The validators' offchain worker: it signs commitments (the next pending one with the
//! ledger root its node computed), and it watches the vault's deposits on Ethereum and votes
//! for them.
//!
//! ## Deposits
//!
//! Each validator node is configured with an Ethereum JSON-RPC endpoint and a confirmation
//! depth ([`bridge::EthWatchConfig`], written by the node from `--bridge-eth-rpc` and
//! `--bridge-eth-confirmations` into its offchain storage). Every block, under a lock so that
//! runs never overlap, the worker:
//!
//! 1. asks the endpoint for its last final block: the `finalized` block tag, where the
//!    endpoint serves it; otherwise its head minus the confirmation depth. It fetches the
//!    vault's `Deposited` logs from the block after the last one it scanned up to that one (at
//!    most [`MAX_BLOCK_RANGE`] blocks per run), and keeps them in its per-node pending list
//!    (at most [`MAX_PENDING`]; when full, it stops scanning until deposits are credited). A
//!    log it cannot use (not the vault's event, malformed, a zero amount or one above
//!    `u128`, which the vault refuses anyway) is skipped with a warning and counted
//!    ([`skipped_logs`]): the cursor moves past it, so one bad log never stalls the watcher;
//! 2. drops the pending deposits that are credited as of the node's *finalized* block (the
//!    node writes that count, [`bridge::FINALIZED_DEPOSITS_KEY`]; a credit on a block that a
//!    fork may still revert does not count), and for each other one that the chain takes
//!    votes for, signs [`bridge::deposit_vote_hash`] with every local validator key that has
//!    not voted for it yet and submits [`Pallet::vote_deposit`] unsigned. A vote that does not
//!    make it into a block is submitted again on a later block: nothing is lost while the
//!    deposit is pending.
//!
//! An endpoint that is down or answers garbage only delays the votes: the scan cursor moves
//! only past logs it has looked at.

use super::*;
use alloc::format;
use codec::Decode;
use polkadot_sdk::sp_core::hexdisplay::HexDisplay;
use polkadot_sdk::sp_io::crypto;
use polkadot_sdk::sp_runtime::offchain::{
	http,
	storage::StorageValueRef,
	storage_lock::{StorageLock, Time},
	Duration,
};

/// Per-node offchain storage: the last Ethereum block scanned for deposits.
const SCANNED_KEY: &[u8] = b"strikeline::bridge::eth_scanned";
/// Per-node offchain storage: deposits seen and not yet credited.
const PENDING_KEY: &[u8] = b"strikeline::bridge::eth_pending";
/// Per-node offchain storage: the lock that keeps deposit scans from overlapping.
const LOCK_KEY: &[u8] = b"strikeline::bridge::eth_lock";
/// Per-node offchain storage: how many vault logs the watcher skipped as unusable.
const SKIPPED_KEY: &[u8] = b"strikeline::bridge::eth_skipped";
/// Ethereum blocks scanned per run at most.
pub const MAX_BLOCK_RANGE: u64 = 1_000;
/// Deposits a node keeps pending at most.
pub const MAX_PENDING: usize = 256;
/// Time limit of one JSON-RPC request.
const HTTP_TIMEOUT_MS: u64 = 2_000;
/// How long a scan may hold the lock.
const LOCK_MS: u64 = 10_000;

/// A local bridge key and its Ethereum address.
pub(crate) type LocalKey = (EthAddress, polkadot_sdk::sp_core::ecdsa::Public);

/// How many vault logs this node's watcher skipped as unusable (reported in its log too).
pub fn skipped_logs() -> u64 {
	StorageValueRef::persistent(SKIPPED_KEY).get::<u64>().ok().flatten().unwrap_or(0)
}

impl<T: Config> Pallet<T> {
	/// This node's bridge keys with their Ethereum addresses (the keystore gives compressed
	/// keys: each address comes from one probe signature, once per run).
	pub(crate) fn local_keys() -> Vec<LocalKey> {
		const PROBE: Hash = [7u8; 32];
		crypto::ecdsa_public_keys(crate::crypto::KEY_TYPE)
			.into_iter()
			.filter_map(|key| {
				let sig = crypto::ecdsa_sign_prehashed(crate::crypto::KEY_TYPE, &key, &PROBE)?;
				let public = crypto::secp256k1_ecdsa_recover(&sig.0, &PROBE).ok()?;
				Some((eth_address(&public), key))
			})
			.collect()
	}

	/// Signs `hash` with each of `keys` that is in `set` under an index `done` does not
	/// accept; yields the index and the signature.
	fn sign_as(
		keys: &[LocalKey],
		set: &[EthAddress],
		hash: &Hash,
		done: impl Fn(u32) -> bool,
	) -> Vec<(u32, [u8; 65])> {
		keys.iter()
			.filter_map(|(address, key)| {
				let i = set.iter().position(|a| a == address)? as u32;
				if done(i) {
					return None;
				}
				let sig = crypto::ecdsa_sign_prehashed(crate::crypto::KEY_TYPE, key, hash)?;
				Some((i, sig.0))
			})
			.collect()
	}

	/// Submits `call` as an unsigned transaction.
	fn submit_unsigned(call: Call<T>) -> bool {
		let xt = <T as frame_system::offchain::CreateBare<Call<T>>>::create_bare(call.into());
		frame_system::offchain::SubmitTransaction::<T, Call<T>>::submit_transaction(xt).is_ok()
	}

	/// Each local key in an epoch's validator set signs the next pending epoch's commitment
	/// with the ledger root this node computed for it (once its ledger indexer wrote it,
	/// [`bridge::ledger_root_key`]), and the last few fixed epochs that are not attested and
	/// that it has not signed; each signature goes in an unsigned transaction.
	pub(crate) fn sign_commitments(keys: &[LocalKey]) {
		let last = LastEpoch::<T>::get();
		let next = last.saturating_add(1);
		if PendingCommitments::<T>::contains_key(next) {
			let key = bridge::ledger_root_key(next);
			if let Ok(Some(root)) = StorageValueRef::persistent(&key).get::<Hash>() {
				if let Ok(c) = Self::candidate(next, root) {
					let voted = |i| RootVotes::<T>::contains_key(next, i);
					Self::sign_and_submit(keys, &c, voted);
				}
			}
		}
		for epoch in last.saturating_sub(SIGN_BACK_EPOCHS - 1).max(1)..=last {
			if Attested::<T>::contains_key(epoch) {
				continue;
			}
			let Some(c) = Commitments::<T>::get(epoch) else { continue };
			Self::sign_and_submit(keys, &c, |i| Signatures::<T>::contains_key(epoch, i));
		}
	}

	/// Signs commitment `c` with each local key of its set that `done` does not exclude, and
	/// submits the signatures.
	fn sign_and_submit(keys: &[LocalKey], c: &Commitment, done: impl Fn(u32) -> bool) {
		let Some(digest) = Self::commitment_digest(c) else { return };
		let set = ValidatorSets::<T>::get(c.validator_set_id).unwrap_or_default();
		let (epoch, ledger_root) = (c.epoch, c.ledger_root);
		for (validator, signature) in Self::sign_as(keys, &set, &digest, done) {
			let call = Call::submit_signature { epoch, ledger_root, validator, signature };
			if !Self::submit_unsigned(call) {
				log::debug!(target: "bridge", "signature for epoch {epoch} not submitted");
			}
		}
	}

	/// Scans the vault's deposits on the node's Ethereum endpoint and votes for those not
	/// credited yet (see the module docs).
	pub(crate) fn watch_deposits(keys: &[LocalKey]) {
		let Some(vault) = Ethereum::<T>::get().map(|e| e.vault) else { return };
		let Ok(Some(config)) = StorageValueRef::persistent(bridge::ETH_WATCH_CONFIG_KEY)
			.get::<bridge::EthWatchConfig>()
		else {
			return;
		};
		let mut lock = StorageLock::<Time>::with_deadline(LOCK_KEY, Duration::from_millis(LOCK_MS));
		let Ok(_guard) = lock.try_lock() else { return };
		let pending_ref = StorageValueRef::persistent(PENDING_KEY);
		let mut pending: Vec<bridge::Deposit> =
			pending_ref.get().ok().flatten().unwrap_or_default();
		if let Err(e) = Self::scan_deposits(&config, &vault, &mut pending) {
			log::warn!(target: "bridge", "deposit scan: {e}");
		}
		// Only credits as of the node's finalized block drop a deposit: a fork may revert the
		// best chain's.
		let finalized = match StorageValueRef::persistent(bridge::FINALIZED_DEPOSITS_KEY)
			.get::<(EthAddress, u64)>()
		{
			Ok(Some((v, n))) if v == vault => n,
			_ => 0,
		};
		pending.retain(|d| d.id >= finalized);
		let next = DepositsCredited::<T>::get(vault);
		let window_end = next.saturating_add(T::DepositWindow::get() as u64);
		let set_id = ValidatorSetId::<T>::get();
		let set = Self::current_set();
		let chain_id = ChainId::<T>::get();
		for d in pending.iter() {
			if d.id < next
				|| d.id >= window_end
				|| ApprovedDeposits::<T>::contains_key((vault, d.id))
			{
				continue;
			}
			let Ok(who) = T::AccountId::decode(&mut &d.account[..]) else { continue };
			let hash = bridge::deposit_vote_hash(chain_id, &vault, d);
			let (voted_set, bits) = DepositVotes::<T>::get((vault, d.id), hash);
			let voted = |i: u32| voted_set == set_id && bits & (1u128 << i) != 0;
			for (validator, signature) in Self::sign_as(keys, &set, &hash, voted) {
				let call = Call::vote_deposit {
					deposit_id: d.id,
					who: who.clone(),
					from: d.from,
					amount: d.amount,
					validator,
					signature,
				};
				if !Self::submit_unsigned(call) {
					log::debug!(target: "bridge", "vote for deposit {} not submitted", d.id);
				}
			}
		}
		pending_ref.set(&pending);
	}

	/// The endpoint's last block a deposit may be taken from: its `finalized` block where it
	/// serves the tag, else its head minus the confirmation depth (`None`: not that deep yet).
	fn final_block(url: &str, confirmations: u64) -> Result<Option<u64>, &'static str> {
		if let Ok(block) = eth_rpc(url, "eth_getBlockByNumber", r#"["finalized",false]"#) {
			if let Some(n) = block.get("number").and_then(|n| n.as_str()).and_then(parse_quantity) {
				return Ok(Some(n));
			}
		}
		let head = eth_rpc(url, "eth_blockNumber", "[]")?;
		let head = head.as_str().and_then(parse_quantity).ok_or("bad eth_blockNumber")?;
		Ok(head.checked_sub(confirmations))
	}

	/// Fetches the vault's final `Deposited` logs after the last scanned block into
	/// `pending`, skipping (and counting) the unusable ones, and moves the cursor past them.
	fn scan_deposits(
		config: &bridge::EthWatchConfig,
		vault: &EthAddress,
		pending: &mut Vec<bridge::Deposit>,
	) -> Result<(), &'static str> {
		if pending.len() >= MAX_PENDING {
			return Err("pending list full");
		}
		let url = core::str::from_utf8(&config.rpc_url).map_err(|_| "endpoint is not UTF-8")?;
		let Some(safe) = Self::final_block(url, config.confirmations)? else { return Ok(()) };
		let scanned_ref = StorageValueRef::persistent(SCANNED_KEY);
		let from = match scanned_ref.get::<u64>() {
			Ok(Some(b)) => b.saturating_add(1),
			_ => config.from_block,
		};
		let to = safe.min(from.saturating_add(MAX_BLOCK_RANGE - 1));
		if from > to {
			return Ok(());
		}
		let params = format!(
			r#"[{{"address":"0x{}","fromBlock":"0x{:x}","toBlock":"0x{:x}","topics":["0x{}"]}}]"#,
			HexDisplay::from(vault),
			from,
			to,
			HexDisplay::from(&bridge::deposited_topic()),
		);
		let logs = eth_rpc(url, "eth_getLogs", &params)?;
		let logs = logs.as_array().ok_or("eth_getLogs: not an array")?;
		// Room for every log of the range, or the range is scanned again later.
		if pending.len().saturating_add(logs.len()) > MAX_PENDING {
			return Err("pending list full");
		}
		let mut skipped = 0u64;
		for log in logs {
			match parse_deposit(log) {
				Ok(d) if !pending.contains(&d) => pending.push(d),
				Ok(_) => {}
				Err(why) => {
					skipped = skipped.saturating_add(1);
					let tx = log.get("transactionHash").and_then(|t| t.as_str()).unwrap_or("?");
					log::warn!(target: "bridge", "skipped vault log of transaction {tx}: {why}");
				}
			}
		}
		if skipped > 0 {
			StorageValueRef::persistent(SKIPPED_KEY).set(&skipped_logs().saturating_add(skipped));
		}
		scanned_ref.set(&to);
		Ok(())
	}
}

/// One JSON-RPC call; the `result`.
fn eth_rpc(url: &str, method: &str, params: &str) -> Result<serde_json::Value, &'static str> {
	let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{params}}}"#);
	let deadline =
		polkadot_sdk::sp_io::offchain::timestamp().add(Duration::from_millis(HTTP_TIMEOUT_MS));
	let pending = http::Request::post(url, alloc::vec![body.into_bytes()])
		.add_header("Content-Type", "application/json")
		.deadline(deadline)
		.send()
		.map_err(|_| "Ethereum endpoint unreachable")?;
	let response = pending
		.try_wait(deadline)
		.map_err(|_| "Ethereum endpoint timed out")?
		.map_err(|_| "Ethereum endpoint failed")?;
	if response.code != 200 {
		return Err("Ethereum endpoint returned an HTTP error");
	}
	let bytes: Vec<u8> = response.body().collect();
	let mut value: serde_json::Value =
		serde_json::from_slice(&bytes).map_err(|_| "Ethereum endpoint sent bad JSON")?;
	value.get_mut("result").map(serde_json::Value::take).ok_or("JSON-RPC error")
}

/// A `Deposited(uint64 indexed depositId, bytes32 indexed account, address indexed from,
/// uint256 amount)` log, or why it cannot be used.
pub fn parse_deposit(log: &serde_json::Value) -> Result<bridge::Deposit, &'static str> {
	let word = |v: &serde_json::Value| -> Option<[u8; 32]> {
		let b = parse_hex(v.as_str()?)?;
		b.try_into().ok()
	};
	let topics = log.get("topics").and_then(|t| t.as_array()).ok_or("no topics")?;
	if topics.len() != 4 || word(&topics[0]) != Some(bridge::deposited_topic()) {
		return Err("not a Deposited event");
	}
	let (Some(id), Some(account), Some(from)) =
		(word(&topics[1]), word(&topics[2]), word(&topics[3]))
	else {
		return Err("malformed topics");
	};
	let data = log.get("data").and_then(|d| d.as_str()).and_then(parse_hex).ok_or("bad data")?;
	if data.len() != 32 || id[..24].iter().any(|b| *b != 0) || from[..12].iter().any(|b| *b != 0) {
		return Err("malformed fields");
	}
	if data[..16].iter().any(|b| *b != 0) {
		return Err("amount above u128");
	}
	let mut id_be = [0u8; 8];
	id_be.copy_from_slice(&id[24..]);
	let mut amount_be = [0u8; 16];
	amount_be.copy_from_slice(&data[16..]);
	let mut from_address = [0u8; 20];
	from_address.copy_from_slice(&from[12..]);
	let amount = u128::from_be_bytes(amount_be);
	if amount == 0 {
		return Err("zero amount");
	}
	Ok(bridge::Deposit { id: u64::from_be_bytes(id_be), account, from: from_address, amount })
}

/// A `0x`-prefixed JSON-RPC quantity.
pub fn parse_quantity(s: &str) -> Option<u64> {
	u64::from_str_radix(s.strip_prefix("0x")?, 16).ok()
}

/// `0x`-prefixed hex bytes.
pub fn parse_hex(s: &str) -> Option<Vec<u8>> {
	let s = s.strip_prefix("0x")?;
	if s.len() % 2 != 0 {
		return None;
	}
	(0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}
