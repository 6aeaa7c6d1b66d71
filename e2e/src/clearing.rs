//! Client side of Strikeline's clearing, as a trader's tool would write it: SCALE encoding of
//! the clearing calls and of orders, order hashing through the runtime API, and sr25519 order
//! signatures. No runtime crates: the e2e crate stays light, and the encoding here is checked
//! against the real runtime by every test that uses it.

use anyhow::{anyhow, bail, Result};
use codec::{Compact, Encode};
use subxt::{
	ext::scale_encode::{self, EncodeAsFields, FieldIter, TypeResolver},
	transactions::Payload,
};
use subxt_signer::sr25519::Keypair;

/// Pallet indices in the runtime (see `runtime/src/lib.rs`).
pub const SUDO: u8 = 6;
pub const ORACLE: u8 = 20;
pub const MARGIN: u8 = 21;
pub const OPTIONS: u8 = 22;
/// Underlying ids of the dev chain.
pub const BTC: u32 = 0;
pub const ETH: u32 = 1;
/// One USDC in base units.
pub const USD: u128 = 1_000_000;
/// Expiries are multiples of this (the oracle's TWAP period).
pub const EXPIRY_GRANULARITY_MS: u64 = 10_000;

/// Call data that is already SCALE-encoded (the pallet and call index are not included).
pub struct RawFields(pub Vec<u8>);

impl EncodeAsFields for RawFields {
	fn encode_as_fields_to<R: TypeResolver>(
		&self,
		_fields: &mut dyn FieldIter<'_, R::TypeId>,
		_types: &R,
		out: &mut Vec<u8>,
	) -> Result<(), scale_encode::Error> {
		out.extend_from_slice(&self.0);
		Ok(())
	}
}

/// A call with pre-encoded arguments, submitted through subxt like any other.
pub struct RawCall {
	pallet: &'static str,
	call: &'static str,
	data: RawFields,
}

impl RawCall {
	/// `pallet.call` with pre-encoded arguments.
	pub fn new(pallet: &'static str, call: &'static str, data: RawFields) -> Self {
		RawCall { pallet, call, data }
	}
}

impl Payload for RawCall {
	type CallData = RawFields;
	fn pallet_name(&self) -> &str {
		self.pallet
	}
	fn call_name(&self) -> &str {
		self.call
	}
	fn call_data(&self) -> &RawFields {
		&self.data
	}
}

/// Call or put.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode)]
pub enum OptionKind {
	Call,
	Put,
}

/// Buy or sell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode)]
pub enum Side {
	Buy,
	Sell,
}

/// The terms of a series, as `strikeline_primitives::SeriesTerms` encodes them.
#[derive(Clone, Copy, Debug, Encode)]
pub struct SeriesTerms {
	pub underlying: u32,
	pub expiry_ms: u64,
	pub strike_e6: u128,
	pub kind: OptionKind,
	pub contract_size_e6: u128,
}

/// An order, as `pallet_options::Order` encodes it.
#[derive(Clone, Debug, Encode)]
pub struct Order {
	pub account: [u8; 32],
	pub series: u32,
	pub side: Side,
	pub limit_price: u128,
	pub quantity: u64,
	pub nonce: u64,
	pub expiry_ms: u64,
}

/// An order with its `MultiSignature::Sr25519` signature.
#[derive(Clone, Debug)]
pub struct SignedOrder {
	pub order: Order,
	pub signature: [u8; 64],
}

impl Encode for SignedOrder {
	fn encode_to<W: codec::Output + ?Sized>(&self, dest: &mut W) {
		self.order.encode_to(dest);
		dest.push_byte(1); // MultiSignature::Sr25519
		dest.write(&self.signature);
	}
}

/// A matched fill.
#[derive(Clone, Debug, Encode)]
pub struct Fill {
	pub maker: SignedOrder,
	pub taker: SignedOrder,
	pub price: u128,
	pub quantity: u64,
}

