//! The settlement bridge end to end between the real node and a real EVM (anvil from npm),
//! through the real relayer:
//!
//! - deposits on Ethereum are voted in by the validator's offchain worker (at anvil's
//!   `finalized` block, two behind its head) and credited on Strikeline; a deposit made after
//!   the chain stopped is refunded after the freeze, and none is taken after it; the traders trade; a withdrawal is burned,
//!   committed, attested, relayed, accepted by the anchor and claimed on Ethereum with its
//!   proof; amounts match on both sides to the unit;
//! - bad input on each side gets its named error (a non-validator's deposit vote, replayed and
//!   forged commitments, a commitment without a supermajority, a wrong proof, a claim against
//!   a commitment that was never anchored, a double claim);
//! - escape hatch: the chain stops, anvil's clock passes the freeze window, anyone freezes,
//!   and two traders exit with their ledger leaves' proofs, once each;
//! - relayer faults: two relayers, one killed and restarted mid-run, anvil stopped and
//!   restarted: every epoch is accepted once, in order, and the reward pool pays each once;
//! - four validators (the local testnet): three votes credit a deposit, three signatures
//!   attest, and a validator set handover carried by the commitment chain is followed by the
//!   anchor, after which the new set's signatures are accepted.

use alloy::{
	primitives::{Address, FixedBytes, U256},
	providers::{DynProvider, Provider},
	signers::local::PrivateKeySigner,
};
use anyhow::{anyhow, bail, Result};
use codec::{Compact, Encode};
use std::time::Duration;
use strikeline_e2e::{
	bridge::{self, *},
	clearing::{self, *},
	ethereum::{self, *},
	event_fields, repo_root, rpc_call_raw, submit_finalized, wait_until, Network, Node,
};
use strikeline_primitives::bridge::Deposit;
use strikeline_relayer::anchor::sol_commitment;
use subxt::{utils::AccountId32, OnlineClient, PolkadotConfig};
use subxt_signer::sr25519::dev;

type Api = OnlineClient<PolkadotConfig>;
type AnchorErrors = ISettlementAnchor::ISettlementAnchorErrors;
type VaultErrors = IVault::IVaultErrors;

/// Wei paid per accepted commitment, and the pool funded at deployment.
const REWARD_WEI: u64 = 1_000_000_000_000_000;
const POOL_WEI: u64 = 1_000_000_000_000_000_000;

/// Anvil with the contracts, and a dev node watching the vault (two confirmations).
async fn setup(name: &str, freeze_window_s: u64) -> Result<(Anvil, Contracts, Node, Api)> {
	let anvil = Anvil::start(None).await?;
	let contracts = deploy_bridge(
		&anvil.wallet(0)?,
		DEV_CHAIN_ID,
		&DEV_VALIDATORS,
		freeze_window_s,
		U256::from(REWARD_WEI),
		U256::from(POOL_WEI),
	)
	.await?;
	let url = anvil.url();
	let (node, api, _) =
		dev_node_with(name, &["--bridge-eth-rpc", &url, "--bridge-eth-confirmations", "2"]).await?;
	let vault = contracts.vault.into_array();
	submit_finalized(&api, &sudo_set_ethereum(ANVIL_CHAIN_ID, vault), &dev::alice()).await?;
	Ok((anvil, contracts, node, api))
}

/// Waits until the anchor has accepted epoch `min`.
async fn wait_anchored(anvil: &Anvil, c: &Contracts, min: u64, timeout: Duration) -> Result<()> {
	wait_until(&format!("epoch {min} anchored"), timeout, || async {
		Ok((anchored_epoch(anvil, c).await? >= min).then_some(()))
	})
	.await
}

