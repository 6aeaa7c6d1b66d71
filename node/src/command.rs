//! Dispatch of the command line to the node service and the subcommands.

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};
use polkadot_sdk::{
	sc_cli::{self, SubstrateCli},
	sc_consensus_grandpa, sc_network,
	sc_service::{self, PartialComponents},
};
use strikeline_runtime::opaque::Block;

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"Strikeline Node".into()
	}

	/// The crate version only: a commit hash here (substrate-build-script-utils) would make
	/// every commit recompile the node crate, and a fresh clone rerun its build script.
	fn impl_version() -> String {
		env!("CARGO_PKG_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://github.com/strikeline/strikeline/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	/// `dev` and `local` are built in; anything else is a path to a chain spec JSON file.
	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		Ok(match id {
			"dev" => Box::new(chain_spec::development_chain_spec()?),
			"" | "local" => Box::new(chain_spec::local_chain_spec()?),
			path => {
				let path = std::path::PathBuf::from(path);
				if !path.is_file() {
					return Err(format!(
						"chain spec `{}` not found: pass `dev`, `local` or the path of a chain spec JSON file",
						path.display()
					));
				}
				Box::new(
					chain_spec::ChainSpec::from_json_file(path.clone())
						.map_err(|e| format!("invalid chain spec `{}`: {e}", path.display()))?,
				)
			}
		})
	}
}

/// Parses the command line and runs the node or the subcommand.
pub fn run() -> sc_cli::Result<()> {
	let cli = Cli::from_args();
	let sealing = cli.sealing;
	let bridge = cli.bridge.watch_config();

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let chain_spec = cli.load_spec(&cmd.chain)?;
			cmd.run(chain_spec)
		}
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config, sealing.is_some())?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } =
					service::new_partial(&config, sealing.is_some())?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		}
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } =
					service::new_partial(&config, sealing.is_some())?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		}
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config, sealing.is_some())?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		}
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } =
					service::new_partial(&config, sealing.is_some())?;
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		}
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		}
		None => {
			let runner = cli.create_runner(&cli.run)?;
			runner.run_node_until_exit(|config| async move {
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => {
						service::new_full::<
							sc_network::NetworkWorker<
								Block,
								<Block as polkadot_sdk::sp_runtime::traits::Block>::Hash,
							>,
						>(config, sealing, bridge)
						.map_err(sc_cli::Error::Service)
					}
					sc_network::config::NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(
							config, sealing, bridge,
						)
						.map_err(sc_cli::Error::Service)
					}
				}
			})
		}
	}
}
