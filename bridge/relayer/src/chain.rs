//! Strikeline's side: the settlement bridge pallet's storage at the finalized head, each value
//! proven by a storage read proof checked against the header's state root.

use anyhow::{anyhow, bail, Context, Result};
use codec::Decode;
use polkadot_sdk::{
	sp_core::{Blake2Hasher, H256},
	sp_crypto_hashing::{twox_128, twox_64},
	sp_trie::{read_trie_value, LayoutV1, StorageProof},
};
use strikeline_primitives::bridge::{self, Commitment, EthAddress};
use subxt::rpcs::{rpc_params, RpcClient};

/// The settlement bridge pallet's name in the runtime.
pub const PALLET: &str = "Bridge";

/// The storage key of a plain value of the bridge pallet.
pub fn value_key(item: &str) -> Vec<u8> {
	[twox_128(PALLET.as_bytes()), twox_128(item.as_bytes())].concat()
}

/// `Twox64Concat` of a SCALE-encoded key.
fn twox64_concat(key: &[u8]) -> Vec<u8> {
	[&twox_64(key)[..], key].concat()
}

/// The storage key of a `Twox64Concat` map entry of the bridge pallet.
pub fn map_key(item: &str, key: &[u8]) -> Vec<u8> {
	[value_key(item), twox64_concat(key)].concat()
}

/// The storage key of a `Twox64Concat, Twox64Concat` double map entry of the bridge pallet.
pub fn double_map_key(item: &str, k1: &[u8], k2: &[u8]) -> Vec<u8> {
	[value_key(item), twox64_concat(k1), twox64_concat(k2)].concat()
}

/// A finalized block.
#[derive(Clone, Debug)]
pub struct Finalized {
	/// Its number.
	pub number: u64,
	/// Its hash.
	pub hash: H256,
	/// Its header's state root: every read is proven against it.
	pub state_root: H256,
}

/// An attested commitment with what the anchor needs to accept it.
#[derive(Clone, Debug)]
pub struct Attested {
	/// The commitment.
	pub commitment: Commitment,
	/// The set that signed it (the one its `validator_set_id` names).
	pub validators: Vec<EthAddress>,
	/// The next set when the commitment hands over (its `next_validator_set_hash` differs
	/// from the signing set's hash); empty otherwise.
	pub next_validators: Vec<EthAddress>,
	/// Signatures by validator index, in increasing index order: `r ++ s ++ v` (`v` 0 or 1).
	pub signatures: Vec<(u32, [u8; 65])>,
}

