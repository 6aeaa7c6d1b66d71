//! Portfolio margin: the worst loss of the whole book over a grid of spot and volatility
//! shocks, plus a contingency charge per short contract.
//!
//! ## Rules
//!
//! For every scenario `(ds, dv)` of the grid ([`PortfolioParams`]: spot shocks `ds` and
//! relative volatility shocks `dv`, in ppm), every position still before expiry is revalued
//! with Black-Scholes at spot `S (1 + ds)` and volatility `sigma (1 + dv)`, with the same
//! rounding as marks (longs down, shorts up). The scenario's loss is
//! `sum(value now) - sum(value in the scenario)`. Then
//!
//! ```text
//! IM = max(0, max over scenarios of loss) + contingency_ppm * S * size * (short contracts)
//! MM = IM * maintenance_ratio_ppm
//! ```
//!
//! An expired position is worth its fixed payoff in every scenario (it adds no loss); its
//! value stays in equity. A book's scenario losses are summed over its positions, so a hedged
//! book (a covered call, a spread, a straddle against its hedge) needs far less than the sum
//! of its legs under standard margin, while the contingency keeps a book of far
//! out-of-the-money shorts from being margined at zero.
//!
//! The full grid is evaluated on every trade, withdrawal and mode switch of a portfolio
//! account: `positions x scenarios` Black-Scholes valuations, bounded by `MaxPositions` and
//! the grid's bounds ([`MAX_SPOT_SHOCKS`], [`MAX_VOL_SHOCKS`]).
use crate::margin::{self, Requirement, ValuationError};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use strikeline_primitives::{black_scholes, Position, PriceOracle, SeriesId, SeriesRegistry};

/// Most spot shocks in the grid.
pub const MAX_SPOT_SHOCKS: u32 = 16;
/// Most volatility shocks in the grid.
pub const MAX_VOL_SHOCKS: u32 = 4;
/// Largest spot shock, either way: 50 %.
pub const MAX_SPOT_SHOCK_PPM: i32 = 500_000;
/// Volatility shocks lie in (-90 %, +200 %].
pub const VOL_SHOCK_RANGE_PPM: (i32, i32) = (-900_000, 2_000_000);
/// Largest contingency charge: 10 % of spot per short contract.
pub const MAX_CONTINGENCY_PPM: u32 = 100_000;

/// How an account is margined.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum MarginMode {
	/// Per-position rules (see the crate docs).
	#[default]
	Standard,
	/// Worst loss over the scenario grid.
	Portfolio,
}

/// The scenario grid and add-ons of portfolio margin, set by the admin origin within bounds.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct PortfolioParams {
	/// Spot shocks, ppm of spot (-150_000 = -15 %).
	pub spot_shocks_ppm: BoundedVec<i32, ConstU32<MAX_SPOT_SHOCKS>>,
	/// Relative volatility shocks, ppm of the current vol (-300_000: vol x 0.7).
	pub vol_shocks_ppm: BoundedVec<i32, ConstU32<MAX_VOL_SHOCKS>>,
	/// Charge per short contract, ppm of spot times contract size.
	pub contingency_ppm: u32,
	/// Maintenance margin as a fraction of initial, in ppm.
	pub maintenance_ratio_ppm: u32,
}

impl Default for PortfolioParams {
	/// Spot -15 %..+15 % in steps of 5 %, vol down 30 %, flat and up 30 %; contingency 1 % of
	/// spot per short contract; maintenance 70 % of initial.
	fn default() -> Self {
		let spot = [-150_000, -100_000, -50_000, 0, 50_000, 100_000, 150_000];
		Self {
			spot_shocks_ppm: BoundedVec::truncate_from(spot.to_vec()),
			vol_shocks_ppm: BoundedVec::truncate_from([-300_000, 0, 300_000].to_vec()),
			contingency_ppm: 10_000,
			maintenance_ratio_ppm: 700_000,
		}
	}
}

