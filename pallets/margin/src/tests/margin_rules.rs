//! Table-driven standard-margin cases with hand-computed values.
//!
//! Volatility is 0 so that every mark is the option's intrinsic value and each figure can be
//! worked out by hand. Spot is 100,000 USD; amounts in whole USD (x 10^6 base units).
use crate::{margin, mock::*};
use strikeline_primitives::{OptionKind, SeriesTerms};

const USD: i128 = 1_000_000;
const S: u128 = 100_000_000_000;

struct Case {
	name: &'static str,
	kind: OptionKind,
	strike_usd: u128,
	size_e6: u128,
	contracts: i64,
	/// Hand-computed value, initial and maintenance margin of the position, in USD.
	value: i128,
	initial: i128,
	maintenance: i128,
}

#[test]
fn standard_margin_table() {
	use OptionKind::*;
	#[rustfmt::skip]
	let cases = [
		// OTM 10k: max(15k - 10k, 10k floor) = 10k; MM 7.5k; mark 0.
		Case { name: "short OTM call", kind: Call, strike_usd: 110_000, size_e6: 1_000_000, contracts: -1, value: 0, initial: 10_000, maintenance: 7_500 },
		// ITM 5k: max(15k, 10k) + mark 5k = 20k; MM 7.5k + 5k.
		Case { name: "short ITM call", kind: Call, strike_usd: 95_000, size_e6: 1_000_000, contracts: -1, value: -5_000, initial: 20_000, maintenance: 12_500 },
		// Two OTM puts: 2 x max(15k - 10k, 10k) = 20k; MM 2 x 7.5k.
		Case { name: "two short OTM puts", kind: Put, strike_usd: 90_000, size_e6: 1_000_000, contracts: -2, value: 0, initial: 20_000, maintenance: 15_000 },
		// Far OTM put K = 5k: per-unit terms capped at the strike: IM = MM = 5k.
		Case { name: "short put capped at strike", kind: Put, strike_usd: 5_000, size_e6: 1_000_000, contracts: -1, value: 0, initial: 5_000, maintenance: 5_000 },
		// Longs need nothing; their value is 3 x 5k intrinsic.
		Case { name: "long ITM calls", kind: Call, strike_usd: 95_000, size_e6: 1_000_000, contracts: 3, value: 15_000, initial: 0, maintenance: 0 },
		// Contract of 0.1 BTC: 0.1 x (15k + 5k mark) = 2k; MM 0.1 x (7.5k + 5k) = 1.25k.
		Case { name: "short ITM call, 0.1 size", kind: Call, strike_usd: 95_000, size_e6: 100_000, contracts: -1, value: -500, initial: 2_000, maintenance: 1_250 },
		// ITM put K = 120k: max(15k, 10k) + mark 20k = 35k; MM 7.5k + 20k.
		Case { name: "short ITM put", kind: Put, strike_usd: 120_000, size_e6: 1_000_000, contracts: -1, value: -20_000, initial: 35_000, maintenance: 27_500 },
	];
	ExtBuilder::build_and_execute(|| {
		VOL.with(|v| *v.borrow_mut() = 0);
		set_spot(0, Ok(S));
		for (i, c) in cases.iter().enumerate() {
			let terms = SeriesTerms {
				underlying: 0,
				expiry_ms: 2_000_000_000,
				strike_e6: c.strike_usd * 1_000_000,
				kind: c.kind,
				contract_size_e6: c.size_e6,
			};
			add_series(i as u32, terms);
			let v = margin::value_position::<Oracle, Registry>(
				i as u32,
				&terms,
				c.contracts,
				1_000_000,
				&crate::Pallet::<Test>::params(),
			)
			.unwrap();
			assert_eq!(v.value, c.value * USD, "{}: value", c.name);
			assert_eq!(v.initial as i128, c.initial * USD, "{}: initial", c.name);
			assert_eq!(v.maintenance as i128, c.maintenance * USD, "{}: maintenance", c.name);
		}
	});
}

#[test]
fn expired_short_needs_exactly_its_payoff() {
	ExtBuilder::build_and_execute(|| {
		let terms = SeriesTerms {
			underlying: 0,
			expiry_ms: 500_000,
			strike_e6: 100_000 * 1_000_000,
			kind: OptionKind::Call,
			contract_size_e6: 1_000_000,
		};
		add_series(0, terms);
		set_settlement(0, 120_000 * 1_000_000);
		// No spot at all: the settlement price is enough after expiry.
		let v = margin::value_position::<Oracle, Registry>(
			0,
			&terms,
			-2,
			1_000_000,
			&crate::Pallet::<Test>::params(),
		)
		.unwrap();
		assert_eq!(v.value, -40_000 * USD);
		assert_eq!(v.initial as i128, 40_000 * USD);
		assert_eq!(v.maintenance as i128, 40_000 * USD);
	});
}

#[test]
fn marks_round_in_the_protocols_favour() {
	ExtBuilder::build_and_execute(|| {
		VOL.with(|v| *v.borrow_mut() = 0);
		// Intrinsic 0.000003 USD per unit on a 0.5-unit contract: 1.5 base units.
		set_spot(0, Ok(100_000_003));
		let terms = SeriesTerms {
			underlying: 0,
			expiry_ms: 2_000_000_000,
			strike_e6: 100_000_000,
			kind: OptionKind::Call,
			contract_size_e6: 500_000,
		};
		add_series(0, terms);
		let p = crate::Pallet::<Test>::params();
		let long = margin::value_position::<Oracle, Registry>(0, &terms, 1, 1_000_000, &p).unwrap();
		let short =
			margin::value_position::<Oracle, Registry>(0, &terms, -1, 1_000_000, &p).unwrap();
		assert_eq!(long.value, 1, "long mark rounds down");
		assert_eq!(short.value, -2, "short mark rounds up");
	});
}

#[test]
fn black_scholes_marks_sit_between_intrinsic_and_spot() {
	ExtBuilder::build_and_execute(|| {
		set_spot(0, Ok(S));
		let terms = SeriesTerms {
			underlying: 0,
			expiry_ms: 1_000_000 + 30 * 86_400_000,
			strike_e6: 100_000 * 1_000_000,
			kind: OptionKind::Call,
			contract_size_e6: 1_000_000,
		};
		add_series(0, terms);
		let p = crate::Pallet::<Test>::params();
		let short =
			margin::value_position::<Oracle, Registry>(0, &terms, -1, 1_000_000, &p).unwrap();
		// ATM call, 50 % vol, 30 days: 0.4 * S * sigma * sqrt(T) ~= 5,718 USD.
		assert!((-short.value - 5_718 * USD).abs() < 30 * USD, "mark {}", short.value);
		assert_eq!(short.initial as i128, 15_000 * USD - short.value);
		assert_eq!(short.maintenance as i128, 7_500 * USD - short.value);
	});
}
