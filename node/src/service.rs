//! The node's service: database, client, networking, Aura block production, GRANDPA
//! finality (or manual sealing for tests), RPC and Prometheus.
//!
//! ## Consensus tuning for short slots
//!
//! The slot length comes from the runtime (`AuraApi::slot_duration`, set by
//! `strikeline_runtime::SLOT_DURATION_MS`). Around it:
//!
//! - Aura proposes for at most [`BLOCK_PROPOSAL_SLOT_PORTION`] of a slot, leaving the rest of
//!   the slot for the block to reach and be imported by the other validators; the proposer's
//!   size limit is the runtime's block length.
//! - GRANDPA gossips every [`GRANDPA_GOSSIP_DURATION`] (Substrate's default is 333 ms, made for
//!   6 s blocks) and votes on the best block: the default rule of voting two blocks behind the
//!   head would add two slots to the finality lag, so only the "three quarters of the
//!   unfinalized chain" rule is kept, which matters only when finality falls far behind.

use crate::{cli::Sealing, rpc};
use futures::{FutureExt, StreamExt};
use polkadot_sdk::{
	sc_basic_authorship::ProposerFactory,
	sc_client_api::{Backend, BlockBackend},
	sc_consensus_aura::{ImportQueueParams, SlotProportion, StartAuraParams},
	sc_consensus_grandpa::{self as grandpa, SharedVoterState},
	sc_consensus_manual_seal::{self as manual_seal, consensus::aura::AuraConsensusDataProvider},
	sc_executor::WasmExecutor,
	sc_network, sc_offchain,
	sc_service::{self, error::Error as ServiceError, Configuration, TaskManager, WarpSyncConfig},
	sc_telemetry::{Telemetry, TelemetryWorker},
	sc_transaction_pool,
	sc_transaction_pool_api::{OffchainTransactionPoolFactory, TransactionPool},
	sp_consensus_aura::{
		sr25519::{AuthorityPair as AuraPair, AuthoritySignature as AuraSignature},
		SlotDuration,
	},
	sp_io, sp_runtime, sp_timestamp,
};
use std::{sync::Arc, time::Duration};
use strikeline_runtime::{apis::RuntimeApi, opaque::Block, MAXIMUM_BLOCK_LENGTH};

/// The full client: wasm-only execution of the runtime.
pub(crate) type FullClient =
	sc_service::TFullClient<Block, RuntimeApi, WasmExecutor<sp_io::SubstrateHostFunctions>>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = polkadot_sdk::sc_consensus::LongestChain<FullBackend, Block>;
type FullPool = sc_transaction_pool::TransactionPoolHandle<Block, FullClient>;
type GrandpaBlockImport =
	grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>;

/// GRANDPA justifications are generated (and so imported and kept) at least every this many
/// blocks: about four minutes at 500 ms blocks.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;
/// How often GRANDPA gossips votes. A round takes a few gossip periods, so this sets the
/// floor of the finality lag.
pub const GRANDPA_GOSSIP_DURATION: Duration = Duration::from_millis(50);
/// Share of the slot the block author may spend building its block.
pub const BLOCK_PROPOSAL_SLOT_PORTION: f32 = 0.5;

/// The parts of a node that subcommands (import, export, revert...) need too.
pub type Service = sc_service::PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	polkadot_sdk::sc_consensus::DefaultImportQueue<Block>,
	FullPool,
	(GrandpaBlockImport, grandpa::LinkHalf<Block, FullClient, FullSelectChain>, Option<Telemetry>),
>;

