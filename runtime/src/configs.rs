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
	weights::{constants::ParityDbWeight, IdentityFee},
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
	/// ParityDB is the node's only database: its published per-access weights (8 us a read,
	/// 50 us a write) until the chain's own storage benchmarks replace them.
	type DbWeight = ParityDbWeight;
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
	type OnPriceUpdate = Liquidation;
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
	type AdminOrigin = EnsureRoot<AccountId>;
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
	type OnLedgerChange = Bridge;
	type WeightInfo = pallet_margin::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helper::ClearingBenchmarkHelper;
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
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helper::ClearingBenchmarkHelper;
}

parameter_types! {
	/// Reserved every block for the liquidation scan: 15 ms of the 166 ms block (9 %); at
	/// about 57 us per one-position account that checks some 260 accounts per block.
	pub LiquidationScanWeight: Weight = Weight::from_parts(15 * WEIGHT_REF_TIME_PER_MILLIS, 4 * 1024 * 1024);
}

/// Liquidation: the liquidator earns 1 % of notional per contract taken over, the insurance
/// fund 0.5 %; the scan checks up to 512 accounts per block within its weight; an account no
/// keeper liquidated is closed out against the fund 4 blocks (2 s) after it was flagged.
impl pallet_liquidation::Config for Runtime {
	type Ledger = Margin;
	type LiquidatorDiscountPpm = ConstU32<10_000>;
	type InsuranceFeePpm = ConstU32<5_000>;
	type BackstopDelay = ConstU32<4>;
	type MaxScanPerBlock = ConstU32<512>;
	type ScanWeight = LiquidationScanWeight;
	type MaxWatched = ConstU32<256>;
	type WeightInfo = pallet_liquidation::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helper::ClearingBenchmarkHelper;
}

/// Blocks per bridge epoch: 20 blocks, 10 s.
pub const BRIDGE_EPOCH_BLOCKS: BlockNumber = 20;

/// Offchain workers submit bare (unsigned) transactions: the bridge's commitment signatures.
impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateBare<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}

/// The settlement bridge: an epoch every 10 s, closed at its boundary whatever the load (the
/// runtime records each epoch's ledger changes; nodes build the tree); changes kept 360 epochs
/// (an hour) for nodes and provers that fall behind, then pruned with spare block weight, at
/// most 1,000 records a block; 256 withdrawals per epoch; votes taken for 16 deposit ids
/// ahead of the next to credit (so a vote credits at most 16). The chain id comes from each
/// network's genesis.
/// Validators sign each commitment with their secp256k1 bridge key from an offchain worker.
impl pallet_settlement_bridge::Config for Runtime {
	type Ledger = Margin;
	type EpochLength = ConstU32<BRIDGE_EPOCH_BLOCKS>;
	type ChangesRetention = ConstU64<360>;
	type MaxPrunePerBlock = ConstU32<1_000>;
	type MaxWithdrawalsPerEpoch = ConstU32<256>;
	type MaxValidators = ConstU32<64>;
	type DepositWindow = ConstU32<16>;
	type WeightInfo = pallet_settlement_bridge::weights::SubstrateWeight<Runtime>;
}

/// Sets up the clearing pallets' benchmarks on the real runtime: series on BTC with fresh
/// prices from a benchmark feeder, funded margin accounts, and sr25519 order signers.
#[cfg(feature = "runtime-benchmarks")]
pub mod benchmark_helper {
	use super::*;
	use alloc::{format, vec, vec::Vec};
	use frame_support::{traits::fungible::Mutate, BoundedVec};
	use sp_core::sr25519;
	use sp_runtime::{traits::IdentifyAccount, MultiSigner};
	use strikeline_primitives::{OptionKind, SeriesId, SeriesTerms};