impl PortfolioParams {
	/// Whether every parameter is within its bound.
	pub fn is_valid(&self) -> bool {
		!self.spot_shocks_ppm.is_empty()
			&& !self.vol_shocks_ppm.is_empty()
			&& self.spot_shocks_ppm.iter().all(|s| s.abs() <= MAX_SPOT_SHOCK_PPM)
			&& self
				.vol_shocks_ppm
				.iter()
				.all(|v| *v > VOL_SHOCK_RANGE_PPM.0 && *v <= VOL_SHOCK_RANGE_PPM.1)
			&& self.contingency_ppm <= MAX_CONTINGENCY_PPM
			&& self.maintenance_ratio_ppm > 0
			&& self.maintenance_ratio_ppm <= 1_000_000
	}

	/// Number of scenarios in the grid.
	pub fn scenarios(&self) -> u32 {
		(self.spot_shocks_ppm.len() * self.vol_shocks_ppm.len()) as u32
	}
}

/// `x * (1 + ppm / 10^6)`, rounded down; `None` if it would be negative or overflow.
fn shocked(x: u128, ppm: i32) -> Option<u128> {
	let factor = u128::try_from(1_000_000i64 + ppm as i64).ok()?;
	Some(x.checked_mul(factor)? / 1_000_000)
}

/// Equity and portfolio margin of a book.
pub fn requirement<O: PriceOracle, S: SeriesRegistry>(
	collateral: i128,
	positions: &[(SeriesId, Position)],
	now_ms: u64,
	params: &PortfolioParams,
) -> Result<Requirement, ValuationError> {
	use ValuationError::Overflow;
	let scenarios = params.scenarios() as usize;
	let mut losses = alloc::vec![0i128; scenarios];
	let mut equity = collateral;
	let mut contingency: u128 = 0;
	for &(series, contracts) in positions {
		let terms = S::terms(series).ok_or(ValuationError::UnknownSeries)?;
		if now_ms >= terms.expiry_ms {
			// Fixed payoff: in equity, identical in every scenario.
			let (payoff, _) = margin::expired_payoff_e6::<O, S>(series, &terms)?;
			let v = margin::position_value(contracts, payoff, terms.contract_size_e6)
				.ok_or(Overflow)?;
			equity = equity.checked_add(v).ok_or(Overflow)?;
			continue;
		}
		let spot = O::spot_e6(terms.underlying)?;
		let vol = O::vol_e6(terms.underlying, terms.expiry_ms)?;
		let t = terms.expiry_ms - now_ms;
		let value_at = |s: u128, v: u32| -> Option<i128> {
			let price = black_scholes::value(terms.kind, s, terms.strike_e6, v, t)?.price_e6;
			margin::position_value(contracts, price, terms.contract_size_e6)
		};
		let now_value = value_at(spot, vol).ok_or(Overflow)?;
		equity = equity.checked_add(now_value).ok_or(Overflow)?;
		let mut i = 0;
		for ds in params.spot_shocks_ppm.iter() {
			let s = shocked(spot, *ds).ok_or(Overflow)?;
			for dv in params.vol_shocks_ppm.iter() {
				let v = u32::try_from(shocked(vol as u128, *dv).ok_or(Overflow)?)
					.map_err(|_| Overflow)?;
				let loss =
					now_value.checked_sub(value_at(s, v).ok_or(Overflow)?).ok_or(Overflow)?;
				losses[i] = losses[i].checked_add(loss).ok_or(Overflow)?;
				i += 1;
			}
		}
		if contracts < 0 {
			let per_contract = spot
				.checked_mul(terms.contract_size_e6)
				.and_then(|x| x.checked_mul(params.contingency_ppm as u128))
				.ok_or(Overflow)?
				.div_ceil(1_000_000_000_000);
			let charge =
				per_contract.checked_mul(contracts.unsigned_abs() as u128).ok_or(Overflow)?;
			contingency = contingency.checked_add(charge).ok_or(Overflow)?;
		}
	}
	let worst = losses.into_iter().max().unwrap_or(0).max(0) as u128;
	let initial = worst.checked_add(contingency).ok_or(Overflow)?;
	let maintenance = initial
		.checked_mul(params.maintenance_ratio_ppm as u128)
		.ok_or(Overflow)?
		.div_ceil(1_000_000);
	Ok(Requirement { equity, initial, maintenance })
}
