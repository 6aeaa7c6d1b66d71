//! A real Ethereum node for the bridge tests: anvil from the npm package `@foundry-rs/anvil`
//! (installed by `scripts/contracts.sh` under `bridge/contracts/node_modules`), the contracts
//! forge built (`bridge/contracts/out`), and the relayer binary.
//!
//! Anvil runs on a free port with its state in a temporary directory (`--state`, dumped
//! every second and on exit), so it can be stopped and restarted with its chain; it is
//! stopped and its directory removed on drop.

use crate::{free_port, kill_child, repo_root, rpc_call, spawn_logged};
use alloy::{
	network::{EthereumWallet, TransactionBuilder},
	primitives::{Address, FixedBytes, B256, U256},
	providers::{DynProvider, Provider, ProviderBuilder},
	rpc::types::TransactionRequest,
	signers::local::PrivateKeySigner,
	sol_types::SolValue,
};
use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};
use std::{
	path::PathBuf,
	process::{Child, Command},
	time::{Duration, Instant},
};
use tempfile::TempDir;

pub use strikeline_relayer::anchor::{Commitment, ISettlementAnchor, IVault, Signature};

alloy::sol! {
	/// The development collateral token (`TestToken.sol`).
	#[sol(rpc)]
	interface ITestToken {
		function mint(address to, uint256 amount) external;
		function approve(address spender, uint256 amount) external returns (bool);
		function balanceOf(address who) external view returns (uint256);
	}
}

/// Anvil's well-known development keys (mnemonic "test test ... junk"), accounts 0..=5.
pub const KEYS: [&str; 6] = [
	"0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
	"0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
	"0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
	"0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
	"0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
	"0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
];

/// The signer of development account `i`.
pub fn signer(i: usize) -> PrivateKeySigner {
	KEYS[i].parse().expect("well-known key")
}

/// The anvil binary installed from npm.
pub fn anvil_binary() -> PathBuf {
	repo_root().join("bridge/contracts/node_modules/.bin/anvil")
}

/// The relayer binary, built next to the test executable.
pub fn relayer_binary() -> PathBuf {
	crate::node_binary().with_file_name("strikeline-relayer")
}

/// A running anvil.
pub struct Anvil {
	child: Option<Child>,
	/// JSON-RPC port on 127.0.0.1.
	pub port: u16,
	args: Vec<String>,
	dir: TempDir,
}

impl Anvil {
	/// Starts anvil (instant mining unless `block_time_s` is given) on a free port, its
	/// `finalized` block two behind its head.
	pub async fn start(block_time_s: Option<u64>) -> Result<Anvil> {
		let dir = tempfile::Builder::new().prefix("strikeline-anvil-").tempdir()?;
		// One slot per epoch: anvil's `finalized` block (what the validators take deposits at)
		// is then two blocks behind the head instead of 64.
		let mut args =
			["--state-interval", "1", "--slots-in-an-epoch", "1"].map(String::from).to_vec();
		if let Some(t) = block_time_s {
			args.extend(["--block-time".to_string(), t.to_string()]);
		}
		let mut anvil = Anvil { child: None, port: free_port(), args, dir };
		anvil.spawn().await?;
		Ok(anvil)
	}

	async fn spawn(&mut self) -> Result<()> {
		let mut command = Command::new(anvil_binary());
		command
			.args(["--port", &self.port.to_string(), "--host", "127.0.0.1"])
			.arg("--state")
			.arg(self.dir.path().join("state.json"))
			.args(&self.args);
		let child = spawn_logged(command, &self.dir.path().join("anvil.log"))
			.context("anvil is installed by scripts/contracts.sh")?;
		self.child = Some(child);
		let deadline = Instant::now() + Duration::from_secs(30);
		while self.rpc("eth_chainId", json!([])).await.is_err() {
			if Instant::now() > deadline {
				bail!("anvil did not answer in 30 s");
			}
			tokio::time::sleep(Duration::from_millis(100)).await;
		}
		Ok(())
	}

	/// `http://127.0.0.1:<port>`.
	pub fn url(&self) -> String {
		format!("http://127.0.0.1:{}", self.port)
	}

	/// One JSON-RPC call.
	pub async fn rpc(&self, method: &str, params: Value) -> Result<Value> {
		rpc_call(self.port, method, params).await
	}

	/// Stops anvil politely (SIGINT), so that it dumps its state.
	pub async fn stop(&mut self) -> Result<()> {
		if let Some(mut child) = self.child.take() {
			Command::new("kill").args(["-INT", &child.id().to_string()]).status()?;
			let deadline = Instant::now() + Duration::from_secs(10);
			while child.try_wait()?.is_none() {
				if Instant::now() > deadline {
					let _ = child.kill();
				}
				tokio::time::sleep(Duration::from_millis(50)).await;
			}
		}
		Ok(())
	}

	/// Starts anvil again on the same port, from its dumped state.
	pub async fn restart(&mut self) -> Result<()> {
		self.stop().await?;
		self.spawn().await
	}