/// Asserts that a call reverted with an error of contract interface `E` whose name starts
/// `expected`.
fn expect_revert<E: alloy::sol_types::SolInterface + std::fmt::Debug, T>(
	r: Result<T, alloy::contract::Error>,
	expected: &str,
) -> Result<()> {
	match r {
		Ok(_) => bail!("expected {expected}, the call succeeded"),
		Err(e) => {
			let got = e
				.as_decoded_interface_error::<E>()
				.map(|e| format!("{e:?}"))
				.unwrap_or_else(|| format!("undecoded: {e}"));
			if !got.starts_with(expected) {
				bail!("expected {expected}, got {got}");
			}
			Ok(())
		}
	}
}

/// `signer`'s signature over `hash` as the chain takes it: `r ++ s ++ v` with `v` 0 or 1.
fn raw_signature(signer: &PrivateKeySigner, hash: [u8; 32]) -> Result<[u8; 65]> {
	use alloy::signers::SignerSync;
	let mut sig: [u8; 65] = signer.sign_hash_sync(&hash.into())?.as_bytes();
	sig[64] -= 27;
	Ok(sig)
}

fn proof_words(proof: &[[u8; 32]]) -> Vec<FixedBytes<32>> {
	proof.iter().map(|h| FixedBytes(*h)).collect()
}

/// An unsigned `Bridge::vote_deposit` extrinsic (what a validator's offchain worker sends).
fn vote_deposit_xt(d: &Deposit, validator: u32, sig: [u8; 65]) -> String {
	let mut xt = vec![4u8, BRIDGE, 3];
	d.id.encode_to(&mut xt);
	d.account.encode_to(&mut xt);
	d.from.encode_to(&mut xt);
	Compact(d.amount).encode_to(&mut xt);
	validator.encode_to(&mut xt);
	sig.encode_to(&mut xt);
	format!("0x{}", hex::encode(xt.encode()))
}

