//! Executing a batch of fills: each fill in its own storage layer, so one that fails changes
//! nothing and the rest go on.
use crate::*;
use frame_support::{ensure, storage::with_storage_layer};
use strikeline_primitives::LedgerDelta;

impl<T: Config> Pallet<T> {
	/// Runs every fill, each account's book limited to `max_positions` (the caller's witness);
	/// returns (fills settled, signatures verified, first fill error).
	pub(crate) fn execute_batch(
		fills: &[FillOf<T>],
		max_positions: u32,
	) -> (u32, u32, Option<DispatchError>) {
		let (mut settled, mut verified, mut first_error) = (0u32, 0u32, None);
		let now = Self::now_ms();
		for (index, fill) in fills.iter().enumerate() {
			match with_storage_layer(|| Self::execute_fill(fill, now, max_positions)) {
				Ok(sigs) => {
					settled += 1;
					verified += sigs;
				}
				Err(error) => {
					first_error.get_or_insert(error);
					Self::deposit_event(Event::FillRejected { index: index as u32, error });
				}
			}
		}
		(settled, verified, first_error)
	}

	/// Checks and settles one fill; returns how many signatures it verified.
	fn execute_fill(
		fill: &FillOf<T>,
		now: Moment,
		max_positions: u32,
	) -> Result<u32, DispatchError> {
		let (maker, taker) = (&fill.maker.order, &fill.taker.order);
		let series = maker.series;
		ensure!(taker.series == series, Error::<T>::SeriesMismatch);
		let info = Series::<T>::get(series).ok_or(Error::<T>::UnknownSeries)?;
		ensure!(
			info.state == SeriesState::Trading && now < info.terms.expiry_ms,
			Error::<T>::SeriesNotTrading
		);
		ensure!(maker.side != taker.side, Error::<T>::SameSide);
		ensure!(maker.account != taker.account, Error::<T>::SelfTrade);
		ensure!(fill.quantity > 0, Error::<T>::ZeroQuantity);
		let (buy, sell) = if maker.side == Side::Buy { (maker, taker) } else { (taker, maker) };
		ensure!(
			buy.limit_price >= fill.price && sell.limit_price <= fill.price,
			Error::<T>::PriceOutsideLimit
		);
		let mut sigs = 0;
		let maker_hash = Self::take_quantity(&fill.maker, fill.quantity, now, &mut sigs)?;
		let taker_hash = Self::take_quantity(&fill.taker, fill.quantity, now, &mut sigs)?;

		let premium = fill.price.checked_mul(fill.quantity as u128).ok_or(Error::<T>::Overflow)?;
		let premium = i128::try_from(premium).map_err(|_| Error::<T>::Overflow)?;
		let contracts = i64::try_from(fill.quantity).map_err(|_| Error::<T>::Overflow)?;
		T::Margin::apply(
			&[
				LedgerDelta { who: buy.account.clone(), collateral: -premium, series, contracts },
				LedgerDelta {
					who: sell.account.clone(),
					collateral: premium,
					series,
					contracts: -contracts,
				},
			],
			max_positions,
		)?;
		Self::deposit_event(Event::Traded {
			series,
			buyer: buy.account.clone(),
			seller: sell.account.clone(),
			price: fill.price,
			quantity: fill.quantity,
			maker_order: maker_hash,
			taker_order: taker_hash,
		});
		Ok(sigs)
	}

	/// Checks that a signed order can fill `quantity` more and records it; verifies the
	/// signature the first time the order is seen.
	fn take_quantity(
		signed: &SignedOrder<T::AccountId, T::OrderSignature>,
		quantity: u64,
		now: Moment,
		sigs: &mut u32,
	) -> Result<[u8; 32], DispatchError> {
		let order = &signed.order;
		ensure!(now <= order.expiry_ms, Error::<T>::OrderExpired);
		let hash = Self::order_hash(order);
		let mut status = Orders::<T>::get(hash).unwrap_or(OrderStatus {
			quantity: order.quantity,
			expiry_ms: order.expiry_ms,
			..Default::default()
		});
		ensure!(!status.cancelled, Error::<T>::OrderCancelled);
		let filled = status.filled.checked_add(quantity).ok_or(Error::<T>::OrderOverfilled)?;
		ensure!(filled <= order.quantity, Error::<T>::OrderOverfilled);
		if !status.verified {
			*sigs += 1;
			ensure!(signed.signature.verify(&hash[..], &order.account), Error::<T>::BadSignature);
			status.verified = true;
		}
		status.filled = filled;
		Orders::<T>::insert(hash, status);
		Ok(hash)
	}
}
