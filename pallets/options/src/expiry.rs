//! Expiry: fixing settlement prices and cash-settling positions, in bounded work per block.
use crate::*;
use polkadot_sdk::frame_support::weights::Weight;
use strikeline_primitives::black_scholes::intrinsic_e6;

impl<T: Config> Pallet<T> {
	/// Walks the live series whose expiry has passed (the front of `LiveSeries`): fixes each
	/// one's settlement price, then settles positions up to the per-block budget.
	pub(crate) fn process_expiries() -> Weight {
		let now = Self::now_ms();
		let live = LiveSeries::<T>::get();
		let mut budget = T::MaxSettlementsPerBlock::get();
		let (mut examined, mut settled_total, mut finished) = (0u32, 0u32, Vec::new());
		for &(expiry, id) in live.iter().take_while(|(e, _)| *e <= now) {
			examined += 1;
			let Some(mut info) = Series::<T>::get(id) else { continue };
			if info.state == SeriesState::Trading {
				// Until the oracle can price the window the series just stops trading.
				let Some(price) = T::Oracle::settlement_price_e6(info.terms.underlying, expiry)
				else {
					continue;
				};
				info.state = SeriesState::Expired;
				info.settlement_price_e6 = Some(price);
				Series::<T>::insert(id, info);
				Self::deposit_event(Event::SeriesExpired {
					series: id,
					settlement_price_e6: price,
					payoff_per_contract: Self::payoff_per_contract(&info.terms, price),
				});
			}
			if budget == 0 {
				break;
			}
			let price = info.settlement_price_e6.unwrap_or_default();
			let payoff = Self::payoff_per_contract(&info.terms, price);
			// The ledger only fails on an arithmetic bound the series bounds rule out; then the
			// series stays expired and is retried next block.
			let Ok(settled) = T::Margin::settle_series(id, payoff, budget) else { continue };
			let (before, settled) = (budget, settled.min(budget));
			settled_total += settled;
			budget -= settled;
			if settled < before {
				info.state = SeriesState::Settled;
				Series::<T>::insert(id, info);
				finished.push(id);
				Self::deposit_event(Event::SeriesSettled { series: id });
			}
		}
		if !finished.is_empty() {
			LiveSeries::<T>::mutate(|l| l.retain(|(_, id)| !finished.contains(id)));
		}
		T::WeightInfo::process_expiries(examined, settled_total)
	}

	/// `floor(intrinsic(price) * size / 10^6)`: what each long receives and each short pays per
	/// contract. Bounded by strike * size <= 10^27, it fits a u128.
	pub fn payoff_per_contract(terms: &SeriesTerms, settlement_price_e6: u128) -> u128 {
		let intrinsic = intrinsic_e6(terms.kind, settlement_price_e6, terms.strike_e6);
		intrinsic.saturating_mul(terms.contract_size_e6) / 1_000_000
	}
}
