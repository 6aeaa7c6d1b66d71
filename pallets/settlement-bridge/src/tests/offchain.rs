//! The offchain worker's deposit watch, against a scripted Ethereum endpoint.
use super::*;
use crate::offchain::{parse_deposit, SeenDeposit};
use polkadot_sdk::{
	sp_core::offchain::{testing, OffchainDbExt, OffchainWorkerExt, TransactionPoolExt},
	sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt},
	sp_runtime::offchain::storage::StorageValueRef,
};

const URL: &str = "http://eth.test:8545";
const VAULT: [u8; 20] = [0x5a; 20];

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn word(v: u128) -> String {
	format!("0x{:064x}", v)
}

/// A `Deposited` log of the vault.
fn log(id: u64, account: &[u8; 32], amount: u128) -> String {
	format!(
		r#"{{"address":"0x{}","topics":["0x{}","{}","0x{}","0x000000000000000000000000{}"],"data":"{}","removed":false}}"#,
		hex(&VAULT),
		hex(&bridge::deposited_topic()),
		word(id as u128),
		hex(account),
		hex(&[0x77; 20]),
		word(amount)
	)
}

fn expect_rpc(state: &mut testing::OffchainState, method: &str, params: &str, result: &str) {
	state.expect_request(testing::PendingRequest {
		method: "POST".into(),
		uri: URL.into(),
		headers: vec![("Content-Type".into(), "application/json".into())],
		body: format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{params}}}"#)
			.into_bytes(),
		response: Some(format!(r#"{{"jsonrpc":"2.0","id":1,"result":{result}}}"#).into_bytes()),
		sent: true,
		..Default::default()
	});
}

fn get_logs_params(from: u64, to: u64) -> String {
	format!(
		r#"[{{"address":"0x{}","fromBlock":"0x{from:x}","toBlock":"0x{to:x}","topics":["0x{}"]}}]"#,
		hex(&VAULT),
		hex(&bridge::deposited_topic())
	)
}

#[test]
fn deposit_logs_parse_and_bad_ones_are_refused() {
	let account = Bridge::account_bytes(&5);
	let good: serde_json::Value = serde_json::from_str(&log(3, &account, 1_000)).unwrap();
	assert_eq!(parse_deposit(&good), Some(SeenDeposit { id: 3, account, amount: 1_000 }));
	// Another event, an amount beyond u128, a truncated topic list.
	let mut other = good.clone();
	other["topics"][0] = serde_json::Value::String(word(1));
	assert_eq!(parse_deposit(&other), None);
	let mut huge = good.clone();
	huge["data"] = serde_json::Value::String(format!("0x01{}", "00".repeat(31)));
	assert_eq!(parse_deposit(&huge), None);
	let mut short = good;
	short["topics"].as_array_mut().unwrap().pop();
	assert_eq!(parse_deposit(&short), None);
}

#[test]
fn validators_vote_for_confirmed_deposits_on_their_endpoint() {
	let mut ext = new_test_ext();
	let (pool, pool_state) = testing::TestTransactionPoolExt::new();
	let (offchain, state) = testing::TestOffchainExt::new();
	let keystore = MemoryKeystore::new();
	keystore.ecdsa_generate_new(crate::crypto::KEY_TYPE, Some("//Validator1")).unwrap();
	ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
	ext.register_extension(OffchainDbExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(KeystoreExt::new(keystore));
	let account = Bridge::account_bytes(&5);
	ext.execute_with(|| {
		crate::Vault::<Test>::put(VAULT);
		StorageValueRef::persistent(bridge::ETH_WATCH_CONFIG_KEY).set(&bridge::EthWatchConfig {
			rpc_url: URL.as_bytes().to_vec(),
			confirmations: 2,
			from_block: 10,
		});
		// Head 13, two confirmations: blocks 10..=11 are scanned.
		{
			let mut s = state.write();
			expect_rpc(&mut s, "eth_blockNumber", "[]", r#""0xd""#);
			let logs = format!("[{}]", log(1, &account, 1_000));
			expect_rpc(&mut s, "eth_getLogs", &get_logs_params(10, 11), &logs);
		}
		Bridge::offchain_worker(2);
		let txs = pool_state.read().transactions.clone();
		assert_eq!(txs.len(), 1);
		use codec::Decode;
		let xt = Extrinsic::decode(&mut &txs[0][..]).unwrap();
		let RuntimeCall::Bridge(crate::Call::vote_deposit {
			deposit_id,
			who,
			amount,
			validator,
			signature,
		}) = xt.function
		else {
			panic!("a deposit vote")
		};
		assert_eq!((deposit_id, who, amount, validator), (1, 5, 1_000, 1));
		assert_ok!(Bridge::vote_deposit(RuntimeOrigin::none(), 1, 5, 1_000, 1, signature));

		// Next block: the endpoint is down. Nothing is lost, the vote is not sent again (it is
		// on chain), and the cursor stays.
		{
			let mut s = state.write();
			s.expect_request(testing::PendingRequest {
				method: "POST".into(),
				uri: URL.into(),
				headers: vec![("Content-Type".into(), "application/json".into())],
				body: br#"{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}"#
					.to_vec(),
				response: Some(b"not json".to_vec()),
				sent: true,
				..Default::default()
			});
		}
		Bridge::offchain_worker(3);
		assert_eq!(pool_state.read().transactions.len(), 1);
		// Then it answers again; the scan resumes at block 12.
		{
			let mut s = state.write();
			expect_rpc(&mut s, "eth_blockNumber", "[]", r#""0xe""#);
			expect_rpc(&mut s, "eth_getLogs", &get_logs_params(12, 12), "[]");
		}
		Bridge::offchain_worker(4);
		assert_eq!(pool_state.read().transactions.len(), 1);
	});
}
