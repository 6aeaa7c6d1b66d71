//! Black-Scholes price and delta of European calls and puts, in fixed point.
//!
//! ## Model
//!
//! Zero interest rate and no carry (crypto options settled in a stable asset, as Deribit's
//! USDC-linear options mark them on the forward; Strikeline takes forward = spot):
//!
//! ```text
//! T  = time to expiry in years of 365 days          (MS_PER_YEAR)
//! d1 = (ln(S / K) + sigma^2 T / 2) / (sigma sqrt(T))
//! d2 = d1 - sigma sqrt(T)
//! call = S N(d1) - K N(d2)          delta_call = N(d1)
//! put  = K N(-d2) - S N(-d1)        delta_put  = N(d1) - 1
//! ```
//!
//! At or after expiry, or with zero volatility, the price is the intrinsic value
//! `max(S - K, 0)` / `max(K - S, 0)` and delta is 1, 0 or -1.
//!
//! ## Units and rounding
//!
//! Prices are in collateral base units (10^-6 USD) per one unit of underlying (`_e6`),
//! volatility in millionths (`vol_e6`: 800_000 = 80 %), time in milliseconds, delta in
//! millionths (`delta_e6`). The price is rounded to the nearest 10^-6 and clamped to the
//! no-arbitrage bounds `[intrinsic, S]` (call) / `[intrinsic, K]` (put); callers round marks in
//! the protocol's favour themselves (see the margin pallet). Worst error against an f64
//! reference over a wide grid (tests): 1 unit of 10^-6 in price.
use crate::{
	math::{self, ONE},
	types::OptionKind,
};
use polkadot_sdk::sp_arithmetic::per_things::Rounding;

/// Milliseconds in a year of 365 days.
pub const MS_PER_YEAR: u64 = 365 * 24 * 3600 * 1000;

/// Price and delta of an option on one unit of the underlying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Valuation {
	/// Option value per unit of underlying, in 10^-6 of the collateral unit.
	pub price_e6: u128,
	/// dV/dS in millionths: 0..=1_000_000 for calls, -1_000_000..=0 for puts.
	pub delta_e6: i64,
}

/// Intrinsic value of an option per unit of underlying at price `spot_e6`.
pub fn intrinsic_e6(kind: OptionKind, spot_e6: u128, strike_e6: u128) -> u128 {
	match kind {
		OptionKind::Call => spot_e6.saturating_sub(strike_e6),
		OptionKind::Put => strike_e6.saturating_sub(spot_e6),
	}
}

/// Black-Scholes value and delta; `None` if an input is out of range (zero strike, spot or
/// strike above 10^24 base units, or an intermediate overflow).
pub fn value(
	kind: OptionKind,
	spot_e6: u128,
	strike_e6: u128,
	vol_e6: u32,
	time_to_expiry_ms: u64,
) -> Option<Valuation> {
	const BOUND: u128 = 1_000_000_000_000_000_000_000_000;
	if strike_e6 == 0 || spot_e6 > BOUND || strike_e6 > BOUND {
		return None;
	}
	let intrinsic = intrinsic_e6(kind, spot_e6, strike_e6);
	if spot_e6 == 0 {
		let delta_e6 = if kind == OptionKind::Put { -1_000_000 } else { 0 };
		return Some(Valuation { price_e6: intrinsic, delta_e6 });
	}
	// sigma sqrt(T) in _e18.
	let t_e18 = math::mul_div(
		time_to_expiry_ms as i128,
		ONE,
		MS_PER_YEAR as i128,
		Rounding::NearestPrefDown,
	)?;
	let sigma_e18 = (vol_e6 as i128).checked_mul(1_000_000_000_000)?;
	let sig_sqrt_t = math::mul(sigma_e18, math::sqrt_e18(t_e18)?)?;
	if sig_sqrt_t == 0 {
		let delta_e6 = match kind {
			OptionKind::Call if spot_e6 > strike_e6 => 1_000_000,
			OptionKind::Put if spot_e6 < strike_e6 => -1_000_000,
			_ => 0,
		};
		return Some(Valuation { price_e6: intrinsic, delta_e6 });
	}
	let moneyness = math::mul_div(spot_e6 as i128, ONE, strike_e6 as i128, Rounding::Down)?;
	let ln_sk = math::ln_e18(moneyness)?;
	let half_var = math::mul(sig_sqrt_t, sig_sqrt_t)? / 2;
	let d1 = math::div(ln_sk.checked_add(half_var)?, sig_sqrt_t)?;
	let d2 = d1.checked_sub(sig_sqrt_t)?;
	let n_d1 = math::norm_cdf_e18(d1)?;
	let n_d2 = math::norm_cdf_e18(d2)?;
	let (s, k) = (spot_e6 as i128, strike_e6 as i128);
	let (price, cap, delta_e18) = match kind {
		OptionKind::Call => (math::mul(s, n_d1)?.checked_sub(math::mul(k, n_d2)?)?, spot_e6, n_d1),
		OptionKind::Put => (
			math::mul(k, ONE - n_d2)?.checked_sub(math::mul(s, ONE - n_d1)?)?,
			strike_e6,
			n_d1 - ONE,
		),
	};
	let price_e6 = u128::try_from(price.max(0)).ok()?.clamp(intrinsic, cap);
	let delta_e6 = i64::try_from(delta_e18 / 1_000_000_000_000).ok()?;
	Some(Valuation { price_e6, delta_e6 })
}

