//! Weights of the liquidation pallet.
//!
//! From `benchmarking.rs`, run with `scripts/bench-weights.sh` (see `docs/BENCHMARKS.md`):
//! reference time in picoseconds measured on the project machine, plus the database accesses
//! the benchmark counted, priced by the runtime's `DbWeight`. `u` is the valuations one
//! health check of the account costs (its positions; under portfolio margin times one plus
//! the scenarios).
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed by the liquidation pallet.
pub trait WeightInfo {
	/// `liquidate` of an account (and a liquidator) whose checks cost `u` valuations.
	fn liquidate(u: u32) -> Weight;
	/// The backstop's close-out of an account of `u` valuations.
	fn backstop(u: u32) -> Weight;
	/// The scan's check of one account of `u` valuations.
	fn scan_account(u: u32) -> Weight;
}

// Measured by `scripts/bench-weights.sh` on 2026-11-26 (native, release, medians of 9 runs;
// standard margin, so one valuation per position), doubled for wasm execution:
//   liquidate 22.1 us + 6.62 us per position; backstop 16.1 us + 9.13 us per position;
//   scan_account 6.5 us + 2.25 us per position.
// Portfolio accounts are charged per valuation at these per-position rates: a scenario
// valuation costs less than a position's (no storage reads), so they are over-charged.
const LIQUIDATE_BASE: u64 = 44_000_000;
const LIQUIDATE_PER_UNIT: u64 = 13_300_000;
const BACKSTOP_BASE: u64 = 32_000_000;
const BACKSTOP_PER_UNIT: u64 = 18_300_000;
const SCAN_BASE: u64 = 13_000_000;
const SCAN_PER_UNIT: u64 = 4_500_000;

/// Storage reads per valuation unit are per *position* (its series' terms, the spot and the
/// vol): at most `min(u, MAX_POSITIONS)` positions, `MAX_POSITIONS` being the runtime's
/// `MaxPositions` (a portfolio account's `u` counts every scenario, which reads nothing).
const MAX_POSITIONS: u32 = 32;

fn position_reads(u: u32) -> u64 {
	3 * u.min(MAX_POSITIONS) as u64
}

fn time(base: u64, per_unit: u64, u: u32) -> Weight {
	Weight::from_parts(base, 4_000)
		.saturating_add(Weight::from_parts(per_unit, 64).saturating_mul(u.into()))
}

/// Weights for the liquidation pallet, from its benchmarks.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn liquidate(u: u32) -> Weight {
		time(LIQUIDATE_BASE, LIQUIDATE_PER_UNIT, u)
			.saturating_add(T::DbWeight::get().reads_writes(6 + position_reads(u), 6))
	}
	fn backstop(u: u32) -> Weight {
		time(BACKSTOP_BASE, BACKSTOP_PER_UNIT, u).saturating_add(
			T::DbWeight::get()
				.reads_writes(5 + position_reads(u), 4 + 2 * u.min(MAX_POSITIONS) as u64),
		)
	}
	fn scan_account(u: u32) -> Weight {
		time(SCAN_BASE, SCAN_PER_UNIT, u)
			.saturating_add(T::DbWeight::get().reads(2 + position_reads(u)))
	}
}

/// For tests: the same figures priced with RocksDB weights.
impl WeightInfo for () {
	fn liquidate(u: u32) -> Weight {
		time(LIQUIDATE_BASE, LIQUIDATE_PER_UNIT, u)
			.saturating_add(RocksDbWeight::get().reads_writes(6 + position_reads(u), 6))
	}
	fn backstop(u: u32) -> Weight {
		time(BACKSTOP_BASE, BACKSTOP_PER_UNIT, u).saturating_add(
			RocksDbWeight::get()
				.reads_writes(5 + position_reads(u), 4 + 2 * u.min(MAX_POSITIONS) as u64),
		)
	}
	fn scan_account(u: u32) -> Weight {
		time(SCAN_BASE, SCAN_PER_UNIT, u)
			.saturating_add(RocksDbWeight::get().reads(2 + position_reads(u)))
	}
}