/// Builds the parts of the node shared by every command. With `sealing`, blocks are imported
/// without Aura checks (the node seals them itself).
pub fn new_partial(config: &Configuration, sealing: bool) -> Result<Service, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|x| !x.is_empty())
		.map(|endpoints| -> Result<_, polkadot_sdk::sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = sc_service::new_wasm_executor::<sp_io::SubstrateHostFunctions>(&config.executor);
	let (client, backend, keystore_container, task_manager) =
		sc_service::new_full_parts::<Block, RuntimeApi, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			Vec::new(),
		)?;
	let client = Arc::new(client);

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = polkadot_sdk::sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::from(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let (grandpa_block_import, grandpa_link) = grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		&client,
		select_chain.clone(),
		telemetry.as_ref().map(|x| x.handle()),
	)?;

	let import_queue = if sealing {
		manual_seal::import_queue(
			Box::new(client.clone()),
			&task_manager.spawn_essential_handle(),
			config.prometheus_registry(),
		)
	} else {
		let cidp_client = client.clone();
		polkadot_sdk::sc_consensus_aura::import_queue::<AuraPair, _, _, _, _, _>(
			ImportQueueParams {
				block_import: grandpa_block_import.clone(),
				justification_import: Some(Box::new(grandpa_block_import.clone())),
				client: client.clone(),
				create_inherent_data_providers: move |parent_hash, _| {
					let cidp_client = cidp_client.clone();
					async move {
						let slot_duration =
							polkadot_sdk::sc_consensus_aura::standalone::slot_duration_at(
								&*cidp_client,
								parent_hash,
							)?;
						Ok(wall_clock_inherents(slot_duration))
					}
				},
				spawner: &task_manager.spawn_essential_handle(),
				registry: config.prometheus_registry(),
				check_for_equivocation: Default::default(),
				telemetry: telemetry.as_ref().map(|x| x.handle()),
				compatibility_mode: Default::default(),
			},
		)?
	};

	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (grandpa_block_import, grandpa_link, telemetry),
	})
}

/// Builds and starts a full node.
pub fn new_full<
	N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>,
>(
	config: Configuration,
	sealing: Option<Sealing>,
	bridge: Option<strikeline_primitives::bridge::EthWatchConfig>,
) -> Result<TaskManager, ServiceError> {
	let sc_service::PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, grandpa_link, mut telemetry),
	} = new_partial(&config, sealing.is_some())?;

	let mut net_config = sc_network::config::FullNetworkConfiguration::<
		Block,
		<Block as sp_runtime::traits::Block>::Hash,
		N,
	>::new(&config.network, config.prometheus_registry().cloned());
	let metrics = N::register_notification_metrics(config.prometheus_registry());

	let peer_store_handle = net_config.peer_store_handle();
	let genesis_hash = client
		.block_hash(0)?
		.ok_or_else(|| ServiceError::Other("the database has no genesis block".into()))?;
	let grandpa_protocol_name = grandpa::protocol_standard_name(&genesis_hash, &config.chain_spec);
	let (grandpa_protocol_config, grandpa_notification_service) =
		grandpa::grandpa_peers_set_config::<_, N>(
			grandpa_protocol_name.clone(),
			metrics.clone(),
			peer_store_handle,
		);
	net_config.add_notification_protocol(grandpa_protocol_config);

	let warp_sync = Arc::new(grandpa::warp_proof::NetworkProvider::new(
		backend.clone(),
		grandpa_link.shared_authority_set().clone(),
		Vec::default(),
	));

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: Some(WarpSyncConfig::WithProvider(warp_sync)),
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	write_bridge_config(&*backend, bridge);
	let ledger: Arc<dyn crate::ledger::LedgerSource> = match backend.offchain_storage() {
		Some(db) => {
			let index = Arc::new(crate::ledger::LedgerIndex::load(db));
			task_manager.spawn_handle().spawn(
				"bridge-ledger-indexer",
				None,
				crate::ledger::run(client.clone(), index.clone()),
			);
			index
		}
		None => return Err(ServiceError::Other("the node has no offchain database".into())),
	};
	task_manager.spawn_handle().spawn(
		"bridge-finalized-deposits",
		None,
		write_finalized_deposits(client.clone(), backend.clone()),
	);
	if config.offchain_worker.enabled {
		let offchain_workers =
			sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
				runtime_api_provider: client.clone(),
				is_validator: config.role.is_authority(),
				keystore: Some(keystore_container.keystore()),
				offchain_db: backend.offchain_storage(),
				transaction_pool: Some(OffchainTransactionPoolFactory::new(
					transaction_pool.clone(),
				)),
				network_provider: Arc::new(network.clone()),
				enable_http_requests: true,
				custom_extensions: |_| vec![],
			})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	let role = config.role;
	let force_authoring = config.force_authoring;
	let name = config.network.node_name.clone();
	let enable_grandpa = !config.disable_grandpa && sealing.is_none();
	let prometheus_registry = config.prometheus_registry().cloned();

	// Manual sealing: commands come from the RPC and from the sealing trigger.
	let (seal_sender, seal_receiver) = futures::channel::mpsc::channel(1024);
	let seal_rpc = sealing.map(|_| seal_sender);

	let rpc_extensions_builder = {
		let client = client.clone();
		let pool = transaction_pool.clone();
		Box::new(move |_| {
			let deps = rpc::FullDeps {
				ledger: ledger.clone(),
				client: client.clone(),
				pool: pool.clone(),
				seal_commands: seal_rpc.clone(),
			};
			rpc::create_full(deps).map_err(Into::into)
		})
	};

	let _rpc_handlers = sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network: network.clone(),
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder: rpc_extensions_builder,
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	let mut proposer_factory = ProposerFactory::new(
		task_manager.spawn_handle(),
		client.clone(),
		transaction_pool.clone(),
		prometheus_registry.as_ref(),
		telemetry.as_ref().map(|x| x.handle()),
	);
	proposer_factory.set_default_block_size_limit(MAXIMUM_BLOCK_LENGTH as usize);

	if let Some(sealing) = sealing {
		start_sealing(
			&task_manager,
			client,
			transaction_pool,
			select_chain,
			proposer_factory,
			sealing,
			seal_receiver,
		)?;
		return Ok(task_manager);
	}

	if role.is_authority() {
		let slot_duration = polkadot_sdk::sc_consensus_aura::slot_duration(&*client)?;
		let aura =
			polkadot_sdk::sc_consensus_aura::start_aura::<AuraPair, _, _, _, _, _, _, _, _, _, _>(
				StartAuraParams {
					slot_duration,
					client,
					select_chain,
					block_import,
					proposer_factory,
					create_inherent_data_providers: move |_, ()| async move {
						Ok(wall_clock_inherents(slot_duration))
					},
					force_authoring,
					backoff_authoring_blocks: Option::<()>::None,
					keystore: keystore_container.keystore(),
					sync_oracle: sync_service.clone(),
					justification_sync_link: sync_service.clone(),
					block_proposal_slot_portion: SlotProportion::new(BLOCK_PROPOSAL_SLOT_PORTION),
					max_block_proposal_slot_portion: None,
					telemetry: telemetry.as_ref().map(|x| x.handle()),
					compatibility_mode: Default::default(),
				},
			)?;
		// Block authoring is essential: if it fails, the node stops.
		task_manager.spawn_essential_handle().spawn_blocking("aura", Some("block-authoring"), aura);
	}

	if enable_grandpa {
		// Only an authority votes; others follow finality through justifications.
		let keystore = if role.is_authority() { Some(keystore_container.keystore()) } else { None };
		let grandpa_config = grandpa::Config {
			gossip_duration: GRANDPA_GOSSIP_DURATION,
			justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
			name: Some(name),
			observer_enabled: false,
			keystore,
			local_role: role,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			protocol_name: grandpa_protocol_name,
		};
		let voting_rule = grandpa::VotingRulesBuilder::new()
			.add(grandpa::ThreeQuartersOfTheUnfinalizedChain)
			.build();
		let grandpa_params = grandpa::GrandpaParams {
			config: grandpa_config,
			link: grandpa_link,
			network,
			sync: sync_service,
			notification_service: grandpa_notification_service,
			voting_rule,
			prometheus_registry,
			shared_voter_state: SharedVoterState::empty(),
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
		};
		// The voter is essential: if it fails, the node stops.
		task_manager.spawn_essential_handle().spawn_blocking(
			"grandpa-voter",
			None,
			grandpa::run_grandpa_voter(grandpa_params)?,
		);
	}

	Ok(task_manager)
}