#[tokio::test(flavor = "multi_thread")]
async fn deposit_trade_withdraw_claim_and_escape_through_the_relayer() -> Result<()> {
	let freeze_window_s = 3_600;
	let (anvil, c, mut node, api) = setup("bridge-eth", freeze_window_s).await?;
	let port = node.rpc_port;
	let genesis = clearing::genesis_hash(port).await?;
	let (alice, bob, charlie) = (dev::alice(), dev::bob(), dev::charlie());
	let eth = anvil.wallet(2)?;
	let vault = IVault::new(c.vault, &eth);
	let anchor = ISettlementAnchor::new(c.anchor, &eth);

	// Deposits on Ethereum, for Bob (from account 3) and Charlie (from account 4).
	ethereum::deposit(&anvil, &c, 3, bob.public_key().0, 20_000 * USD).await?;
	ethereum::deposit(&anvil, &c, 4, charlie.public_key().0, 60_000 * USD).await?;
	// Bob's deposit is buried under Charlie's three transactions (mint, approve, deposit):
	// credited. Charlie's is not voted before two confirmations; then it is.
	wait_until("Bob's deposit credited", Duration::from_secs(60), || async {
		Ok((margin_collateral(&api, &bob).await? == (20_000 * USD) as i128).then_some(()))
	})
	.await?;
	tokio::time::sleep(Duration::from_secs(3)).await;
	assert_eq!(margin_collateral(&api, &charlie).await?, 0, "credited before it was final");
	anvil.mine(2).await?;
	wait_until("Charlie's deposit credited", Duration::from_secs(60), || async {
		Ok((margin_collateral(&api, &charlie).await? == (60_000 * USD) as i128).then_some(()))
	})
	.await?;
	// Credited once each, however long the validator keeps watching.
	tokio::time::sleep(Duration::from_secs(2)).await;
	assert_eq!(margin_collateral(&api, &bob).await?, (20_000 * USD) as i128);

	// A deposit vote from a key outside the validator set is refused by the pool.
	let mallory = PrivateKeySigner::from_bytes(&alloy::primitives::B256::repeat_byte(0x11))?;
	let d = Deposit { id: 2, account: bob.public_key().0, from: [0x11; 20], amount: 1_000 * USD };
	let hash =
		strikeline_primitives::bridge::deposit_vote_hash(DEV_CHAIN_ID, &c.vault.into_array(), &d);
	let forged = raw_signature(&mallory, hash)?;
	let reply = rpc_call_raw(
		port,
		"author_submitExtrinsic",
		serde_json::json!([vote_deposit_xt(&d, 0, forged)]),
	)
	.await?;
	let err = reply.get("error").ok_or(anyhow!("a forged vote was accepted: {reply}"))?;
	assert!(format!("{err}").contains("bad signature"), "{err}");

	// Bob buys two calls from Charlie at 5,500 (as in the clearing test).
	let now = chain_now_ms(&api).await?;
	let expiry_ms = next_expiry(now, 3_600_000);
	let series = create_btc_call(&api, &alice, expiry_ms, 95_000 * USD, 1_000_000).await?;
	let observed = chain_now_ms(&api).await?;
	submit_finalized(&api, &feed(BTC, 100_000 * USD, &[(expiry_ms, 500_000)], observed), &alice)
		.await?;
	let fill = Fill {
		maker: clearing::sign(&genesis, order(&charlie, series, Side::Sell, 5_500, 2, 1), &charlie),
		taker: clearing::sign(&genesis, order(&bob, series, Side::Buy, 5_600, 2, 1), &bob),
		price: 5_500 * USD,
		quantity: 2,
	};
	submit_finalized(&api, &settle_fills(&[fill], 4), &alice).await?;
	assert_eq!(margin_collateral(&api, &bob).await?, (9_000 * USD) as i128);
	assert_eq!(margin_collateral(&api, &charlie).await?, (71_000 * USD) as i128);

	// Exit addresses for the escape hatch; Bob withdraws 3,000 to account 5.
	let (bob_exit, charlie_exit) = (signer(3).address(), signer(4).address());
	// Charlie's is the depositor's address, from her first deposit; Bob sets his.
	submit_finalized(&api, &set_exit_address(bob_exit.into_array()), &bob).await?;
	let recipient = signer(5).address();
	let events =
		submit_finalized(&api, &request_withdrawal(3_000 * USD, recipient.into_array()), &bob)
			.await?;
	let (_, index, _, amount, paid_by) =
		event_fields::<(AccountId32, u64, [u8; 20], u128, [u8; 20])>(
			&events,
			"Bridge",
			"WithdrawalRequested",
		)?;
	assert_eq!((amount, paid_by), (3_000 * USD, c.vault.into_array()));
	let epoch = withdrawal_epoch(&api, index).await?;

	// The relayer carries the attested commitments to the anchor.
	let mut relayer = Relayer::start(&node.ws_url(), &anvil, c.anchor, 1, 0, 1, 20)?;
	wait_anchored(&anvil, &c, epoch, Duration::from_secs(90))
		.await
		.map_err(|e| anyhow!("{e}\nrelayer log:\n{}", relayer.log()))?;
	assert!(relayer.metric("commitments_confirmed_total").await? >= 1);
	assert_eq!(relayer.metric("commitments_reverted_total").await?, 0);

	// Claim on Ethereum with the proof against the epoch's anchored commitment (anyone may
	// send it; the recipient is paid).
	let commitment = sol_commitment(&bridge::commitment(port, epoch).await?);
	let w = withdrawal_proof(port, index, epoch).await?;
	assert_eq!((w.recipient, w.amount), (recipient.into_array(), 3_000 * USD));
	let claim = |commitment: ethereum::Commitment, proof: Vec<FixedBytes<32>>| {
		vault.claimWithdrawal(
			commitment,
			U256::from(index),
			FixedBytes(w.account),
			recipient,
			U256::from(w.amount),
			proof,
		)
	};
	// Bad claims first: a wrong proof, a commitment never anchored.
	let mut bad = w.proof.clone();
	bad[3][0] ^= 1;
	expect_revert::<VaultErrors, _>(
		claim(commitment.clone(), proof_words(&bad)).call().await,
		"BadProof",
	)?;
	let mut forged = commitment.clone();
	forged.withdrawalsRoot = FixedBytes([0x42; 32]);
	expect_revert::<VaultErrors, _>(
		claim(forged, proof_words(&w.proof)).call().await,
		"NotAccepted",
	)?;
	let receipt =
		claim(commitment.clone(), proof_words(&w.proof)).send().await?.get_receipt().await?;
	assert!(receipt.status());
	assert_eq!(token_balance(&anvil, &c, recipient).await?, 3_000 * USD);
	assert_eq!(token_balance(&anvil, &c, c.vault).await?, 77_000 * USD);
	expect_revert::<VaultErrors, _>(
		claim(commitment.clone(), proof_words(&w.proof)).call().await,
		"AlreadyClaimed",
	)?;
	// Strikeline burned what Ethereum paid.
	assert_eq!(margin_collateral(&api, &bob).await?, (6_000 * USD) as i128);

	// Replaying an accepted commitment.
	let set: Vec<Address> = DEV_VALIDATORS.iter().map(|a| Address::from(*a)).collect();
	let replay = anchor
		.submit(commitment.clone(), set.clone(), U256::ZERO, vec![], vec![], Default::default())
		.call()
		.await;
	expect_revert::<AnchorErrors, _>(replay, "WrongEpoch")?;

	// Escape hatch. Wait for a commitment that holds the exit addresses (they were set before
	// the withdrawal), then stop the relayer and the chain.
	relayer.kill();
	let last = anchored_epoch(&anvil, &c).await?;
	wait_closed(&node, &api, last, Duration::from_secs(5)).await?;
	let last_commitment = sol_commitment(&bridge::commitment(port, last).await?);
	let bob_leaf = ledger_proof(port, bob.public_key().0, last).await?;
	let charlie_leaf = ledger_proof(port, charlie.public_key().0, last).await?;
	assert_eq!((bob_leaf.exit_to, bob_leaf.collateral), (bob_exit.into_array(), 6_000 * USD));
	assert_eq!(
		(charlie_leaf.exit_to, charlie_leaf.collateral),
		(charlie_exit.into_array(), 71_000 * USD)
	);
	node.kill();

	// A deposit the chain never credits (it stopped): refunded after the freeze.
	let late_from = signer(5).address();
	ethereum::deposit(&anvil, &c, 5, bob.public_key().0, 500 * USD).await?;
	assert_eq!(last_commitment.depositsCredited, 2);

	// The next epoch forged: signed by a non-validator, or by nobody.
	let mut next = commitment.clone();
	next.epoch = last + 1;
	next.previousHash = anchor.commitmentHash(last).call().await?;
	let hash = alloy::primitives::keccak256(alloy::sol_types::SolValue::abi_encode(&next));
	let sig = raw_signature(&mallory, hash.0)?;
	let forged_sig = Signature {
		r: FixedBytes::from_slice(&sig[..32]),
		s: FixedBytes::from_slice(&sig[32..64]),
		v: sig[64] + 27,
	};
	let r = anchor
		.submit(
			next.clone(),
			set.clone(),
			U256::from(1),
			vec![forged_sig.clone()],
			vec![],
			Default::default(),
		)
		.call()
		.await;
	expect_revert::<AnchorErrors, _>(r, "BadSignature")?;
	let r = anchor
		.submit(next.clone(), set.clone(), U256::ZERO, vec![], vec![], Default::default())
		.call()
		.await;
	expect_revert::<AnchorErrors, _>(r, "NoSupermajority")?;

	let exit = |leaf: &LedgerProof, proof: &[[u8; 32]]| {
		vault.exit(
			last_commitment.clone(),
			U256::from(leaf.slot),
			FixedBytes(leaf.account),
			Address::from(leaf.exit_to),
			U256::from(leaf.collateral),
			proof_words(proof),
		)
	};
	// Not before the freeze, and no freeze before the window.
	expect_revert::<VaultErrors, _>(exit(&bob_leaf, &bob_leaf.proof).call().await, "NotFrozen")?;
	expect_revert::<AnchorErrors, _>(anchor.freeze().call().await, "NotFreezable")?;
	anvil.advance_time(freeze_window_s + 1).await?;
	assert!(anchor.freeze().send().await?.get_receipt().await?.status());
	let r = anchor.submit(next, set, U256::ZERO, vec![], vec![], Default::default()).call().await;
	expect_revert::<AnchorErrors, _>(r, "AnchorFrozen")?;
	// No deposit after the freeze; the uncredited one goes back to its depositor, once, and a
	// credited one does not.
	expect_revert::<VaultErrors, _>(
		vault.deposit(FixedBytes(bob.public_key().0), U256::from(USD)).call().await,
		"Frozen",
	)?;
	let refund = |id: u64, amount: u128| {
		vault.refund(last_commitment.clone(), id, late_from, U256::from(amount))
	};
	expect_revert::<VaultErrors, _>(refund(0, 20_000 * USD).call().await, "DepositCredited")?;
	let before = token_balance(&anvil, &c, late_from).await?;
	assert!(refund(2, 500 * USD).send().await?.get_receipt().await?.status());
	assert_eq!(token_balance(&anvil, &c, late_from).await?, before + 500 * USD);
	expect_revert::<VaultErrors, _>(refund(2, 500 * USD).call().await, "UnknownDeposit")?;

	// Two traders exit with their leaves; a wrong proof and a second exit are refused.
	let mut bad = bob_leaf.proof.clone();
	bad[0][0] ^= 1;
	expect_revert::<VaultErrors, _>(exit(&bob_leaf, &bad).call().await, "BadProof")?;
	for leaf in [&bob_leaf, &charlie_leaf] {
		assert!(exit(leaf, &leaf.proof).send().await?.get_receipt().await?.status());
		let paid = token_balance(&anvil, &c, Address::from(leaf.exit_to)).await?;
		assert_eq!(paid, leaf.collateral);
	}
	expect_revert::<VaultErrors, _>(
		exit(&bob_leaf, &bob_leaf.proof).call().await,
		"AlreadyExited",
	)?;
	// What the vault holds covers what is left: 80,500 in, 3,000 claimed, 77,000 exited, 500
	// refunded.
	assert_eq!(token_balance(&anvil, &c, c.vault).await?, 0);
	Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn relayer_faults_lose_nothing_and_pay_once() -> Result<()> {
	let (mut anvil, c, node, _api) = setup("bridge-faults", 3_600).await?;
	let port = node.rpc_port;
	// Two relayers taking turns (take-over after 3 s).
	let mut r0 = Relayer::start(&node.ws_url(), &anvil, c.anchor, 1, 0, 2, 3)?;
	let r1 = Relayer::start(&node.ws_url(), &anvil, c.anchor, 2, 1, 2, 3)?;
	wait_anchored(&anvil, &c, 2, Duration::from_secs(90)).await?;
	// Relayer 0 dies; relayer 1 takes over its turns; relayer 0 comes back.
	r0.kill();
	let now = anchored_epoch(&anvil, &c).await?;
	wait_anchored(&anvil, &c, now + 2, Duration::from_secs(60)).await?;
	r0.spawn()?;
	// Anvil stops for a while (an epoch closes meanwhile) and comes back with its chain.
	anvil.stop().await?;
	tokio::time::sleep(Duration::from_secs(12)).await;
	anvil.restart().await?;
	let target: u64 = bridge_api(port, "last_epoch", vec![], None).await?;
	wait_anchored(&anvil, &c, target + 1, Duration::from_secs(90))
		.await
		.map_err(|e| anyhow!("{e}\nrelayer 0:\n{}\nrelayer 1:\n{}", r0.log(), r1.log()))?;

	// Every epoch accepted once, in order, each the chain's own commitment; paid once each.
	let eth: DynProvider = anvil.wallet(0)?;
	let anchor = ISettlementAnchor::new(c.anchor, &eth);
	let last = anchor.lastEpoch().call().await?;
	for epoch in 1..=last {
		let on_chain = bridge::commitment(port, epoch).await?.hash();
		assert_eq!(anchor.commitmentHash(epoch).call().await?.0, on_chain, "epoch {epoch}");
	}
	let pool = eth.get_balance(c.anchor).await?;
	assert_eq!(pool, U256::from(POOL_WEI) - U256::from(REWARD_WEI) * U256::from(last));
	for r in [&r0, &r1] {
		assert_eq!(r.metric("commitments_reverted_total").await?, 0, "{}", r.log());
	}
	assert!(r1.metric("commitments_confirmed_total").await? >= 1);
	Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn four_validators_vote_attest_and_hand_over_to_a_new_set() -> Result<()> {
	let anvil = Anvil::start(None).await?;
	let c = deploy_bridge(
		&anvil.wallet(0)?,
		LOCAL_CHAIN_ID,
		&LOCAL_VALIDATORS,
		3_600,
		U256::from(REWARD_WEI),
		U256::from(POOL_WEI),
	)
	.await?;
	let spec = repo_root().join("chain-specs/local-raw.json");
	let url = anvil.url();
	let extra = ["--bridge-eth-rpc", &url, "--bridge-eth-confirmations", "1"];
	let mut net = Network::start(&spec, &["alice", "bob", "charlie", "dave"], &extra).await?;
	let node = &mut net.nodes[0];
	node.wait_for("finality", Duration::from_secs(90), |_, fin| fin >= 2).await?;
	let api = node.client().await?;
	let port = node.rpc_port;
	let (alice, bob) = (dev::alice(), dev::bob());
	submit_finalized(&api, &sudo_set_ethereum(ANVIL_CHAIN_ID, c.vault.into_array()), &alice)
		.await?;

	// A deposit is credited once three of the four validators voted for it.
	// Taken at anvil's `finalized` block, two behind the head.
	ethereum::deposit(&anvil, &c, 3, bob.public_key().0, 1_000 * USD).await?;
	anvil.mine(2).await?;
	wait_until("the deposit credited", Duration::from_secs(60), || async {
		Ok((margin_collateral(&api, &bob).await? == (1_000 * USD) as i128).then_some(()))
	})
	.await?;

	// Commitments signed by at least three of four reach the anchor.
	let _relayer = Relayer::start(&node.ws_url(), &anvil, c.anchor, 1, 0, 1, 20)?;
	wait_anchored(&anvil, &c, 1, Duration::from_secs(90)).await?;
	let (sigs, attested): (Vec<(u32, [u8; 65])>, bool) =
		bridge_api(port, "signatures", 1u64.encode(), None).await?;
	assert!(attested && sigs.len() >= 3, "epoch 1: {} signatures", sigs.len());

	// Governance hands over to Bob, Dave and Charlie (the first three by address); the anchor
	// follows, and the epochs
	// after the handover, signed by the new set, are accepted.
	submit_finalized(&api, &sudo_set_validator_set(&LOCAL_VALIDATORS[..3]), &alice).await?;
	wait_until("the anchor follows the handover", Duration::from_secs(90), || async {
		Ok((anchor_set_id(&anvil, &c).await? == 1).then_some(()))
	})
	.await?;
	// The handover epoch: signed by set 0, naming the new set as the next.
	let new_set_hash = strikeline_primitives::bridge::validator_set_hash(&LOCAL_VALIDATORS[..3]);
	let last: u64 = bridge_api(port, "last_epoch", vec![], None).await?;
	let mut handover = None;
	for epoch in 1..=last {
		let c = bridge::commitment(port, epoch).await?;
		if c.validator_set_id == 0 && c.next_validator_set_hash == new_set_hash {
			handover = Some(epoch);
			break;
		}
	}
	let handover = handover.ok_or(anyhow!("no handover commitment up to epoch {last}"))?;
	wait_anchored(&anvil, &c, handover + 1, Duration::from_secs(60)).await?;
	assert_eq!(bridge::commitment(port, handover + 1).await?.validator_set_id, 1);
	Ok(())
}
