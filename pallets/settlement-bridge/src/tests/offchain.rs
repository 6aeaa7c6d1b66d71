//! The offchain worker's deposit watch, against a scripted Ethereum endpoint.
use super::*;
use crate::offchain::{parse_deposit, skipped_logs};
use polkadot_sdk::{
	sp_core::offchain::{testing, OffchainDbExt, OffchainWorkerExt, TransactionPoolExt},
	sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt},
	sp_runtime::offchain::storage::StorageValueRef,
};

const URL: &str = "http://eth.test:8545";
const DEPOSITOR: [u8; 20] = [0x77; 20];

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn word(v: u128) -> String {
	format!("0x{:064x}", v)
}

/// A `Deposited` log of the vault, with its amount as a 32-byte word.
fn log_word(id: u64, account: &[u8; 32], amount_word: &str) -> String {
	format!(
		r#"{{"address":"0x{}","topics":["0x{}","{}","0x{}","0x000000000000000000000000{}"],"data":"{}","transactionHash":"0x{}","removed":false}}"#,
		hex(&VAULT),
		hex(&bridge::deposited_topic()),
		word(id as u128),
		hex(account),
		hex(&DEPOSITOR),
		amount_word,
		"ab".repeat(32),
	)
}

fn log(id: u64, account: &[u8; 32], amount: u128) -> String {
	log_word(id, account, &word(amount))
}

fn expect_raw(state: &mut testing::OffchainState, method: &str, params: &str, response: &str) {
	state.expect_request(testing::PendingRequest {
		method: "POST".into(),
		uri: URL.into(),
		headers: vec![("Content-Type".into(), "application/json".into())],
		body: format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{params}}}"#)
			.into_bytes(),
		response: Some(response.as_bytes().to_vec()),
		sent: true,
		..Default::default()
	});
}

