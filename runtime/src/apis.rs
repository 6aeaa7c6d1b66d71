//! Runtime APIs: what the node, Polkadot.js Apps, @polkadot/api and subxt call into.
//!
//! Core, metadata (V14, V15 and V16), block building, transaction validation, offchain
//! workers, Aura, GRANDPA, session keys, account nonce, transaction payment, view functions
//! the genesis builder (presets `development` and `local_testnet`), and Strikeline's own
//! [`strikeline_primitives::api::StrikelineApi`] (accounts, series, prices, order hashes).

use super::*;
use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	view_functions::{ViewFunctionDispatchError, ViewFunctionId},
	weights::Weight,
};
use pallet_grandpa::AuthorityId as GrandpaId;
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(id: ViewFunctionId, input: Vec<u8>) -> Result<Vec<u8>, ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			_key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			// No session/offences pallets yet: equivocations cannot be reported on chain.
			None
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			_authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			// The key owner proof type is `Void`: no proof can exist.
			None
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl strikeline_primitives::api::BridgeApi<Block, AccountId> for Runtime {
		fn commitment(epoch: u64) -> Option<strikeline_primitives::bridge::Commitment> {
			pallet_settlement_bridge::Commitments::<Runtime>::get(epoch)
		}

		fn last_epoch() -> u64 {
			pallet_settlement_bridge::LastEpoch::<Runtime>::get()
		}

		fn signatures(epoch: u64) -> (Vec<(u32, [u8; 65])>, bool) {
			(
				pallet_settlement_bridge::Signatures::<Runtime>::iter_prefix(epoch).collect(),
				pallet_settlement_bridge::Attested::<Runtime>::contains_key(epoch),
			)
		}

		fn last_closed() -> u64 {
			pallet_settlement_bridge::LastClosed::<Runtime>::get()
		}

		fn closed_commitment(epoch: u64) -> Option<strikeline_primitives::bridge::Commitment> {
			pallet_settlement_bridge::Commitments::<Runtime>::get(epoch)
				.or_else(|| pallet_settlement_bridge::PendingCommitments::<Runtime>::get(epoch))
		}

		fn ledger_changes(
			epoch: u64,
		) -> Option<Vec<([u8; 32], strikeline_primitives::bridge::LedgerChange)>> {
			Bridge::ledger_changes(epoch)
		}

		fn ledger_leaves(
			start: Vec<u8>,
			limit: u32,
		) -> (Vec<([u8; 32], strikeline_primitives::bridge::LedgerChange)>, Option<Vec<u8>>) {
			Bridge::ledger_leaves(start, limit)
		}

		fn withdrawal_proof(
			index: u64,
			epoch: u64,
		) -> Option<strikeline_primitives::api::WithdrawalProof> {
			Bridge::withdrawal_proof_view(index, epoch)
		}

		fn deposits_credited() -> Option<([u8; 20], u64)> {
			Bridge::deposits_credited()
		}
	}

	impl strikeline_primitives::api::StrikelineApi<Block, AccountId> for Runtime {
		fn account(who: AccountId) -> Option<strikeline_primitives::api::AccountView> {
			Margin::account_view(&who)
		}

		fn series() -> Vec<strikeline_primitives::api::SeriesView> {
			Options::series_views()
		}

		fn price(underlying: strikeline_primitives::UnderlyingId) -> Option<strikeline_primitives::api::PriceView> {
			Oracle::price_view(underlying)
		}

		fn order_hash(encoded_order: Vec<u8>) -> Option<[u8; 32]> {
			use codec::Decode;
			let order = pallet_options::OrderOf::<Runtime>::decode(&mut &encoded_order[..]).ok()?;
			Some(Options::order_hash(&order))
		}

		fn liquidation_candidates(
		) -> Vec<strikeline_primitives::api::LiquidationCandidate<AccountId>> {
			Liquidation::candidates()
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			genesis_config_presets::preset_names()
		}
	}
}