	/// Mines `n` blocks.
	pub async fn mine(&self, n: u64) -> Result<()> {
		self.rpc("anvil_mine", json!([format!("0x{n:x}")])).await.map(drop)
	}

	/// Moves the clock `secs` forward and mines a block.
	pub async fn advance_time(&self, secs: u64) -> Result<()> {
		self.rpc("evm_increaseTime", json!([secs])).await?;
		self.mine(1).await
	}

	/// A provider that signs with development account `i`.
	pub fn wallet(&self, i: usize) -> Result<DynProvider> {
		Ok(ProviderBuilder::new()
			.wallet(EthereumWallet::from(signer(i)))
			.connect_http(self.url().parse()?)
			.erased())
	}
}

impl Drop for Anvil {
	fn drop(&mut self) {
		kill_child(&mut self.child);
	}
}

/// Contract `name`'s artifact in forge's output (`bridge/contracts/out/{name}.sol/{name}.json`).
pub fn artifact(name: &str) -> Result<Value> {
	let path = repo_root().join(format!("bridge/contracts/out/{name}.sol/{name}.json"));
	let text = std::fs::read_to_string(&path)
		.with_context(|| format!("{} (run scripts/contracts.sh build)", path.display()))?;
	Ok(serde_json::from_str(&text)?)
}

/// A contract's creation bytecode from forge's output (`bridge/contracts/out`).
pub fn bytecode(name: &str) -> Result<Vec<u8>> {
	let json = artifact(name)?;
	let hex = json["bytecode"]["object"].as_str().ok_or_else(|| anyhow!("no bytecode"))?;
	Ok(hex::decode(hex.trim_start_matches("0x"))?)
}

/// Deploys `name` with ABI-encoded constructor `args` and `value` wei; its address.
pub async fn deploy(eth: &DynProvider, name: &str, args: Vec<u8>, value: U256) -> Result<Address> {
	let mut code = bytecode(name)?;
	code.extend(args);
	let tx = TransactionRequest::default().with_deploy_code(code).with_value(value);
	let receipt = eth.send_transaction(tx).await?.get_receipt().await?;
	receipt.contract_address.ok_or_else(|| anyhow!("{name} not deployed"))
}

/// The bridge's contracts on anvil.
pub struct Contracts {
	/// The collateral token.
	pub token: Address,
	/// The settlement anchor.
	pub anchor: Address,
	/// The vault.
	pub vault: Address,
}

/// The dev chain's bridge chain id (the runtime's `DEV_BRIDGE_CHAIN_ID`).
pub const DEV_CHAIN_ID: u64 = 0x5354_524b;
/// The local testnet's bridge chain id (the runtime's `LOCAL_BRIDGE_CHAIN_ID`).
pub const LOCAL_CHAIN_ID: u64 = 0x5354_524c;
/// Anvil's Ethereum chain id.
pub const ANVIL_CHAIN_ID: u64 = 31_337;

/// The local testnet's bridge validator set, strictly increasing: the bridge keys of `//Bob`,
/// `//Dave`, `//Charlie` and `//Alice` (the runtime's `DEV_BRIDGE_ADDRESSES`, sorted).
pub const LOCAL_VALIDATORS: [[u8; 20]; 4] = [
	hex_literal(b"25451a4de12dccc2d166922fa938e900fcc4ed24"),
	hex_literal(b"4bb32a4263e369acbb6c020ffa89a41fd9722894"),
	hex_literal(b"5630a480727cd7799073b36472d9b1a6031f840b"),
	hex_literal(b"e04cc55ebee1cbce552f250e85c57b70b2e2625b"),
];

/// The dev chain's bridge validator set: `//Alice`'s bridge key.
pub const DEV_VALIDATORS: [[u8; 20]; 1] = [LOCAL_VALIDATORS[3]];

const fn hex_literal(s: &[u8; 40]) -> [u8; 20] {
	const fn nibble(c: u8) -> u8 {
		match c {
			b'0'..=b'9' => c - b'0',
			_ => c - b'a' + 10,
		}
	}
	let mut out = [0u8; 20];
	let mut i = 0;
	while i < 20 {
		out[i] = nibble(s[2 * i]) << 4 | nibble(s[2 * i + 1]);
		i += 1;
	}
	out
}

/// Deploys the token and the vault, which creates its anchor (for Strikeline chain
/// `chain_id` and `validators`, with a freeze window and a relayer reward funded with `pool`
/// wei), from development account 0.
pub async fn deploy_bridge(
	eth: &DynProvider,
	chain_id: u64,
	validators: &[[u8; 20]],
	freeze_window_s: u64,
	reward_wei: U256,
	pool_wei: U256,
) -> Result<Contracts> {
	let token = deploy(eth, "TestToken", Vec::new(), U256::ZERO).await?;
	let set: Vec<Address> = validators.iter().map(|a| Address::from(*a)).collect();
	let genesis = B256::from(strikeline_primitives::bridge::genesis_hash(chain_id));
	let args =
		(token, chain_id, set, genesis, U256::from(freeze_window_s), reward_wei, Address::ZERO)
			.abi_encode_params();
	let vault = deploy(eth, "Vault", args, pool_wei).await?;
	let anchor = IVault::new(vault, eth).anchor().call().await?;
	if anchor.into_array() != strikeline_primitives::bridge::anchor_address(&vault.into_array()) {
		bail!("the vault's anchor is not where the chain expects it");
	}
	Ok(Contracts { token, anchor, vault })
}

