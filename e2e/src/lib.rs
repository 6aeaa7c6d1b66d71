//! Harness for driving real `strikeline-node` processes in tests and benchmarks.
//!
//! Every node is started on free loopback ports with its own temporary base path, logs to a
//! file in that directory, and is killed (and its directory removed) when its [`Node`] is
//! dropped, so a failing test leaves nothing behind.
//!
//! The node binary is taken from `$STRIKELINE_NODE`, or else from the cargo target directory
//! this test was built into (`<target>/release/strikeline-node`), which `scripts/test.sh`
//! builds first.

pub mod bridge;
pub mod clearing;
pub mod ethereum;
pub mod liquidation;

use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};
use std::{
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};
use subxt::{
	ext::scale_decode::DecodeAsFields, extrinsics::ExtrinsicEvents, transactions::Payload,
	OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::Keypair;
use tempfile::TempDir;

/// Path of the `strikeline-node` binary under test.
pub fn node_binary() -> PathBuf {
	if let Some(path) = std::env::var_os("STRIKELINE_NODE") {
		return PathBuf::from(path);
	}
	// <target>/release/deps/<test-exe> -> <target>/release/strikeline-node
	let exe = std::env::current_exe().expect("the test executable has a path");
	let mut dir = exe.parent().expect("executable has a parent dir").to_path_buf();
	if dir.ends_with("deps") {
		dir.pop();
	}
	dir.join("strikeline-node")
}

/// Root of the repository (for `chain-specs/` and `bridge/contracts/`).
///
/// Read at run time: cargo and nextest set `CARGO_MANIFEST_DIR` for every test process, to the
/// checkout being tested. The compile-time value is only the fallback, because a library built
/// in one checkout is reused from the shared target directory by a build in another (CI's
/// clone), and would point the tests at the first checkout's files.
pub fn repo_root() -> PathBuf {
	let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
		.map(PathBuf::from)
		.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
	manifest_dir.parent().expect("e2e/ is in the repo").to_path_buf()
}

/// A free TCP port on 127.0.0.1 (bound and released; the OS will not hand it out again soon).
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0")
		.and_then(|l| l.local_addr())
		.map(|a| a.port())
		.expect("can bind an ephemeral port on loopback")
}

/// Spawns `command` with stdin closed and stdout and stderr appended to the file `log`.
pub fn spawn_logged(mut command: Command, log: &Path) -> Result<Child> {
	let file = std::fs::OpenOptions::new()
		.create(true)
		.append(true)
		.open(log)
		.with_context(|| format!("open {}", log.display()))?;
	command
		.stdin(Stdio::null())
		.stdout(file.try_clone()?)
		.stderr(file)
		.spawn()
		.with_context(|| format!("spawn {}", command.get_program().to_string_lossy()))
}

