//! Times the clearing pallets' FRAME benchmarks on the real runtime configuration, natively,
//! and prints the figures `weights.rs` are written from (`scripts/bench-weights.sh`).
//!
//! Each benchmark runs its own set-up on the `development` genesis, then its measured part
//! (the `#[extrinsic_call]` or `#[block]`) is timed between the `Recording` hooks, at every
//! component's minimum and, one component at a time, at its maximum; each point is the
//! median of [`REPEATS`] fresh runs. Storage accesses are not counted here: the weights add
//! them from each call's documented reads and writes, priced by the runtime's `DbWeight`.
use crate::{tests::ext, Runtime};
use polkadot_sdk::{
	frame_benchmarking::{
		BenchmarkError, BenchmarkMetadata, BenchmarkParameter, Benchmarking, Recording,
	},
	sp_genesis_builder::DEV_RUNTIME_PRESET,
};
use std::time::Instant;

/// Fresh runs per measured point.
const REPEATS: usize = 9;

#[derive(Default)]
struct Timer {
	started: Option<Instant>,
	elapsed_ns: u128,
}

impl Recording for Timer {
	fn start(&mut self) {
		self.started = Some(Instant::now());
	}
	fn stop(&mut self) {
		self.elapsed_ns = self.started.take().map_or(0, |s| s.elapsed().as_nanos());
	}
}

type Run = fn(&[u8], &mut Timer, &[(BenchmarkParameter, u32)]) -> Result<(), BenchmarkError>;

fn median_ns(run: Run, name: &[u8], point: &[(BenchmarkParameter, u32)]) -> u128 {
	let mut times: Vec<u128> = (0..REPEATS)
		.map(|_| {
			ext(DEV_RUNTIME_PRESET).execute_with(|| {
				let mut timer = Timer::default();
				run(name, &mut timer, point).expect("benchmark runs");
				timer.elapsed_ns
			})
		})
		.collect();
	times.sort_unstable();
	times[REPEATS / 2]
}

fn report(pallet: &str, benchmarks: Vec<BenchmarkMetadata>, run: Run) {
	for b in benchmarks {
		let name = String::from_utf8_lossy(&b.name).to_string();
		let base: Vec<_> = b.components.iter().map(|(p, lo, _)| (*p, *lo)).collect();
		let t0 = median_ns(run, &b.name, &base);
		let mut line = format!("| {pallet} | {name} | {:.1} µs at {base:?} |", t0 as f64 / 1e3);
		for (i, (p, lo, hi)) in b.components.iter().enumerate() {
			let mut point = base.clone();
			point[i].1 = *hi;
			let t = median_ns(run, &b.name, &point);
			let slope = (t as f64 - t0 as f64) / (hi - lo).max(1) as f64;
			line += &format!(
				" {p:?}={hi}: {:.1} µs, {:.2} µs per {p:?} |",
				t as f64 / 1e3,
				slope / 1e3
			);
		}
		println!("{line}");
	}
}

#[test]
#[ignore = "a benchmark, not a test: run by scripts/bench-weights.sh"]
fn benchmark_clearing_pallets() {
	report("Oracle", pallet_price_oracle::Pallet::<Runtime>::benchmarks(false), |n, r, c| {
		pallet_price_oracle::benchmarking::benchmarks::run::<Runtime>(n, r, c)
	});
	report("Margin", pallet_margin::Pallet::<Runtime>::benchmarks(false), |n, r, c| {
		pallet_margin::benchmarking::benchmarks::run::<Runtime>(n, r, c)
	});
	report("Options", pallet_options::Pallet::<Runtime>::benchmarks(false), |n, r, c| {
		pallet_options::benchmarking::benchmarks::run::<Runtime>(n, r, c)
	});
	report("Liquidation", pallet_liquidation::Pallet::<Runtime>::benchmarks(false), |n, r, c| {
		pallet_liquidation::benchmarking::benchmarks::run::<Runtime>(n, r, c)
	});
	report("Bridge", pallet_settlement_bridge::Pallet::<Runtime>::benchmarks(false), |n, r, c| {
		pallet_settlement_bridge::benchmarking::benchmarks::run::<Runtime>(n, r, c)
	});
}