/// The inherents of a block under Aura: the wall-clock timestamp and the slot it falls in.
/// Used both to author blocks and to check imported ones.
fn wall_clock_inherents(
	slot_duration: SlotDuration,
) -> (
	polkadot_sdk::sp_consensus_aura::inherents::InherentDataProvider,
	sp_timestamp::InherentDataProvider,
) {
	let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
	let slot = polkadot_sdk::sp_consensus_aura::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
		*timestamp,
		slot_duration,
	);
	(slot, timestamp)
}

/// Runs manual sealing: blocks are sealed on the trigger given by `sealing` and on
/// `engine_createBlock` calls, and every block sealed by the trigger is finalized at once.
///
/// Aura's runtime pallet needs a pre-digest with a slot that increases every block, and the
/// timestamp pallet a timestamp that moves by at least half a slot. Sealing may be faster than
/// wall-clock slots, so each block's timestamp is `max(now, parent slot + 1 slot)`: time runs
/// ahead of the wall clock while blocks come faster than one per slot, and never backwards,
/// also across restarts (it is derived from the parent header).
fn start_sealing(
	task_manager: &TaskManager,
	client: Arc<FullClient>,
	pool: Arc<FullPool>,
	select_chain: FullSelectChain,
	proposer_factory: ProposerFactory<FullPool, FullClient>,
	sealing: Sealing,
	rpc_commands: futures::channel::mpsc::Receiver<
		manual_seal::EngineCommand<strikeline_runtime::Hash>,
	>,
) -> Result<(), ServiceError> {
	let slot_duration: SlotDuration = polkadot_sdk::sc_consensus_aura::slot_duration(&*client)?;
	fn seal<T>(_: T) -> manual_seal::EngineCommand<strikeline_runtime::Hash> {
		manual_seal::EngineCommand::SealNewBlock {
			create_empty: true,
			finalize: true,
			parent_hash: None,
			sender: None,
		}
	}
	let trigger: futures::stream::BoxStream<'static, _> = match sealing {
		Sealing::Instant => pool.import_notification_stream().map(seal).boxed(),
		Sealing::Interval(period) => ticks(period).map(seal).boxed(),
	};
	let commands_stream = futures::stream::select(trigger, rpc_commands);

	let cidp_client = client.clone();
	let create_inherent_data_providers = move |parent_hash, ()| {
		let client = cidp_client.clone();
		async move {
			let parent = client
				.header(parent_hash)?
				.ok_or_else(|| format!("parent header {parent_hash:?} not found"))?;
			let parent_slot = polkadot_sdk::sc_consensus_aura::standalone::find_pre_digest::<
				Block,
				AuraSignature,
			>(&parent)
			.map_err(|e| format!("{e:?}"))?;
			let next_slot_ms =
				(*parent_slot).saturating_add(1).saturating_mul(slot_duration.as_millis());
			let now_ms = sp_timestamp::Timestamp::current().as_millis();
			let timestamp =
				sp_timestamp::InherentDataProvider::new(now_ms.max(next_slot_ms).into());
			Ok(timestamp)
		}
	};

	let authorship = manual_seal::run_manual_seal(manual_seal::ManualSealParams {
		block_import: client.clone(),
		env: proposer_factory,
		client: client.clone(),
		pool,
		commands_stream,
		select_chain,
		consensus_data_provider: Some(Box::new(AuraConsensusDataProvider::new_with_slot_duration(
			slot_duration,
		))),
		create_inherent_data_providers,
	});
	task_manager.spawn_essential_handle().spawn_blocking(
		"manual-seal",
		Some("block-authoring"),
		authorship,
	);
	Ok(())
}