#[cfg(test)]
mod tests {
	use super::*;

	fn cdf(x: f64) -> f64 {
		0.5 * libm::erfc(-x / core::f64::consts::SQRT_2)
	}

	fn reference(kind: OptionKind, s: f64, k: f64, vol: f64, t: f64) -> (f64, f64) {
		let sst = vol * t.sqrt();
		let d1 = ((s / k).ln() + sst * sst / 2.0) / sst;
		let d2 = d1 - sst;
		match kind {
			OptionKind::Call => (s * cdf(d1) - k * cdf(d2), cdf(d1)),
			OptionKind::Put => (k * cdf(-d2) - s * cdf(-d1), cdf(d1) - 1.0),
		}
	}

	/// Grid: spot/strike 0.3..3, vol 5 %..300 %, expiry 1 hour..3 years, both kinds, on spots
	/// from 1 to 200,000 USD. Worst absolute price error in units of 10^-6 and delta error.
	#[test]
	fn prices_against_float_reference() {
		let mut worst_price_e6 = 0f64;
		let mut worst_delta = 0f64;
		let mut cases = 0;
		for spot in [1.0f64, 37.5, 3_000.0, 97_123.45, 200_000.0] {
			for ratio in [0.3, 0.5, 0.8, 0.95, 1.0, 1.05, 1.25, 2.0, 3.0] {
				let strike = (spot * ratio * 1e6).round() / 1e6;
				for vol in [0.05, 0.2, 0.5, 0.8, 1.2, 3.0] {
					for hours in [1.0, 24.0, 24.0 * 7.0, 24.0 * 90.0, 24.0 * 365.0 * 3.0] {
						for kind in [OptionKind::Call, OptionKind::Put] {
							let ms = (hours * 3_600_000.0) as u64;
							let got = value(
								kind,
								(spot * 1e6).round() as u128,
								(strike * 1e6).round() as u128,
								(vol * 1e6) as u32,
								ms,
							)
							.unwrap();
							let t = ms as f64 / MS_PER_YEAR as f64;
							let (p, d) = reference(kind, spot, strike, vol, t);
							let err = (got.price_e6 as f64 - p * 1e6).abs();
							worst_price_e6 = worst_price_e6.max(err);
							worst_delta = worst_delta.max((got.delta_e6 as f64 / 1e6 - d).abs());
							cases += 1;
						}
					}
				}
			}
		}
		assert_eq!(cases, 2700);
		// The f64 reference itself carries ~1e-16 relative error: at 200,000 USD that is
		// 2e-11 USD, far below one unit of 10^-6.
		println!(
			"worst price error {worst_price_e6} units of 1e-6, worst delta error {worst_delta:e}"
		);
		assert!(worst_price_e6 <= 1.0, "worst price error {worst_price_e6} units of 1e-6");
		assert!(worst_delta <= 1.01e-6, "worst delta error {worst_delta}");
	}

	#[test]
	fn expiry_and_zero_vol_give_intrinsic() {
		let v = value(OptionKind::Call, 110_000_000, 100_000_000, 800_000, 0).unwrap();
		assert_eq!(v, Valuation { price_e6: 10_000_000, delta_e6: 1_000_000 });
		let v = value(OptionKind::Put, 110_000_000, 100_000_000, 0, 1_000_000).unwrap();
		assert_eq!(v, Valuation { price_e6: 0, delta_e6: 0 });
		let v = value(OptionKind::Put, 90_000_000, 100_000_000, 0, 1_000_000).unwrap();
		assert_eq!(v, Valuation { price_e6: 10_000_000, delta_e6: -1_000_000 });
		assert_eq!(value(OptionKind::Call, 1, 0, 1, 1), None);
	}

	#[test]
	fn put_call_parity_holds() {
		// C - P = S - K with zero rates.
		for (s, k) in [(100_000_000_000u128, 90_000_000_000u128), (3_000_000_000, 3_500_000_000)] {
			let c = value(OptionKind::Call, s, k, 650_000, 30 * 86_400_000).unwrap().price_e6;
			let p = value(OptionKind::Put, s, k, 650_000, 30 * 86_400_000).unwrap().price_e6;
			let lhs = c as i128 - p as i128;
			assert!((lhs - (s as i128 - k as i128)).abs() <= 2, "parity off by {}", lhs);
		}
	}
}