	/// Key type of the benchmark signers in the keystore (wasm benchmarks).
	const KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"bnch");
	/// A wall-clock time to run at when the chain has none yet (2027-01-15).
	const BENCH_NOW_MS: u64 = 1_800_000_000_000;

	/// Signatures the helper makes: `MultiSignature` for orders, `()` for the margin pallet.
	pub trait FromSr25519 {
		/// Wraps an sr25519 signature.
		fn from_sr25519(signature: sr25519::Signature) -> Self;
	}
	impl FromSr25519 for Signature {
		fn from_sr25519(signature: sr25519::Signature) -> Self {
			signature.into()
		}
	}
	impl FromSr25519 for () {
		fn from_sr25519(_: sr25519::Signature) -> Self {}
	}

	fn public(i: u32) -> sr25519::Public {
		let seed = format!("//strikeline-bench/{i}").into_bytes();
		#[cfg(feature = "std")]
		{
			use sp_core::Pair;
			let _ = KEY_TYPE;
			sr25519::Pair::from_string(core::str::from_utf8(&seed).expect("ascii"), None)
				.expect("valid seed")
				.public()
		}
		#[cfg(not(feature = "std"))]
		sp_io::crypto::sr25519_generate(KEY_TYPE, Some(seed))
	}

	/// The benchmarks' setup helper.
	pub struct ClearingBenchmarkHelper;

	impl<S: FromSr25519> strikeline_primitives::BenchmarkHelper<AccountId, S>
		for ClearingBenchmarkHelper
	{
		fn setup_series(n: u32) -> Vec<SeriesId> {
			if pallet_timestamp::Now::<Runtime>::get() == 0 {
				pallet_timestamp::Now::<Runtime>::put(BENCH_NOW_MS);
			}
			let now = pallet_timestamp::Now::<Runtime>::get();
			let feeder: AccountId =
				<Self as strikeline_primitives::BenchmarkHelper<AccountId, S>>::signer(u32::MAX);
			pallet_price_oracle::Feeders::<Runtime>::put(
				BoundedVec::try_from(vec![feeder.clone()]).expect("one feeder fits"),
			);
			pallet_price_oracle::Underlyings::<Runtime>::insert(
				0,
				BoundedVec::try_from(b"BTC".to_vec()).expect("short symbol"),
			);
			let expiry_ms = (now + 86_400_000).div_ceil(ORACLE_PERIOD_MS) * ORACLE_PERIOD_MS;
			let vols = BoundedVec::try_from(vec![(expiry_ms, 500_000)]).expect("one vol");
			Oracle::feed(RuntimeOrigin::signed(feeder), 0, 100_000 * COLLATERAL_UNIT, vols, now)
				.expect("the benchmark feeder feeds");
			(0..n)
				.map(|k| {
					let id = pallet_options::NextSeriesId::<Runtime>::get();
					let terms = SeriesTerms {
						underlying: 0,
						expiry_ms,
						strike_e6: (90_000 + 1_000 * k as u128) * COLLATERAL_UNIT,
						kind: OptionKind::Call,
						contract_size_e6: 1_000_000,
					};
					Options::create_series(RuntimeOrigin::root(), terms).expect("room for series");
					id
				})
				.collect()
		}

		fn fund_margin(who: &AccountId, amount: Balance) {
			Collateral::mint_into(who, amount).expect("the collateral asset exists");
			Margin::deposit(RuntimeOrigin::signed(who.clone()), amount).expect("deposit");
		}

		fn signer(i: u32) -> AccountId {
			MultiSigner::from(public(i)).into_account()
		}

		fn sign(i: u32, message: &[u8]) -> S {
			#[cfg(feature = "std")]
			let signature = {
				use sp_core::Pair;
				let seed = format!("//strikeline-bench/{i}");
				sr25519::Pair::from_string(&seed, None).expect("valid seed").sign(message)
			};
			#[cfg(not(feature = "std"))]
			let signature =
				sp_io::crypto::sr25519_sign(KEY_TYPE, &public(i), message).expect("key in store");
			S::from_sr25519(signature)
		}

		fn set_spot(underlying: strikeline_primitives::UnderlyingId, spot_e6: Balance) {
			let now = pallet_timestamp::Now::<Runtime>::get();
			pallet_price_oracle::Spot::<Runtime>::insert(
				underlying,
				pallet_price_oracle::PricePoint { value: spot_e6, updated_ms: now },
			);
		}
	}
}