/// Polls `check` every 250 ms until it yields a value, or fails after `timeout` naming
/// `what` it waited for.
pub async fn wait_until<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> Result<T>
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = Result<Option<T>>>,
{
	let deadline = tokio::time::Instant::now() + timeout;
	loop {
		if let Some(v) = check().await? {
			return Ok(v);
		}
		if tokio::time::Instant::now() > deadline {
			bail!("{what}: not within {timeout:?}");
		}
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
}

/// Kills a child process (SIGKILL, at whatever point it is) and reaps it.
pub fn kill_child(child: &mut Option<Child>) {
	if let Some(mut child) = child.take() {
		let _ = child.kill();
		let _ = child.wait();
	}
}

/// The node key of the local network's boot node (Alice); validator `i` (from 0) of a
/// [`Network`] has node key `i + 1`.
pub const BOOTNODE_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000001";

/// A running `strikeline-node` process.
pub struct Node {
	/// Name, for logs.
	pub name: String,
	child: Option<Child>,
	/// JSON-RPC port (HTTP and WebSocket) on 127.0.0.1.
	pub rpc_port: u16,
	/// libp2p port on 127.0.0.1.
	pub p2p_port: u16,
	/// Prometheus port on 127.0.0.1.
	pub prometheus_port: u16,
	/// Arguments the node was started with (without ports and base path).
	args: Vec<String>,
	/// Base path and log file; removed on drop.
	dir: TempDir,
}

impl Node {
	/// Starts a node with `args` plus free ports and a fresh base path in a temp dir.
	pub fn start(name: &str, args: &[&str]) -> Result<Node> {
		let mut node = Node::prepare(name)?;
		node.args = args.iter().map(|s| s.to_string()).collect();
		node.spawn()?;
		Ok(node)
	}

	/// A node with its ports and base path chosen, not yet started: set its arguments with
	/// [`Node::set_args`] (they may use the ports), then [`Node::spawn`] it.
	pub fn prepare(name: &str) -> Result<Node> {
		let dir = tempfile::Builder::new().prefix(&format!("strikeline-{name}-")).tempdir()?;
		Ok(Node {
			name: name.to_string(),
			child: None,
			rpc_port: free_port(),
			p2p_port: free_port(),
			prometheus_port: free_port(),
			args: Vec::new(),
			dir,
		})
	}

	/// Sets the arguments the node is (re)started with.
	pub fn set_args<S: AsRef<str>>(&mut self, args: &[S]) {
		self.args = args.iter().map(|s| s.as_ref().to_string()).collect();
	}

	/// Starts the process. Ports and base path are added to the arguments; the node listens
	/// for peers on 127.0.0.1 only.
	pub fn spawn(&mut self) -> Result<()> {
		let mut command = Command::new(node_binary());
		command.args(&self.args);
		// `--tmp` asks the node for its own temporary base path; otherwise use ours.
		if !self.args.iter().any(|a| a == "--tmp") {
			command.arg("--base-path").arg(self.dir.path().join("db"));
		}
		command
			.args(["--rpc-port", &self.rpc_port.to_string()])
			.args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{}", self.p2p_port)])
			.args(["--prometheus-port", &self.prometheus_port.to_string()])
			.args(["--no-telemetry", "--no-mdns", "--rpc-cors", "all"]);
		self.child = Some(spawn_logged(command, &self.log_path())?);
		Ok(())
	}

	/// The node's log file.
	pub fn log_path(&self) -> PathBuf {
		self.dir.path().join("node.log")
	}

	/// The last `n` lines of the node's log.
	pub fn log_tail(&self, n: usize) -> String {
		let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
		let lines: Vec<&str> = log.lines().collect();
		lines[lines.len().saturating_sub(n)..].join("\n")
	}

	/// `ws://127.0.0.1:<rpc port>`.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}

	/// Whether the process is still running.
	pub fn is_running(&mut self) -> bool {
		matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
	}

	/// Stops the process (SIGKILL: a validator that dies, not one that shuts down politely).
	pub fn kill(&mut self) {
		kill_child(&mut self.child);
	}

	/// Starts the process again with the same ports, keys and database.
	pub fn restart(&mut self) -> Result<()> {
		self.kill();
		self.spawn()
	}

	/// One JSON-RPC call over HTTP.
	pub async fn rpc(&self, method: &str, params: Value) -> Result<Value> {
		rpc_call(self.rpc_port, method, params).await
	}

	/// Waits until the RPC server answers `system_health`.
	pub async fn wait_rpc(&mut self, timeout: Duration) -> Result<()> {
		let deadline = Instant::now() + timeout;
		loop {
			if !self.is_running() {
				bail!("node {} exited early:\n{}", self.name, self.log_tail(40));
			}
			if self.rpc("system_health", json!([])).await.is_ok() {
				return Ok(());
			}
			if Instant::now() > deadline {
				bail!("node {} RPC not up after {timeout:?}:\n{}", self.name, self.log_tail(40));
			}
			tokio::time::sleep(Duration::from_millis(100)).await;
		}
	}

	/// Best block number.
	pub async fn best_number(&self) -> Result<u64> {
		let header = self.rpc("chain_getHeader", json!([])).await?;
		parse_number(&header["number"])
	}

	/// Finalized block number.
	pub async fn finalized_number(&self) -> Result<u64> {
		let hash = self.rpc("chain_getFinalizedHead", json!([])).await?;
		let header = self.rpc("chain_getHeader", json!([hash])).await?;
		parse_number(&header["number"])
	}

	/// Hash of block `n` on the node's best chain, if it has one.
	pub async fn block_hash(&self, n: u64) -> Result<Option<String>> {
		let hash = self.rpc("chain_getBlockHash", json!([n])).await?;
		Ok(hash.as_str().map(str::to_string))
	}

	/// Waits until `condition` holds for the node's (best, finalized) numbers.
	pub async fn wait_for(
		&mut self,
		what: &str,
		timeout: Duration,
		condition: impl Fn(u64, u64) -> bool,
	) -> Result<(u64, u64)> {
		let deadline = Instant::now() + timeout;
		loop {
			if !self.is_running() {
				bail!("node {} exited while waiting for {what}:\n{}", self.name, self.log_tail(40));
			}
			if let (Ok(best), Ok(finalized)) =
				(self.best_number().await, self.finalized_number().await)
			{
				if condition(best, finalized) {
					return Ok((best, finalized));
				}
				if Instant::now() > deadline {
					bail!(
						"node {}: no {what} after {timeout:?} (best {best}, finalized {finalized}):\n{}",
						self.name,
						self.log_tail(40)
					);
				}
			} else if Instant::now() > deadline {
				bail!("node {}: no {what} after {timeout:?}:\n{}", self.name, self.log_tail(40));
			}
			tokio::time::sleep(Duration::from_millis(100)).await;
		}
	}

	/// A subxt client connected to this node.
	pub async fn client(&self) -> Result<OnlineClient<PolkadotConfig>> {
		OnlineClient::<PolkadotConfig>::from_insecure_url(self.ws_url())
			.await
			.map_err(|e| anyhow!("subxt could not connect to {}: {e}", self.name))
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		self.kill();
	}
}

/// The next nonce of `who`, counting its transactions in the node's pool (subxt's default
/// reads the nonce at the finalized block, which repeats it for transactions sent in a row).
pub async fn next_nonce(port: u16, who: &Keypair) -> Result<u64> {
	let who = subxt::utils::AccountId32(who.public_key().0).to_string();
	let v = rpc_call(port, "system_accountNextIndex", json!([who])).await?;
	v.as_u64().ok_or_else(|| anyhow!("bad nonce {v}"))
}

/// Signs `calls` with `signer` with consecutive nonces, submits them all, then waits until
/// every one is finalized and succeeded.
pub async fn submit_all_finalized<Call: Payload>(
	api: &OnlineClient<PolkadotConfig>,
	port: u16,
	signer: &Keypair,
	calls: &[Call],
) -> Result<()> {
	use subxt::config::polkadot::PolkadotExtrinsicParamsBuilder as Params;
	let nonce = next_nonce(port, signer).await?;
	let mut pending = Vec::new();
	for (i, call) in calls.iter().enumerate() {
		let params = Params::<PolkadotConfig>::new().nonce(nonce + i as u64).build();
		let mut tx = api.at_current_block().await?.transactions();
		pending.push(tx.sign_and_submit_then_watch(call, signer, params).await?);
	}
	for p in pending {
		p.wait_for_finalized_success().await?;
	}
	Ok(())
}

/// Signs `call` with `signer` at `nonce` (immortal: a long queue can outlive the default
/// mortality) and submits it without a watch, for load where outcomes are read from the
/// blocks' events instead. Under load the fork-aware pool can answer a submission with
/// "already imported" when the view of a block built meanwhile imported it first
/// (polkadot-sdk PRs #11419 and #12919; watched submissions then lose their watch): the
/// transaction is in the pool, so that answer counts as submitted.
pub async fn submit_unwatched<Call: Payload>(
	api: &OnlineClient<PolkadotConfig>,
	call: &Call,
	signer: &Keypair,
	nonce: u64,
) -> Result<()> {
	use subxt::config::polkadot::PolkadotExtrinsicParamsBuilder as Params;
	let params = Params::<PolkadotConfig>::new().nonce(nonce).immortal().build();
	let tx =
		api.at_current_block().await?.transactions().create_signed(call, signer, params).await?;
	match tx.submit().await {
		Ok(_) => Ok(()),
		Err(e) if e.to_string().to_lowercase().contains("already imported") => Ok(()),
		Err(e) => Err(e.into()),
	}
}

/// Signs `call` with `signer` at the current finalized block, submits it, and waits until it
/// is finalized and succeeded; returns its events.
pub async fn submit_finalized<Call: Payload>(
	api: &OnlineClient<PolkadotConfig>,
	call: &Call,
	signer: &Keypair,
) -> Result<ExtrinsicEvents<PolkadotConfig>> {
	Ok(api
		.at_current_block()
		.await?
		.transactions()
		.sign_and_submit_then_watch_default(call, signer)
		.await?
		.wait_for_finalized_success()
		.await?)
}

/// `who`'s free native balance at the best block.
pub async fn free_balance(api: &OnlineClient<PolkadotConfig>, who: &Keypair) -> Result<u128> {
	use subxt::{
		dynamic::{self, Value},
		ext::scale_value::At,
	};
	let at = api.at_current_block().await?;
	let addr = dynamic::storage::<([u8; 32],), Value>("System", "Account");
	let account = at.storage().fetch(addr, (who.public_key().0,)).await?.decode()?;
	account
		.at("data")
		.at("free")
		.and_then(|v| v.as_u128())
		.ok_or_else(|| anyhow!("no free balance in {account}"))
}

/// The fields of the first `pallet.event` among an extrinsic's events.
pub fn event_fields<E: DecodeAsFields>(
	events: &ExtrinsicEvents<PolkadotConfig>,
	pallet: &str,
	event: &str,
) -> Result<E> {
	let found = events
		.iter()
		.filter_map(Result::ok)
		.find(|e| e.pallet_name() == pallet && e.event_name() == event)
		.ok_or_else(|| anyhow!("no {pallet}.{event} event"))?;
	Ok(found.decode_fields_unchecked_as::<E>()?)
}

/// Parses a hex block number (`"0x1a"`) from JSON.
pub fn parse_number(v: &Value) -> Result<u64> {
	let s = v.as_str().ok_or_else(|| anyhow!("expected a hex number, got {v}"))?;
	Ok(u64::from_str_radix(s.trim_start_matches("0x"), 16)?)
}

/// A JSON-RPC 2.0 call over plain HTTP/1.1 on loopback. Returns `result`, or an error with
/// the server's `error` object.
pub async fn rpc_call(port: u16, method: &str, params: Value) -> Result<Value> {
	let reply = rpc_call_raw(port, method, params).await?;
	if let Some(err) = reply.get("error") {
		bail!("{method}: RPC error {err}");
	}
	Ok(reply.get("result").cloned().unwrap_or(Value::Null))
}

/// Like [`rpc_call`], but returns the whole reply (`result` or `error`).
pub async fn rpc_call_raw(port: u16, method: &str, params: Value) -> Result<Value> {
	let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
	let request = format!(
		"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
		body.len()
	);
	let body = http_exchange(port, &request).await?;
	serde_json::from_str(&body).with_context(|| format!("{method}: reply is not JSON: {body}"))
}

/// `GET path` over plain HTTP/1.1 on loopback; returns the body.
pub async fn http_get(port: u16, path: &str) -> Result<String> {
	let request =
		format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
	http_exchange(port, &request).await
}

/// Sends one HTTP/1.1 request to 127.0.0.1:`port` and returns the reply's body.
async fn http_exchange(port: u16, request: &str) -> Result<String> {
	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	let io = async {
		let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
		stream.write_all(request.as_bytes()).await?;
		let mut response = Vec::new();
		stream.read_to_end(&mut response).await?;
		anyhow::Ok(response)
	};
	let response = tokio::time::timeout(Duration::from_secs(10), io).await??;
	let text = String::from_utf8(response)?;
	let (head, body) =
		text.split_once("\r\n\r\n").ok_or_else(|| anyhow!("malformed HTTP reply: {text}"))?;
	if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
		dechunk(body)
	} else {
		Ok(body.to_string())
	}
}