/// A stream that yields every `period`, starting one period from now.
fn ticks(period: Duration) -> impl futures::Stream<Item = ()> + Send {
	futures::stream::unfold((), move |()| async move {
		futures_timer::Delay::new(period).await;
		Some(((), ()))
	})
}

/// Tells the settlement bridge's offchain worker, on every finality notification, how many of
/// the vault's deposits the ledger had credited as of the finalized block (it drops pending
/// deposits only below that count: a credit on the best chain may still be reverted).
async fn write_finalized_deposits<B: Backend<Block>>(client: Arc<FullClient>, backend: Arc<B>) {
	use codec::Encode;
	use polkadot_sdk::{
		sc_client_api::BlockchainEvents,
		sp_api::ProvideRuntimeApi,
		sp_core::offchain::{OffchainStorage, STORAGE_PREFIX},
	};
	use strikeline_primitives::api::BridgeApi;
	let Some(mut db) = backend.offchain_storage() else { return };
	let mut finality = client.finality_notification_stream();
	while let Some(notification) = finality.next().await {
		match client.runtime_api().deposits_credited(notification.hash) {
			Ok(Some(credited)) => db.set(
				STORAGE_PREFIX,
				strikeline_primitives::bridge::FINALIZED_DEPOSITS_KEY,
				&credited.encode(),
			),
			Ok(None) => {}
			Err(e) => log::debug!(target: "bridge", "deposits credited at finality: {e}"),
		}
	}
}

/// Hands the settlement bridge's per-node Ethereum settings to the offchain worker through
/// the node's offchain storage (removed when the node runs without them).
fn write_bridge_config<B: Backend<Block>>(
	backend: &B,
	bridge: Option<strikeline_primitives::bridge::EthWatchConfig>,
) {
	use codec::Encode;
	use polkadot_sdk::sp_core::offchain::{OffchainStorage, STORAGE_PREFIX};
	let Some(mut db) = backend.offchain_storage() else { return };
	let key = strikeline_primitives::bridge::ETH_WATCH_CONFIG_KEY;
	match bridge {
		Some(config) => db.set(STORAGE_PREFIX, key, &config.encode()),
		None => db.remove(STORAGE_PREFIX, key),
	}
}
