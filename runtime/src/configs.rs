//! Configuration of every pallet in the runtime.
//!
//! Limits are derived from the constants in the crate root (slot length, block weight and
//! length) so that changing the slot length changes everything that depends on it.

use super::*;
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{
		AsEnsureOriginWithArg, ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, VariantCountOf,
	},
	weights::{constants::RocksDbWeight, IdentityFee},
};
use frame_support::{
	traits::{fungible::ItemOf, ConstU64 as MsConst},
	PalletId,
};
use frame_system::{limits, EnsureNever, EnsureRoot};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::traits::One;

parameter_types! {
	/// Version of the runtime, exposed to the node and to clients.
	pub const Version: RuntimeVersion = VERSION;
	/// Weight limits per block: [`MAXIMUM_BLOCK_WEIGHT`], [`NORMAL_DISPATCH_RATIO`] for normal
	/// extrinsics, the rest reserved for operational ones.
	pub RuntimeBlockWeights: limits::BlockWeights = limits::BlockWeights::with_sensible_defaults(
		MAXIMUM_BLOCK_WEIGHT,
		NORMAL_DISPATCH_RATIO,
	);
	/// Length limits per block: [`MAXIMUM_BLOCK_LENGTH`] bytes, shared the same way.
	pub RuntimeBlockLength: limits::BlockLength = limits::BlockLength::builder()
		.max_length(MAXIMUM_BLOCK_LENGTH)
		.modify_max_length_for_class(DispatchClass::Normal, |max| {
			*max = NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_LENGTH
		})
		.build();
	/// Generic substrate SS58 prefix (42), so that every wallet shows `5...` addresses.
	pub const SS58Prefix: u8 = 42;
}

/// frame-system: the solochain defaults, with Strikeline's block limits and account data.
#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	/// Maximum number of block number to block hash mappings to keep (oldest pruned first).
	type BlockHashCount = ConstU32<2400>;
	/// ParityDB, with RocksDB-calibrated weights as the conservative default until the
	/// chain's own storage benchmarks replace them.
	type DbWeight = RocksDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	/// One block per slot: a second block in the same slot is an equivocation.
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = ConstU64<SLOT_DURATION_MS>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	/// No session pallet yet: equivocation reports carry no ownership proof.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	/// Blocks are at least half a slot apart (Aura enforces one block per slot anyway).
	type MinimumPeriod = ConstU64<{ SLOT_DURATION_MS / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type Balance = Balance;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type ReserveIdentifier = [u8; 8];
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fee multiplier is fixed at 1: fees are weight + length, no congestion pricing yet.
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Fees are paid in the native token and burned.
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	/// Operational extrinsics pay 5x the tip priority of normal ones.
	type OperationalFeeMultiplier = ConstU8<5>;
	/// 1 base unit (10^-12 STRK) per picosecond of reference time.
	type WeightToFee = IdentityFee<Balance>;
	/// 1 base unit per byte.
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Deposits for assets created by root are not taken (root creates without deposit);
	/// these apply to metadata and approvals made by signed accounts.
	pub const AssetDeposit: Balance = 100 * UNIT;
	pub const AssetAccountDeposit: Balance = MILLI_UNIT;
	pub const MetadataDepositBase: Balance = UNIT;
	pub const MetadataDepositPerByte: Balance = MILLI_UNIT;
	pub const ApprovalDeposit: Balance = MILLI_UNIT;
}

/// pallet-assets holds the collateral asset ([`COLLATERAL_ASSET_ID`]). Only root creates
/// assets (`force_create`); a signed origin never can.
impl pallet_assets::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	/// Bound on asset accounts destroyed per `destroy_accounts` call.
	type RemoveItemsLimit = ConstU32<1000>;
	type AssetId = AssetId;
	type AssetIdParameter = codec::Compact<AssetId>;
	type ReserveData = ();
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureNever<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type AssetDeposit = AssetDeposit;
	type AssetAccountDeposit = AssetAccountDeposit;
	type MetadataDepositBase = MetadataDepositBase;
	type MetadataDepositPerByte = MetadataDepositPerByte;
	type ApprovalDeposit = ApprovalDeposit;
	type StringLimit = ConstU32<50>;
	type Freezer = ();
	type Holder = ();
	type Extra = ();
	type CallbackHandle = ();
	type AssetIdAllocator = ();
	type WeightInfo = pallet_assets::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

/// Spacing of the oracle's TWAP checkpoints; option expiries are multiples of it.
pub const ORACLE_PERIOD_MS: u64 = 10_000;
/// The settlement price of an expiry is the TWAP over this window before it.
pub const SETTLEMENT_WINDOW_MS: u64 = 30 * 60_000;
/// A price (or a submission) older than this is stale: no trading, marking or withdrawing of
/// positions on it.
pub const PRICE_STALENESS_MS: u64 = 120_000;

/// The price oracle: the validators feed (set at genesis), free of fees; a submission moving
/// more than 10 % from the fresh median is refused.
impl pallet_price_oracle::Config for Runtime {
	type AdminOrigin = EnsureRoot<AccountId>;
	type Time = Timestamp;
	type MaxFeeders = ConstU32<32>;
	type MaxVolsPerFeed = ConstU32<16>;
	type StalenessMs = MsConst<PRICE_STALENESS_MS>;
	type MaxJumpPpm = ConstU32<100_000>;
	type ObservationPeriodMs = MsConst<ORACLE_PERIOD_MS>;
	type SettlementWindowMs = MsConst<SETTLEMENT_WINDOW_MS>;
	type WeightInfo = pallet_price_oracle::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// The margin pallet's account: holds all traders' collateral and the insurance fund.
	pub const MarginPalletId: PalletId = PalletId(*b"sl/margn");
	/// The collateral asset id, for [`ItemOf`].
	pub const CollateralAssetId: AssetId = COLLATERAL_ASSET_ID;
}

/// The collateral asset as a single `fungible`.
pub type Collateral = ItemOf<Assets, CollateralAssetId, AccountId>;

/// The margin ledger with Deribit's standard option margin: 15 % of spot less OTM, floor
/// 10 %, maintenance 7.5 %. At most 32 series per account and 10^12 contracts per position
/// (with strikes <= 10^15 and sizes <= 10^12 every product fits an i128).
impl pallet_margin::Config for Runtime {
	type Collateral = Collateral;
	type Oracle = Oracle;
	type Series = Options;
	type Time = Timestamp;
	type PalletId = MarginPalletId;
	type MaxPositions = ConstU32<32>;
	type MaxContracts = MsConst<1_000_000_000_000>;
	type InitialMarginPpm = ConstU32<150_000>;
	type MarginFloorPpm = ConstU32<100_000>;
	type MaintenanceMarginPpm = ConstU32<75_000>;
	type WeightInfo = pallet_margin::weights::SubstrateWeight<Runtime>;
}

/// Options: root creates series; orders are signed with the trader's account key
/// (`MultiSignature`); up to 128 fills per batch; 64 positions settled per block.
impl pallet_options::Config for Runtime {
	type AdminOrigin = EnsureRoot<AccountId>;
	type Margin = Margin;
	type Oracle = Oracle;
	type Time = Timestamp;
	type OrderSignature = Signature;
	type OrderSigner = <Signature as sp_runtime::traits::Verify>::Signer;
	type MaxFillsPerBatch = ConstU32<128>;
	type MaxLiveSeries = ConstU32<256>;
	type MaxSettlementsPerBlock = ConstU32<64>;
	type ExpiryGranularityMs = MsConst<ORACLE_PERIOD_MS>;
	type WeightInfo = pallet_options::weights::SubstrateWeight<Runtime>;
}
