//! The node's JSON-RPC extensions beyond Substrate's standard set: account nonces
//! (`system_accountNextIndex`), fee queries (`payment_*`), and in sealing mode the
//! manual-seal engine (`engine_createBlock`, `engine_finalizeBlock`).

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
	let FullDeps { client, pool, seal_commands } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client).into_rpc())?;
	if let Some(commands) = seal_commands {
		module.merge(ManualSeal::new(commands).into_rpc())?;
	}
	Ok(module)
}
