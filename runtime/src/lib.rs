//! # Strikeline runtime
//!
//! The FRAME runtime of Strikeline, a settlement chain for crypto options.
//!
//! ## Pallets
//!
//! | index | pallet | role |
//! | --- | --- | --- |
//! | 0 | `System` | accounts, nonces, events, block limits |
//! | 1 | `Timestamp` | block time, set by the block author's inherent |
//! | 2 | `Aura` | round-robin block production, one slot every [`SLOT_DURATION_MS`] |
//! | 3 | `Grandpa` | finality gadget authorities |
//! | 4 | `Balances` | the native token (`STRK`, 12 decimals), used for fees |
//! | 5 | `TransactionPayment` | fees in the native token |
//! | 6 | `Sudo` | privileged origin while the chain is young |
//! | 7 | `Utility` | batching |
//! | 8 | `Assets` | fungible assets; asset [`COLLATERAL_ASSET_ID`] is the collateral (`USDC`, 6 decimals) |
//! | 20 | `Oracle` | price feeders, median spot and implied vols, settlement TWAP (`pallet-price-oracle`) |
//! | 21 | `Margin` | the ledger: cross-margin accounts, equity, initial/maintenance margin (`pallet-margin`) |
//! | 22 | `Options` | option series, signed-order fills, expiry settlement (`pallet-options`) |
//!
//! ## Timing
//!
//! The slot length is the single constant [`SLOT_DURATION_MS`]; block time equals it and
//! `pallet_timestamp`'s minimum period is half of it. Block limits are derived from it so that
//! a block is produced, propagated and imported well inside one slot:
//!
//! - compute: [`MAXIMUM_BLOCK_WEIGHT`] = one third of the slot in reference time, of which
//!   [`NORMAL_DISPATCH_RATIO`] is for normal transactions;
//! - size: [`MAXIMUM_BLOCK_LENGTH`] bytes (1 MiB).
//!
//! ## Numbers
//!
//! No floating point anywhere in the runtime. Native token amounts are `u128` in units of
//! 10^-12 STRK ([`UNIT`]), collateral amounts are `u128` in units of 10^-6 USDC
//! ([`COLLATERAL_UNIT`]).
#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`-style macros expand deeply.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
pub mod configs;
pub mod genesis_config_presets;
#[cfg(test)]
mod tests;
#[cfg(all(test, feature = "runtime-benchmarks"))]
mod weights_bench;

use alloc::{borrow::Cow, vec::Vec};
use polkadot_sdk::{
	frame_support::weights::{constants::WEIGHT_REF_TIME_PER_MILLIS, Weight},
	sp_runtime::{
		generic, impl_opaque_keys,
		traits::{BlakeTwo256, IdentifyAccount, Verify},
		MultiAddress, MultiSignature, Perbill,
	},
	*,
};
use sp_version::RuntimeVersion;

pub use polkadot_sdk::{
	pallet_balances::Call as BalancesCall, pallet_timestamp::Call as TimestampCall,
};

/// An index to a block.
pub type BlockNumber = u32;
/// Signature of a transaction: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;
/// An account id: the 32-byte public key (or its hash) behind a [`Signature`].
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// A balance, of the native token or of an asset, in the token's smallest unit.
pub type Balance = u128;
/// Index of a transaction in an account's history.
pub type Nonce = u32;
/// A hash of some data used by the chain.
pub type Hash = sp_core::H256;
/// Identifier of an asset in `pallet-assets`.
pub type AssetId = u32;

/// The one constant that sets the chain's pace: milliseconds per Aura slot, and so per block.
///
/// Measured in `docs/BENCHMARKS.md`: 500 ms holds on four validators sharing two cores.
pub const SLOT_DURATION_MS: u64 = 500;
/// Block time. With Aura and no missed slots, one block per slot.
pub const MILLISECS_PER_BLOCK: u64 = SLOT_DURATION_MS;
/// Blocks per minute (rounded down).
pub const MINUTES: BlockNumber = (60_000 / MILLISECS_PER_BLOCK) as BlockNumber;
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;

/// Share of a block's weight and length that normal (non-operational) extrinsics may use.
pub const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Compute budget of a block: a third of a slot, so that authoring, gossip and import by the
/// other validators all fit in one slot.
pub const MAXIMUM_BLOCK_WEIGHT: Weight =
	Weight::from_parts(WEIGHT_REF_TIME_PER_MILLIS.saturating_mul(SLOT_DURATION_MS / 3), u64::MAX);
/// Size budget of a block in bytes: 1 MiB propagates well inside a 500 ms slot.
pub const MAXIMUM_BLOCK_LENGTH: u32 = 1024 * 1024;

/// One native token (STRK): 12 decimals.
pub const UNIT: Balance = 1_000_000_000_000;
/// 10^-3 STRK.
pub const MILLI_UNIT: Balance = UNIT / 1_000;
/// Smallest native balance an account may hold.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Asset id of the collateral asset (a USDC-like stable asset), created at genesis.
pub const COLLATERAL_ASSET_ID: AssetId = 1;
/// Decimals of the collateral asset.
pub const COLLATERAL_DECIMALS: u8 = 6;
/// One collateral token (1 USDC) in base units.
pub const COLLATERAL_UNIT: Balance = 1_000_000;
/// Smallest collateral balance an account may hold: 0.01 USDC. The asset is `sufficient`, so a
/// trader needs no native token to hold it.
pub const COLLATERAL_MIN_BALANCE: Balance = COLLATERAL_UNIT / 100;

/// Opaque types for the node: it knows blocks and extrinsics only as bytes.
pub mod opaque {
	use super::*;
	use sp_runtime::{generic, traits::BlakeTwo256};

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;

	impl_opaque_keys! {
		/// The session keys of a validator: Aura for authoring, GRANDPA for finality.
		pub struct SessionKeys {
			pub aura: super::Aura,
			pub grandpa: super::Grandpa,
			pub bridge: super::Bridge,
		}
	}
}
pub use opaque::SessionKeys;

/// The runtime's version. `spec_version` must be bumped on every change of runtime logic.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("strikeline"),
	impl_name: Cow::Borrowed("strikeline-node"),
	authoring_version: 1,
	spec_version: 113,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header type.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A block with its justifications.
pub type SignedBlock = generic::SignedBlock<Block>;
/// Block identifier.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions, checked in this order for every signed transaction.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations to run on the next runtime upgrade.
type Migrations = ();

/// Executive: dispatches calls to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(7)]
	pub type Utility = pallet_utility;

	#[runtime::pallet_index(8)]
	pub type Assets = pallet_assets;

	#[runtime::pallet_index(20)]
	pub type Oracle = pallet_price_oracle;

	#[runtime::pallet_index(21)]
	pub type Margin = pallet_margin;

	#[runtime::pallet_index(22)]
	pub type Options = pallet_options;

	#[runtime::pallet_index(23)]
	pub type Liquidation = pallet_liquidation;

	#[runtime::pallet_index(24)]
	pub type Bridge = pallet_settlement_bridge;
}