/// Mints `amount` to development account `i`, approves the vault and deposits it for the
/// Strikeline account `account`; returns the deposit's Ethereum block.
pub async fn deposit(
	anvil: &Anvil,
	c: &Contracts,
	i: usize,
	account: [u8; 32],
	amount: u128,
) -> Result<u64> {
	let eth = anvil.wallet(i)?;
	let me = signer(i).address();
	let token = ITestToken::new(c.token, &eth);
	token.mint(me, U256::from(amount)).send().await?.get_receipt().await?;
	token.approve(c.vault, U256::from(amount)).send().await?.get_receipt().await?;
	let vault = IVault::new(c.vault, &eth);
	let receipt =
		vault.deposit(FixedBytes(account), U256::from(amount)).send().await?.get_receipt().await?;
	if !receipt.status() {
		bail!("deposit reverted");
	}
	receipt.block_number.ok_or_else(|| anyhow!("no block number"))
}

/// The token balance of `who`.
pub async fn token_balance(anvil: &Anvil, c: &Contracts, who: Address) -> Result<u128> {
	let eth = anvil.wallet(0)?;
	let b = ITestToken::new(c.token, &eth).balanceOf(who).call().await?;
	Ok(b.to::<u128>())
}

/// The anchor's validator set id.
pub async fn anchor_set_id(anvil: &Anvil, c: &Contracts) -> Result<u64> {
	let eth = anvil.wallet(0)?;
	Ok(ISettlementAnchor::new(c.anchor, &eth).validatorSetId().call().await?)
}

/// The anchor's last accepted epoch.
pub async fn anchored_epoch(anvil: &Anvil, c: &Contracts) -> Result<u64> {
	let eth = anvil.wallet(0)?;
	Ok(ISettlementAnchor::new(c.anchor, &eth).lastEpoch().call().await?)
}

/// A running `strikeline-relayer` process (killed on drop).
pub struct Relayer {
	child: Option<Child>,
	args: Vec<String>,
	/// Its metrics port.
	pub metrics_port: u16,
	log: PathBuf,
	_dir: TempDir,
}

impl Relayer {
	/// Starts a relayer with development account `key` as its Ethereum key, relayer `index`
	/// of `count`, taking over after `takeover_s`.
	pub fn start(
		node_ws: &str,
		anvil: &Anvil,
		anchor: Address,
		key: usize,
		index: u64,
		count: u64,
		takeover_s: u64,
	) -> Result<Relayer> {
		let dir = tempfile::Builder::new().prefix("strikeline-relayer-").tempdir()?;
		let metrics_port = free_port();
		let args = vec![
			"--node".into(),
			node_ws.into(),
			"--eth".into(),
			anvil.url(),
			"--anchor".into(),
			anchor.to_string(),
			"--metrics".into(),
			format!("127.0.0.1:{metrics_port}"),
			"--index".into(),
			index.to_string(),
			"--relayers".into(),
			count.to_string(),
			"--takeover-secs".into(),
			takeover_s.to_string(),
			"--key".into(),
			KEYS[key].into(),
		];
		let log = dir.path().join("relayer.log");
		let mut r = Relayer { child: None, args, metrics_port, log, _dir: dir };
		r.spawn()?;
		Ok(r)
	}

	/// Starts the process (again).
	pub fn spawn(&mut self) -> Result<()> {
		let mut command = Command::new(relayer_binary());
		command.args(&self.args);
		self.child = Some(spawn_logged(command, &self.log)?);
		Ok(())
	}

	/// Kills the process (SIGKILL, at whatever point it is).
	pub fn kill(&mut self) {
		kill_child(&mut self.child);
	}

	/// The relayer's log.
	pub fn log(&self) -> String {
		std::fs::read_to_string(&self.log).unwrap_or_default()
	}

	/// A metric's value (`strikeline_relayer_<name>`), 0 if absent.
	pub async fn metric(&self, name: &str) -> Result<u64> {
		let text = crate::http_get(self.metrics_port, "/metrics").await?;
		let key = format!("strikeline_relayer_{name} ");
		Ok(text
			.lines()
			.find_map(|l| l.strip_prefix(&key))
			.and_then(|v| v.trim().parse().ok())
			.unwrap_or(0))
	}
}

impl Drop for Relayer {
	fn drop(&mut self) {
		self.kill();
	}
}
