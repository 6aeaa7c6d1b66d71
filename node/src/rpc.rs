//! The node's JSON-RPC extensions beyond Substrate's standard set: account nonces
//! (`system_accountNextIndex`), fee queries (`payment_*`), the node's ledger tree
//! (`bridge_ledgerRoot`, `bridge_ledgerProof`, `bridge_ledgerEpoch`), and in sealing mode the
//! manual-seal engine (`engine_createBlock`, `engine_finalizeBlock`).
//!
//! ## Ledger tree
//!
//! - `bridge_ledgerEpoch()`: the last closed epoch the node's tree holds (it follows
//!   finality).
//! - `bridge_ledgerRoot(epoch)`: the root the node computed for `epoch` (`0x` + 64 hex), or
//!   `null` if it has not indexed it.
//! - `bridge_ledgerProof(account, epoch?)`: `account` (SS58 or `0x` + 64 hex) leaf and Merkle
//!   proof against `epoch`'s root (the last indexed epoch if omitted): `{ epoch, root, slot,
//!   account, exitTo, collateral, proof }`, hex except `epoch`, `slot` and `collateral` (a
//!   decimal string of base units), or `null` if the account had no leaf. What `Vault.exit`
//!   takes after a freeze, against the last epoch anchored on Ethereum.

use jsonrpsee::RpcModule;
use polkadot_sdk::{
	pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer},
	sc_consensus_manual_seal::{
		rpc::{ManualSeal, ManualSealApiServer},
		EngineCommand,
	},
	sc_transaction_pool_api::TransactionPool,
	sp_api::ProvideRuntimeApi,
	sp_block_builder::BlockBuilder,
	sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata},
	substrate_frame_rpc_system::{System, SystemApiServer},
};
use std::sync::Arc;
use strikeline_runtime::{opaque::Block, AccountId, Balance, Hash, Nonce};

/// What the RPC extensions need.
pub struct FullDeps<C, P> {
	/// The node's ledger tree.
	pub ledger: Arc<dyn crate::ledger::LedgerSource>,
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// Commands to the manual-seal engine, when the node seals blocks itself.
	pub seal_commands: Option<futures::channel::mpsc::Sender<EngineCommand<Hash>>>,
}

/// Builds the RPC extensions of a full node.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: polkadot_sdk::substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api:
		polkadot_sdk::pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	P: TransactionPool + 'static,
{
	let mut module = RpcModule::new(());
	let FullDeps { ledger, client, pool, seal_commands } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(ledger_rpc(ledger)?)?;
	module.merge(TransactionPayment::new(client).into_rpc())?;
	if let Some(commands) = seal_commands {
		module.merge(ManualSeal::new(commands).into_rpc())?;
	}
	Ok(module)
}

/// A JSON-RPC error with `message` (invalid parameters).
fn invalid(message: impl Into<String>) -> jsonrpsee::types::ErrorObjectOwned {
	jsonrpsee::types::ErrorObject::owned(-32602, message.into(), None::<()>)
}

fn hex0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// An account as SS58 or `0x` + 64 hex digits.
fn parse_account(s: &str) -> Result<[u8; 32], jsonrpsee::types::ErrorObjectOwned> {
	use polkadot_sdk::sp_core::crypto::{AccountId32, Ss58Codec};
	if let Some(h) = s.strip_prefix("0x") {
		let bytes = hex::decode(h).map_err(|_| invalid("the account is not hex"))?;
		return bytes.try_into().map_err(|_| invalid("the account is not 32 bytes"));
	}
	AccountId32::from_ss58check(s)
		.map(Into::into)
		.map_err(|_| invalid("the account is neither SS58 nor 0x-hex"))
}

/// The `bridge_ledger*` methods (see the module docs).
fn ledger_rpc(
	ledger: Arc<dyn crate::ledger::LedgerSource>,
) -> Result<RpcModule<Arc<dyn crate::ledger::LedgerSource>>, jsonrpsee::core::RegisterMethodError> {
	let mut module = RpcModule::new(ledger);
	module.register_method("bridge_ledgerEpoch", |_, ledger, _| ledger.epoch())?;
	module.register_method("bridge_ledgerRoot", |params, ledger, _| {
		let (epoch,): (u64,) = params.parse()?;
		Ok::<_, jsonrpsee::types::ErrorObjectOwned>(ledger.root(epoch).map(|r| hex0x(&r)))
	})?;
	module.register_method("bridge_ledgerProof", |params, ledger, _| {
		let mut seq = params.sequence();
		let account: String = seq.next()?;
		let epoch: Option<u64> = seq.optional_next()?;
		let account = parse_account(&account)?;
		let Some((epoch, p)) = ledger.proof(&account, epoch).map_err(invalid)? else {
			return Ok(serde_json::Value::Null);
		};
		let root = ledger.root(epoch).map(|r| hex0x(&r));
		Ok::<_, jsonrpsee::types::ErrorObjectOwned>(serde_json::json!({
			"epoch": epoch,
			"root": root,
			"slot": p.slot,
			"account": hex0x(&p.account),
			"exitTo": hex0x(&p.exit_to),
			"collateral": p.collateral.to_string(),
			"proof": p.proof.iter().map(|h| hex0x(h)).collect::<Vec<_>>(),
		}))
	})?;
	Ok(module)
}