fn expect_rpc(state: &mut testing::OffchainState, method: &str, params: &str, result: &str) {
	expect_raw(state, method, params, &format!(r#"{{"jsonrpc":"2.0","id":1,"result":{result}}}"#));
}

/// The endpoint serves the `finalized` tag: block `n`.
fn expect_finalized(state: &mut testing::OffchainState, n: u64) {
	let block = format!(r#"{{"number":"0x{n:x}","hash":"0x{}"}}"#, "11".repeat(32));
	expect_rpc(state, "eth_getBlockByNumber", r#"["finalized",false]"#, &block);
}

/// The endpoint does not know the `finalized` tag (a JSON-RPC error); its head is `head`.
fn expect_no_finalized(state: &mut testing::OffchainState, head: u64) {
	expect_raw(
		state,
		"eth_getBlockByNumber",
		r#"["finalized",false]"#,
		r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"unknown block tag"}}"#,
	);
	expect_rpc(state, "eth_blockNumber", "[]", &format!(r#""0x{head:x}""#));
}

/// The next scan: the endpoint's finalized block is `finalized`, and the vault's logs of
/// blocks `from..=to` are `logs` (a JSON array).
fn expect_scan(state: &mut testing::OffchainState, finalized: u64, from: u64, to: u64, logs: &str) {
	expect_finalized(state, finalized);
	expect_rpc(state, "eth_getLogs", &get_logs_params(from, to), logs);
}

fn get_logs_params(from: u64, to: u64) -> String {
	format!(
		r#"[{{"address":"0x{}","fromBlock":"0x{from:x}","toBlock":"0x{to:x}","topics":["0x{}"]}}]"#,
		hex(&VAULT),
		hex(&bridge::deposited_topic())
	)
}

#[test]
fn deposit_logs_parse_and_unusable_ones_say_why() {
	let account = Bridge::account_bytes(&5);
	let good: serde_json::Value = serde_json::from_str(&log(3, &account, 1_000)).unwrap();
	assert_eq!(
		parse_deposit(&good),
		Ok(bridge::Deposit { id: 3, account, from: DEPOSITOR, amount: 1_000 })
	);
	// Another event, an amount beyond u128, a zero amount, a truncated topic list.
	let mut other = good.clone();
	other["topics"][0] = serde_json::Value::String(word(1));
	assert_eq!(parse_deposit(&other), Err("not a Deposited event"));
	let mut huge = good.clone();
	huge["data"] = serde_json::Value::String(format!("0x01{}", "00".repeat(31)));
	assert_eq!(parse_deposit(&huge), Err("amount above u128"));
	let mut zero = good.clone();
	zero["data"] = serde_json::Value::String(word(0));
	assert_eq!(parse_deposit(&zero), Err("zero amount"));
	let mut short = good;
	short["topics"].as_array_mut().unwrap().pop();
	assert_eq!(parse_deposit(&short), Err("not a Deposited event"));
}

/// An offchain worker of validator `i` (its key in the keystore) over the test runtime: the
/// externalities, the scripted endpoint's state and the transaction pool's.
macro_rules! worker_ext {
	($i:expr) => {{
		let mut ext = new_test_ext();
		let (pool, pool_state) = testing::TestTransactionPoolExt::new();
		let (offchain, state) = testing::TestOffchainExt::new();
		let keystore = MemoryKeystore::new();
		keystore.ecdsa_generate_new(crate::crypto::KEY_TYPE, Some(&validator_seed($i))).unwrap();
		ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
		ext.register_extension(OffchainDbExt::new(offchain));
		ext.register_extension(TransactionPoolExt::new(pool));
		ext.register_extension(KeystoreExt::new(keystore));
		ext.execute_with(|| {
			StorageValueRef::persistent(bridge::ETH_WATCH_CONFIG_KEY).set(
				&bridge::EthWatchConfig {
					rpc_url: URL.as_bytes().to_vec(),
					confirmations: 2,
					from_block: 10,
				},
			);
		});
		(ext, state, pool_state)
	}};
}

/// A deposit vote: id, account, depositor, amount, validator, signature.
type Vote = (u64, u64, [u8; 20], u128, u32, [u8; 65]);

/// The deposit votes in the pool, decoded.
fn votes(pool: &testing::PoolState) -> Vec<Vote> {
	use codec::Decode;
	pool.transactions
		.iter()
		.filter_map(|tx| {
			let xt = Extrinsic::decode(&mut &tx[..]).unwrap();
			match xt.function {
				RuntimeCall::Bridge(crate::Call::vote_deposit {
					deposit_id,
					who,
					from,
					amount,
					validator,
					signature,
				}) => Some((deposit_id, who, from, amount, validator, signature)),
				_ => None,
			}
		})
		.collect()
}

/// Deposits are taken at Ethereum finality where the endpoint serves the `finalized` tag
/// (not at the confirmation depth), and the vote names the depositor.
#[test]
fn validators_vote_for_finalized_deposits() {
	let (mut ext, state, pool_state) = worker_ext!(1);
	let account = Bridge::account_bytes(&5);
	ext.execute_with(|| {
		// Finalized 11 (the head may be far ahead): blocks 10..=11 are scanned.
		expect_scan(&mut state.write(), 11, 10, 11, &format!("[{}]", log(0, &account, 1_000)));
		Bridge::offchain_worker(2);
		let v = votes(&pool_state.read());
		assert_eq!(v.len(), 1);
		let (deposit_id, who, from, amount, validator, signature) = v[0];
		assert_eq!((deposit_id, who, from, amount, validator), (0, 5, DEPOSITOR, 1_000, 1));
		assert_ok!(Bridge::vote_deposit(
			RuntimeOrigin::none(),
			0,
			5,
			DEPOSITOR,
			1_000,
			1,
			signature
		));
	});
}

/// Without the `finalized` tag the confirmation depth is the fallback; an endpoint that is
/// down loses nothing and the cursor stays.
#[test]
fn the_confirmation_depth_is_the_fallback_and_an_outage_loses_nothing() {
	let (mut ext, state, pool_state) = worker_ext!(1);
	let account = Bridge::account_bytes(&5);
	ext.execute_with(|| {
		// Head 13, two confirmations: blocks 10..=11 are scanned.
		{
			let mut s = state.write();
			expect_no_finalized(&mut s, 13);
			let logs = format!("[{}]", log(0, &account, 1_000));
			expect_rpc(&mut s, "eth_getLogs", &get_logs_params(10, 11), &logs);
		}
		Bridge::offchain_worker(2);
		assert_eq!(votes(&pool_state.read()).len(), 1);
		let signature = votes(&pool_state.read())[0].5;
		assert_ok!(Bridge::vote_deposit(
			RuntimeOrigin::none(),
			0,
			5,
			DEPOSITOR,
			1_000,
			1,
			signature
		));
		// Next block: the endpoint is down. The vote is not sent again (it is on chain).
		{
			let mut s = state.write();
			expect_raw(&mut s, "eth_getBlockByNumber", r#"["finalized",false]"#, "not json");
			expect_raw(&mut s, "eth_blockNumber", "[]", "not json");
		}
		Bridge::offchain_worker(3);
		assert_eq!(pool_state.read().transactions.len(), 1);
		// Then it answers again; the scan resumes at block 12.
		{
			let mut s = state.write();
			expect_no_finalized(&mut s, 14);
			expect_rpc(&mut s, "eth_getLogs", &get_logs_params(12, 12), "[]");
		}
		Bridge::offchain_worker(4);
		assert_eq!(pool_state.read().transactions.len(), 1);
	});
}

/// A log the watcher cannot use (an amount above u128) is skipped and counted, the cursor
/// moves past it, and the good deposits of the same range are still voted for.
#[test]
fn an_unusable_log_is_skipped_and_reported_not_a_stall() {
	let (mut ext, state, pool_state) = worker_ext!(1);
	let account = Bridge::account_bytes(&5);
	ext.execute_with(|| {
		let huge = format!("0x01{}", "00".repeat(31));
		let logs = format!("[{},{}]", log_word(0, &account, &huge), log(1, &account, 50));
		expect_scan(&mut state.write(), 11, 10, 11, &logs);
		Bridge::offchain_worker(2);
		assert_eq!(skipped_logs(), 1);
		let v = votes(&pool_state.read());
		assert_eq!(v.iter().map(|v| (v.0, v.3)).collect::<Vec<_>>(), vec![(1, 50)]);
		// The next run scans on from block 12.
		expect_scan(&mut state.write(), 12, 12, 12, "[]");
		Bridge::offchain_worker(3);
	});
}

/// A credit on the node's best chain is not final: the deposit stays pending (and is voted
/// for again if a fork drops the credit) until the node's finalized block has it.
#[test]
fn pending_deposits_are_dropped_only_at_finality() {
	let (mut ext, state, _pool_state) = worker_ext!(1);
	let account = Bridge::account_bytes(&5);
	let pending = || {
		StorageValueRef::persistent(b"strikeline::bridge::eth_pending")
			.get::<Vec<bridge::Deposit>>()
			.unwrap()
			.unwrap_or_default()
			.len()
	};
	ext.execute_with(|| {
		expect_scan(&mut state.write(), 11, 10, 11, &format!("[{}]", log(0, &account, 1_000)));
		Bridge::offchain_worker(2);
		assert_eq!(pending(), 1);
		// Credited on the best chain; the node's finalized block does not have it yet.
		let d = bridge::Deposit { id: 0, account, from: DEPOSITOR, amount: 1_000 };
		let hash = bridge::deposit_vote_hash(CHAIN_ID, &VAULT, &d);
		for i in [0, 2, 3] {
			let sig = validator_pair(i).sign_prehashed(&hash).0;
			assert_ok!(Bridge::vote_deposit(RuntimeOrigin::none(), 0, 5, DEPOSITOR, 1_000, i, sig));
		}
		assert_eq!(Ledger::collateral(&5), Some(1_000));
		StorageValueRef::persistent(bridge::FINALIZED_DEPOSITS_KEY).set(&(VAULT, 0u64));
		expect_finalized(&mut state.write(), 11);
		Bridge::offchain_worker(3);
		assert_eq!(pending(), 1);
		// Finalized: dropped.
		StorageValueRef::persistent(bridge::FINALIZED_DEPOSITS_KEY).set(&(VAULT, 1u64));
		expect_finalized(&mut state.write(), 11);
		Bridge::offchain_worker(4);
		assert_eq!(pending(), 0);
	});
}