/// Checks `nodes` (a storage proof) against `root` and returns the value of each key
/// (`None`: proven absent). A key the proof does not cover is an error.
pub fn verify_read_proof(
	root: H256,
	nodes: Vec<Vec<u8>>,
	keys: &[Vec<u8>],
) -> Result<Vec<Option<Vec<u8>>>> {
	let db = StorageProof::new(nodes).into_memory_db::<Blake2Hasher>();
	keys.iter()
		.map(|k| {
			read_trie_value::<LayoutV1<Blake2Hasher>, _>(&db, &root, k, None, None)
				.map_err(|e| anyhow!("the storage proof does not prove key 0x{}: {e:?}", hex(k)))
		})
		.collect()
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Result<Vec<u8>> {
	let s = s.strip_prefix("0x").ok_or_else(|| anyhow!("not 0x-prefixed: {s}"))?;
	(0..s.len())
		.step_by(2)
		.map(|i| {
			s.get(i..i + 2)
				.and_then(|b| u8::from_str_radix(b, 16).ok())
				.ok_or_else(|| anyhow!("bad hex"))
		})
		.collect()
}

/// A connection to a Strikeline node.
pub struct Chain {
	rpc: RpcClient,
}

impl Chain {
	/// Connects to a node's JSON-RPC (`ws://` or `wss://`).
	pub async fn connect(url: &str) -> Result<Chain> {
		let rpc = RpcClient::from_insecure_url(url)
			.await
			.with_context(|| format!("connect to Strikeline node {url}"))?;
		Ok(Chain { rpc })
	}

	/// The finalized head.
	pub async fn finalized(&self) -> Result<Finalized> {
		let hash: String = self.rpc.request("chain_getFinalizedHead", rpc_params![]).await?;
		let header: serde_json::Value =
			self.rpc.request("chain_getHeader", rpc_params![hash.clone()]).await?;
		let field = |name: &str| {
			header[name].as_str().map(str::to_owned).ok_or_else(|| anyhow!("header has no {name}"))
		};
		let number = u64::from_str_radix(field("number")?.trim_start_matches("0x"), 16)?;
		Ok(Finalized {
			number,
			hash: H256::from_slice(&unhex(&hash)?),
			state_root: H256::from_slice(&unhex(&field("stateRoot")?)?),
		})
	}

	/// The values of `keys` at `at`, each proven against `at`'s state root.
	pub async fn read_proven(
		&self,
		at: &Finalized,
		keys: &[Vec<u8>],
	) -> Result<Vec<Option<Vec<u8>>>> {
		let hex_keys: Vec<String> = keys.iter().map(|k| format!("0x{}", hex(k))).collect();
		let at_hash = format!("0x{}", hex(at.hash.as_bytes()));
		let reply: serde_json::Value =
			self.rpc.request("state_getReadProof", rpc_params![hex_keys, at_hash]).await?;
		let nodes = reply["proof"]
			.as_array()
			.ok_or_else(|| anyhow!("state_getReadProof: no proof"))?
			.iter()
			.map(|n| unhex(n.as_str().unwrap_or_default()))
			.collect::<Result<Vec<_>>>()?;
		verify_read_proof(at.state_root, nodes, keys)
	}

	/// The last epoch closed at `at`.
	pub async fn last_epoch(&self, at: &Finalized) -> Result<u64> {
		let v = self.read_proven(at, &[value_key("LastEpoch")]).await?;
		match &v[0] {
			Some(bytes) => Ok(u64::decode(&mut &bytes[..])?),
			None => Ok(0),
		}
	}

	/// Epoch `epoch`'s commitment with its signers, if it is attested at `at`.
	pub async fn attested(&self, at: &Finalized, epoch: u64) -> Result<Option<Attested>> {
		let e = epoch.to_le_bytes();
		let v =
			self.read_proven(at, &[map_key("Commitments", &e), map_key("Attested", &e)]).await?;
		let (Some(c), Some(_)) = (&v[0], &v[1]) else { return Ok(None) };
		let commitment = Commitment::decode(&mut &c[..])?;
		if commitment.epoch != epoch {
			bail!("commitment of epoch {epoch} says epoch {}", commitment.epoch);
		}
		let id = commitment.validator_set_id;
		let sets = self
			.read_proven(
				at,
				&[
					map_key("ValidatorSets", &id.to_le_bytes()),
					map_key("ValidatorSets", &(id + 1).to_le_bytes()),
				],
			)
			.await?;
		let decode_set = |v: &Option<Vec<u8>>| -> Result<Vec<EthAddress>> {
			let bytes = v.as_ref().ok_or_else(|| anyhow!("validator set missing"))?;
			Ok(Vec::<EthAddress>::decode(&mut &bytes[..])?)
		};
		let validators = decode_set(&sets[0])?;
		let next_validators =
			if bridge::validator_set_hash(&validators) == commitment.next_validator_set_hash {
				Vec::new()
			} else {
				let next = decode_set(&sets[1])?;
				if bridge::validator_set_hash(&next) != commitment.next_validator_set_hash {
					bail!("epoch {epoch} hands over to a set that is not on chain");
				}
				next
			};
		let keys: Vec<Vec<u8>> = (0..validators.len() as u32)
			.map(|i| double_map_key("Signatures", &e, &i.to_le_bytes()))
			.collect();
		let signatures = self
			.read_proven(at, &keys)
			.await?
			.into_iter()
			.enumerate()
			.filter_map(|(i, v)| Some((i as u32, <[u8; 65]>::decode(&mut &v?[..]).ok()?)))
			.collect();
		Ok(Some(Attested { commitment, validators, next_validators, signatures }))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_trie::{trie_types::TrieDBMutBuilderV1, MemoryDB, TrieMut};

	/// A state trie holding `entries`, its root and all its nodes (a proof of every key).
	fn trie(entries: &[(Vec<u8>, Vec<u8>)]) -> (H256, Vec<Vec<u8>>) {
		let mut db = MemoryDB::<Blake2Hasher>::default();
		let mut root = H256::default();
		{
			let mut t = TrieDBMutBuilderV1::<Blake2Hasher>::new(&mut db, &mut root).build();
			for (k, v) in entries {
				t.insert(k, v).unwrap();
			}
		}
		let nodes = db.drain().into_values().filter(|(_, rc)| *rc > 0).map(|(n, _)| n).collect();
		(root, nodes)
	}

	#[test]
	fn read_proofs_prove_values_and_absence_and_catch_lies() {
		let epoch = 3u64.to_le_bytes();
		let present = map_key("Commitments", &epoch);
		let absent = map_key("Attested", &epoch);
		let entries: Vec<_> = (0..50u64)
			.map(|i| (map_key("Slots", &i.to_le_bytes()), vec![i as u8; 40]))
			.chain([(present.clone(), vec![7u8; 40])])
			.collect();
		let (root, nodes) = trie(&entries);
		let keys = [present.clone(), absent];
		let values = verify_read_proof(root, nodes.clone(), &keys).unwrap();
		assert_eq!(values, vec![Some(vec![7u8; 40]), None]);
		// Another root (a node serving another block's or a forged state): refused.
		assert!(verify_read_proof(H256::repeat_byte(1), nodes.clone(), &keys).is_err());
		// A proof missing the nodes on a key's path cannot prove it, nor its absence.
		let (_, other_nodes) = trie(&entries[..10]);
		assert!(verify_read_proof(root, other_nodes, &keys).is_err());
		// A value altered in the proof changes its node's hash: refused.
		let forged: Vec<Vec<u8>> = nodes
			.into_iter()
			.map(|mut n| {
				if let Some(i) = n.windows(40).position(|w| w == [7u8; 40]) {
					n[i] = 8;
				}
				n
			})
			.collect();
		assert!(verify_read_proof(root, forged, &keys[..1]).is_err());
	}

	#[test]
	fn storage_keys_are_the_pallets() {
		// `twox128("Bridge") ++ twox128("LastEpoch")`, as `frame_support` builds it.
		let k = value_key("LastEpoch");
		assert_eq!(k.len(), 32);
		assert_eq!(&k[..16], &twox_128(b"Bridge"));
		let m = double_map_key("Signatures", &1u64.to_le_bytes(), &2u32.to_le_bytes());
		assert_eq!(m.len(), 32 + 8 + 8 + 8 + 4);
	}
}