fn dechunk(mut body: &str) -> Result<String> {
	let mut out = String::new();
	loop {
		let (size, rest) = body.split_once("\r\n").ok_or_else(|| anyhow!("bad chunk"))?;
		let size = usize::from_str_radix(size.trim(), 16)?;
		if size == 0 {
			return Ok(out);
		}
		out.push_str(rest.get(..size).ok_or_else(|| anyhow!("short chunk"))?);
		body = rest.get(size + 2..).ok_or_else(|| anyhow!("short chunk"))?;
	}
}

/// Runs the node binary with `args` to completion (for subcommands and CLI errors).
pub fn run_node_command(args: &[&str]) -> Result<std::process::Output> {
	Command::new(node_binary())
		.args(args)
		.stdin(Stdio::null())
		.output()
		.with_context(|| format!("run {}", node_binary().display()))
}

/// The peer id of a node key, from `strikeline-node key inspect-node-key`.
pub fn peer_id_of(node_key_hex: &str) -> Result<String> {
	let dir = TempDir::new()?;
	let file = dir.path().join("key");
	std::fs::write(&file, node_key_hex)?;
	let out =
		run_node_command(&["key", "inspect-node-key", "--file", file.to_str().unwrap_or("")])?;
	if !out.status.success() {
		bail!("inspect-node-key failed: {}", String::from_utf8_lossy(&out.stderr));
	}
	Ok(String::from_utf8(out.stdout)?.trim().to_string())
}

