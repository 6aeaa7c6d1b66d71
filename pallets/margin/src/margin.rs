//! Standard margin: the pure computation of equity, initial and maintenance margin of a book.
//!
//! Nothing here touches storage except through the [`PriceOracle`] and [`SeriesRegistry`]
//! traits, so a book can be valued before it is written (the dry run of
//! [`crate::Pallet::apply`]).
use crate::MarginParams;
use strikeline_primitives::{
	black_scholes, OptionKind, Position, PriceOracle, SeriesId, SeriesRegistry, SeriesTerms,
};

/// Why a book cannot be valued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValuationError {
	/// A position refers to a series the registry does not know.
	UnknownSeries,
	/// The oracle has no price (or no volatility) for a series' underlying.
	NoPrice,
	/// The oracle's price is stale.
	StalePrice,
	/// A value does not fit (the bounds in the crate docs prevent this for real books).
	Overflow,
}

impl From<strikeline_primitives::OracleError> for ValuationError {
	fn from(e: strikeline_primitives::OracleError) -> Self {
		match e {
			strikeline_primitives::OracleError::NoPrice => Self::NoPrice,
			strikeline_primitives::OracleError::Stale => Self::StalePrice,
		}
	}
}

/// The margin state of a book.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Requirement {
	/// Collateral plus the mark value of every position.
	pub equity: i128,
	/// What a trade or withdrawal must leave: `equity >= initial`.
	pub initial: u128,
	/// Below this the account is liquidatable.
	pub maintenance: u128,
}

impl Requirement {
	/// Equity minus initial margin (negative: below initial margin).
	pub fn free_margin(&self) -> i128 {
		self.equity.saturating_sub(self.initial as i128)
	}
	/// Whether equity covers initial margin.
	pub fn meets_initial(&self) -> bool {
		self.free_margin() >= 0
	}
}

/// Valuation of one position.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PositionValue {
	/// Mark value in collateral base units: long positive (rounded down), short negative
	/// (rounded up in magnitude).
	pub value: i128,
	/// Initial margin of the position (0 for longs).
	pub initial: u128,
	/// Maintenance margin of the position (0 for longs).
	pub maintenance: u128,
}

/// `a * b / 10^6`, rounded up: fractions of a base unit always count against the trader.
fn mul_e6_up(a: u128, b: u128) -> Option<u128> {
	let p = a.checked_mul(b)?;
	Some(p.div_ceil(1_000_000))
}

/// `a * b / 10^6`, rounded down.
fn mul_e6_down(a: u128, b: u128) -> Option<u128> {
	Some(a.checked_mul(b)? / 1_000_000)
}

/// Value of `contracts` at `price_e6` per unit of underlying and `size_e6` units per contract:
/// longs rounded down, shorts rounded up in magnitude (a base unit of doubt counts against the
/// trader). Used for marks here and for every scenario of [`crate::portfolio`].
pub fn position_value(contracts: Position, price_e6: u128, size_e6: u128) -> Option<i128> {
	let n = contracts.unsigned_abs() as u128;
	let per_contract =
		if contracts > 0 { mul_e6_down(price_e6, size_e6)? } else { mul_e6_up(price_e6, size_e6)? };
	let value = i128::try_from(n.checked_mul(per_contract)?).ok()?;
	Some(if contracts > 0 { value } else { -value })
}

/// An expired series' payoff per unit of underlying at its settlement price (spot until that
/// is known), with that price.
pub fn expired_payoff_e6<O: PriceOracle, S: SeriesRegistry>(
	series: SeriesId,
	terms: &SeriesTerms,
) -> Result<(u128, u128), ValuationError> {
	let price = match S::settlement_price_e6(series) {
		Some(p) => p,
		None => O::spot_e6(terms.underlying)?,
	};
	Ok((black_scholes::intrinsic_e6(terms.kind, price, terms.strike_e6), price))
}

/// Values one position of `contracts` in a series at time `now_ms`.
pub fn value_position<O: PriceOracle, S: SeriesRegistry>(
	series: SeriesId,
	terms: &SeriesTerms,
	contracts: Position,
	now_ms: u64,
	params: &MarginParams,
) -> Result<PositionValue, ValuationError> {
	use ValuationError::Overflow;
	if contracts == 0 {
		return Ok(PositionValue::default());
	}
	// Price per unit of underlying, and the spot the margin fractions apply to.
	let (price_e6, spot_e6) = if now_ms >= terms.expiry_ms {
		expired_payoff_e6::<O, S>(series, terms)?
	} else {
		let spot = O::spot_e6(terms.underlying)?;
		let vol = O::vol_e6(terms.underlying, terms.expiry_ms)?;
		let v =
			black_scholes::value(terms.kind, spot, terms.strike_e6, vol, terms.expiry_ms - now_ms)
				.ok_or(Overflow)?;
		(v.price_e6, spot)
	};
	let size = terms.contract_size_e6;
	let value = position_value(contracts, price_e6, size).ok_or(Overflow)?;
	if contracts > 0 {
		return Ok(PositionValue { value, initial: 0, maintenance: 0 });
	}
	let (n, liability) = (contracts.unsigned_abs() as u128, value.unsigned_abs());
	let mark = mul_e6_up(price_e6, size).ok_or(Overflow)?;
	if now_ms >= terms.expiry_ms {
		// The payoff is fixed: the liability (already in equity) is the whole risk.
		return Ok(PositionValue { value, initial: liability, maintenance: liability });
	}
	let otm_e6 = match terms.kind {
		OptionKind::Call => terms.strike_e6.saturating_sub(spot_e6),
		OptionKind::Put => spot_e6.saturating_sub(terms.strike_e6),
	};
	let shock = mul_e6_up(spot_e6, params.initial_ppm as u128).ok_or(Overflow)?;
	let floor = mul_e6_up(spot_e6, params.floor_ppm as u128).ok_or(Overflow)?;
	let mut im_per_unit = shock.saturating_sub(otm_e6).max(floor);
	let mut mm_per_unit = mul_e6_up(spot_e6, params.maintenance_ppm as u128).ok_or(Overflow)?;
	if terms.kind == OptionKind::Put {
		// A short put can never lose more than its strike.
		im_per_unit = im_per_unit.min(terms.strike_e6);
		mm_per_unit = mm_per_unit.min(terms.strike_e6);
	}
	let per_contract = |per_unit: u128| -> Option<u128> {
		n.checked_mul(mul_e6_up(per_unit, size)?.checked_add(mark)?)
	};
	Ok(PositionValue {
		value,
		initial: per_contract(im_per_unit).ok_or(Overflow)?,
		maintenance: per_contract(mm_per_unit).ok_or(Overflow)?,
	})
}

/// Equity and margin of a book: `collateral` and its positions.
pub fn requirement<O: PriceOracle, S: SeriesRegistry>(
	collateral: i128,
	positions: &[(SeriesId, Position)],
	now_ms: u64,
	params: &MarginParams,
) -> Result<Requirement, ValuationError> {
	let mut r = Requirement { equity: collateral, initial: 0, maintenance: 0 };
	for &(series, contracts) in positions {
		let terms = S::terms(series).ok_or(ValuationError::UnknownSeries)?;
		let p = value_position::<O, S>(series, &terms, contracts, now_ms, params)?;
		r.equity = r.equity.checked_add(p.value).ok_or(ValuationError::Overflow)?;
		r.initial = r.initial.checked_add(p.initial).ok_or(ValuationError::Overflow)?;
		r.maintenance = r.maintenance.checked_add(p.maintenance).ok_or(ValuationError::Overflow)?;
	}
	Ok(r)
}