/// `blake2_256("strikeline/order/v1" ++ genesis hash ++ SCALE(order))`: what a trader signs.
/// Computed here and checked against the runtime API (`StrikelineApi_order_hash`) in tests.
pub fn order_hash(genesis: &[u8; 32], order: &Order) -> [u8; 32] {
	let mut payload = b"strikeline/order/v1".to_vec();
	payload.extend_from_slice(genesis);
	order.encode_to(&mut payload);
	blake2_256(&payload)
}

/// BLAKE2b-256.
pub fn blake2_256(data: &[u8]) -> [u8; 32] {
	let hash = blake2b_simd::Params::new().hash_length(32).hash(data);
	hash.as_bytes().try_into().expect("32-byte BLAKE2b output")
}

/// Signs an order with the trader's key.
pub fn sign(genesis: &[u8; 32], order: Order, key: &Keypair) -> SignedOrder {
	let hash = order_hash(genesis, &order);
	SignedOrder { signature: key.sign(&hash).0, order }
}

fn raw(pallet: &'static str, call: &'static str, data: Vec<u8>) -> RawCall {
	RawCall { pallet, call, data: RawFields(data) }
}

/// `Margin::deposit(amount)`.
pub fn deposit(amount: u128) -> RawCall {
	raw("Margin", "deposit", Compact(amount).encode())
}

/// `Margin::withdraw(amount)`.
pub fn withdraw(amount: u128) -> RawCall {
	raw("Margin", "withdraw", Compact(amount).encode())
}

/// `Oracle::feed(underlying, spot, vols, observed_ms)`.
pub fn feed(underlying: u32, spot_e6: u128, vols: &[(u64, u32)], observed_ms: u64) -> RawCall {
	let mut data = underlying.encode();
	Compact(spot_e6).encode_to(&mut data);
	vols.to_vec().encode_to(&mut data);
	Compact(observed_ms).encode_to(&mut data);
	raw("Oracle", "feed", data)
}

/// `Sudo::sudo(Options::create_series(terms))`.
pub fn sudo_create_series(terms: SeriesTerms) -> RawCall {
	let mut data = vec![OPTIONS, 0];
	terms.encode_to(&mut data);
	raw("Sudo", "sudo", data)
}

/// `Options::settle_fills(fills, max_positions)`: `max_positions` is the witness of the most
/// positions any trader in the batch holds (counting the fill's series); weight grows with it.
pub fn settle_fills(fills: &[Fill], max_positions: u32) -> RawCall {
	let mut data = fills.encode();
	max_positions.encode_to(&mut data);
	raw("Options", "settle_fills", data)
}

/// `Options::cancel_order(order)`.
pub fn cancel_order(order: &Order) -> RawCall {
	raw("Options", "cancel_order", order.encode())
}

/// The chain's current time (`Timestamp::Now` at the best block), in ms.
pub async fn chain_now_ms(api: &subxt::OnlineClient<subxt::PolkadotConfig>) -> Result<u64> {
	let at = api.at_current_block().await?;
	let now =
		at.storage().fetch(subxt::dynamic::storage::<(), u64>("Timestamp", "Now"), ()).await?;
	Ok(now.decode()?)
}

/// Decodes a hex `state_call` result.
pub fn hex_bytes(v: &serde_json::Value) -> Result<Vec<u8>> {
	let s = v.as_str().ok_or_else(|| anyhow!("expected hex, got {v}"))?;
	Ok(hex::decode(s.trim_start_matches("0x"))?)
}

/// The genesis hash of the chain a node serves.
pub async fn genesis_hash(port: u16) -> Result<[u8; 32]> {
	let v = crate::rpc_call(port, "chain_getBlockHash", serde_json::json!([0])).await?;
	hex_bytes(&v)?.try_into().map_err(|_| anyhow!("genesis hash is not 32 bytes"))
}

