//! Unit and property tests of the options pallet on the whole clearing stack; every test ends
//! with the invariants of all three pallets checked.
mod lifecycle;
mod orders;
mod properties;

use crate::{mock::*, Fill, Order, Side, SignedOrder};
use polkadot_sdk::{
	frame_support::BoundedVec,
	sp_runtime::{testing::TestSignature, DispatchError},
};

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;

/// An order good for a day.
pub fn order(
	account: AccountId,
	series: u32,
	side: Side,
	limit_usd: u128,
	qty: u64,
) -> Order<AccountId> {
	Order {
		account,
		series,
		side,
		limit_price: limit_usd * USD,
		quantity: qty,
		nonce: 0,
		expiry_ms: T0 + 24 * 60 * MINUTE,
	}
}

/// Signs with the order's own account.
pub fn sign(order: Order<AccountId>) -> SignedOrder<AccountId, TestSignature> {
	let hash = crate::Pallet::<Test>::order_hash(&order);
	SignedOrder { signature: TestSignature(order.account, hash.to_vec()), order }
}

pub fn fill(
	maker: Order<AccountId>,
	taker: Order<AccountId>,
	price_usd: u128,
	qty: u64,
) -> Fill<AccountId, TestSignature> {
	Fill { maker: sign(maker), taker: sign(taker), price: price_usd * USD, quantity: qty }
}

/// Submits a batch from CHARLIE (any account may submit), dispatched as a transaction is
/// (in a storage layer: a failed call leaves nothing behind).
pub fn submit(fills: Vec<Fill<AccountId, TestSignature>>) -> Result<(), DispatchError> {
	use polkadot_sdk::sp_runtime::traits::Dispatchable;
	let call = RuntimeCall::Options(crate::Call::settle_fills {
		fills: BoundedVec::try_from(fills).unwrap(),
		max_positions: 8,
	});
	call.dispatch(RuntimeOrigin::signed(CHARLIE)).map(|_| ()).map_err(|e| e.error)
}

pub fn deposit(who: AccountId, usd: u128) {
	Margin::deposit(RuntimeOrigin::signed(who), usd * USD).expect("deposit works");
}

pub fn collateral(who: AccountId) -> i128 {
	pallet_margin::Accounts::<Test>::get(who).map_or(0, |l| l.collateral)
}
