//! # Strikeline primitives
//!
//! What the pallets, the runtime and clients share:
//!
//! - [`types`]: identifiers ([`SeriesId`], [`UnderlyingId`]), series terms and ledger deltas;
//! - [`math`]: deterministic fixed-point exp, ln, sqrt and normal CDF (`_e18` scale);
//! - [`black_scholes`]: price and delta of European options with those;
//! - [`traits`]: [`PriceOracle`], [`SeriesRegistry`], [`MarginLedger`], [`RiskLedger`];
//! - [`api`]: the runtime API traders call ([`api::StrikelineApi`]);
//! - [`bridge`]: what the chain commits to Ethereum, encoded and hashed as the contracts do.
//!
//! ## Units
//!
//! Names carry their units: `_e6` is millionths (collateral base units for money, since the
//! collateral has 6 decimals; millionths for volatility and delta), `_e18` is the internal
//! fixed-point scale of the math, `_ms` milliseconds since the Unix epoch. No floating point.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod api;
pub mod black_scholes;
pub mod bridge;
pub mod math;
pub mod traits;
pub mod types;

pub use traits::{
	BenchmarkHelper, BridgeLedger, Health, Liquidated, LiquidationFees, MarginLedger,
	OnLedgerChange, OnPriceUpdate, OracleError, PriceOracle, RiskLedger, SeriesRegistry, Taker,
};
pub use types::*;

/// The weight runner's entry to a pallet's FRAME benchmarks (`runtime/src/weights_bench.rs`):
/// invoked inside a `#[benchmarks]` module with the names of its benchmarks, it defines
/// `run::<T>(name, recording, components)`, which runs benchmark `name` once at `components`
/// with `recording` around its measured part. Names, `Config`, `SelectedBenchmark` and the
/// benchmarking types resolve where it is invoked.
#[macro_export]
macro_rules! benchmark_runner {
	($($name:ident),+ $(,)?) => {
		/// Runs benchmark `name` once at `components` with `recording` around its measured
		/// part (the runtime's weight runner times it; see `scripts/bench-weights.sh`).
		pub fn run<T: Config>(
			name: &[u8],
			recording: &mut impl frame_benchmarking::Recording,
			components: &[(BenchmarkParameter, u32)],
		) -> Result<(), BenchmarkError> {
			let selected = match name {
				$(n if n == stringify!($name).as_bytes() => SelectedBenchmark::$name,)+
				_ => return Err(BenchmarkError::Stop("no such benchmark")),
			};
			<SelectedBenchmark as frame_benchmarking::BenchmarkingSetup<T>>::instance(
				&selected, recording, components, true,
			)
		}
	};
}