/// The order hash according to the runtime (`StrikelineApi_order_hash`).
pub async fn runtime_order_hash(port: u16, order: &Order) -> Result<[u8; 32]> {
	let arg = format!("0x{}", hex::encode(order.encode().encode()));
	let v =
		crate::rpc_call(port, "state_call", serde_json::json!(["StrikelineApi_order_hash", arg]))
			.await?;
	let bytes = hex_bytes(&v)?;
	match bytes.split_first() {
		Some((1, hash)) => hash.try_into().map_err(|_| anyhow!("bad hash length")),
		_ => bail!("runtime could not decode the order"),
	}
}

/// The next expiry (a multiple of the granularity) at least `min_ms_ahead` after `now_ms`.
pub fn next_expiry(now_ms: u64, min_ms_ahead: u64) -> u64 {
	(now_ms + min_ms_ahead).div_ceil(EXPIRY_GRANULARITY_MS) * EXPIRY_GRANULARITY_MS
}

/// A fresh `--dev --tmp` node that has finalized a block, a client, and its genesis hash.
pub async fn dev_node(
	name: &str,
) -> Result<(crate::Node, subxt::OnlineClient<subxt::PolkadotConfig>, [u8; 32])> {
	dev_node_with(name, &[]).await
}

/// [`dev_node`] with `extra` arguments.
pub async fn dev_node_with(
	name: &str,
	extra: &[&str],
) -> Result<(crate::Node, subxt::OnlineClient<subxt::PolkadotConfig>, [u8; 32])> {
	use std::time::Duration;
	let args: Vec<&str> = ["--dev", "--tmp"].iter().chain(extra).copied().collect();
	let mut node = crate::Node::start(name, &args)?;
	node.wait_rpc(Duration::from_secs(60)).await?;
	node.wait_for("first blocks", Duration::from_secs(60), |best, fin| best >= 2 && fin >= 1)
		.await?;
	let api = node.client().await?;
	let genesis = genesis_hash(node.rpc_port).await?;
	Ok((node, api, genesis))
}

/// A good-till-cancelled order of `who` for `qty` contracts at `limit_usd` or better.
pub fn order(
	who: &Keypair,
	series: u32,
	side: Side,
	limit_usd: u128,
	qty: u64,
	nonce: u64,
) -> Order {
	Order {
		account: who.public_key().0,
		series,
		side,
		limit_price: limit_usd * USD,
		quantity: qty,
		nonce,
		expiry_ms: u64::MAX,
	}
}

/// `who`'s margin collateral (signed base units) at the best block, from `Margin::Accounts`.
pub async fn margin_collateral(
	api: &subxt::OnlineClient<subxt::PolkadotConfig>,
	who: &Keypair,
) -> Result<i128> {
	use subxt::{dynamic, ext::scale_value::At};
	let at = api.at_current_block().await?;
	let addr = dynamic::storage::<([u8; 32],), dynamic::Value>("Margin", "Accounts");
	let Some(ledger) = at.storage().try_fetch(addr, (who.public_key().0,)).await? else {
		return Ok(0);
	};
	let ledger = ledger.decode()?;
	ledger.at("collateral").and_then(|v| v.as_i128()).ok_or_else(|| anyhow!("no collateral"))
}

/// Creates (through `sudo`, signed by the sudo key `root`) a BTC call struck at `strike_e6`
/// expiring at `expiry_ms`, of `contract_size_e6` BTC per contract; returns its series id.
pub async fn create_btc_call(
	api: &subxt::OnlineClient<subxt::PolkadotConfig>,
	root: &Keypair,
	expiry_ms: u64,
	strike_e6: u128,
	contract_size_e6: u128,
) -> Result<u32> {
	let terms = SeriesTerms {
		underlying: BTC,
		expiry_ms,
		strike_e6,
		kind: OptionKind::Call,
		contract_size_e6,
	};
	let events = crate::submit_finalized(api, &sudo_create_series(terms), root).await?;
	let (series, _) =
		crate::event_fields::<(u32, subxt::dynamic::Value)>(&events, "Options", "SeriesCreated")?;
	Ok(series)
}