/// A network of validators from a chain spec, on loopback: the first is the boot node
/// (with [`BOOTNODE_KEY`]), the others find the network through it.
pub struct Network {
	/// The validators, in the order of `validators`.
	pub nodes: Vec<Node>,
}

impl Network {
	/// Starts one validator per name in `validators` (`alice`, `bob`, ...) on `chain`, with
	/// `extra` arguments for every node, and waits for their RPC servers.
	pub async fn start(chain: &Path, validators: &[&str], extra: &[&str]) -> Result<Network> {
		let chain = chain.to_str().ok_or_else(|| anyhow!("chain spec path is not UTF-8"))?;
		let peer_id = peer_id_of(BOOTNODE_KEY)?;
		let mut nodes: Vec<Node> = Vec::new();
		for (i, who) in validators.iter().enumerate() {
			let mut node = Node::prepare(who)?;
			// Node keys 0x..01, 0x..02, ...: fixed peer ids, like the README's commands.
			let node_key = format!("{:064x}", i + 1);
			let mut args: Vec<String> = vec![
				"--chain".into(),
				chain.into(),
				"--validator".into(),
				format!("--{who}"),
				"--node-key".into(),
				node_key,
			];
			if let Some(boot) = nodes.first() {
				args.extend([
					"--bootnodes".into(),
					format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer_id}", boot.p2p_port),
				]);
			}
			args.extend(extra.iter().map(|s| s.to_string()));
			node.set_args(&args);
			node.spawn()?;
			nodes.push(node);
		}
		for node in &mut nodes {
			node.wait_rpc(Duration::from_secs(60)).await?;
		}
		Ok(Network { nodes })
	}
}
