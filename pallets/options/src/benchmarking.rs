//! Benchmarks of the options pallet, worst case: every fill's two accounts hold the most
//! positions, every order is new (two signature checks per fill) or every maker order was seen
//! before (one), and expiry settles the most positions a block allows.
use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use polkadot_sdk::{frame_benchmarking, frame_support::BoundedVec};
use strikeline_primitives::{BenchmarkHelper as _, LedgerDelta, OptionKind};

const USD: u128 = 1_000_000;

/// Signer `i`'s order, signed.
fn signed<T: Config>(
	i: u32,
	series: SeriesId,
	side: Side,
	quantity: u64,
	nonce: u64,
) -> SignedOrder<T::AccountId, T::OrderSignature> {
	let order = Order {
		account: T::BenchmarkHelper::signer(i),
		series,
		side,
		limit_price: 10 * USD,
		quantity,
		nonce,
		expiry_ms: u64::MAX,
	};
	let hash = Pallet::<T>::order_hash(&order);
	SignedOrder { signature: T::BenchmarkHelper::sign(i, &hash), order }
}

/// Two funded traders (signers 0 and 1), each already holding a position in every series but
/// the last, which they trade: every margin check values the most positions.
fn traders<T: Config>() -> SeriesId {
	let n = T::Margin::max_positions();
	let series = T::BenchmarkHelper::setup_series(n);
	let (a, b) = (T::BenchmarkHelper::signer(0), T::BenchmarkHelper::signer(1));
	T::BenchmarkHelper::fund_margin(&a, 1_000_000_000 * USD);
	T::BenchmarkHelper::fund_margin(&b, 1_000_000_000 * USD);
	for &s in &series[..series.len() - 1] {
		T::Margin::apply(
			&[
				LedgerDelta { who: a.clone(), collateral: 0, series: s, contracts: -1 },
				LedgerDelta { who: b.clone(), collateral: 0, series: s, contracts: 1 },
			],
			n,
		)
		.expect("funded traders take positions");
	}
	series[series.len() - 1]
}

#[benchmarks]
pub mod benchmarks {
	use super::*;

	strikeline_primitives::benchmark_runner!(
		create_series,
		settle_fills_new_orders,
		settle_fills_resting_maker,
		cancel_order,
		process_expiries
	);

	#[benchmark]
	fn create_series() {
		let series = T::BenchmarkHelper::setup_series(1);
		let mut terms = Series::<T>::get(series[0]).expect("created").terms;
		terms.kind = OptionKind::Put;
		#[extrinsic_call]
		_(RawOrigin::Root, terms);
		assert_eq!(NextSeriesId::<T>::get(), series[0] + 2);
	}

	/// `n` fills, each between two new orders: 2n signature checks.
	#[benchmark]
	fn settle_fills_new_orders(n: Linear<1, { T::MaxFillsPerBatch::get() }>) {
		let series = traders::<T>();
		let fills: Vec<FillOf<T>> = (0..n as u64)
			.map(|k| Fill {
				maker: signed::<T>(1, series, Side::Sell, 1, k),
				taker: signed::<T>(0, series, Side::Buy, 1, k),
				price: 10 * USD,
				quantity: 1,
			})
			.collect();
		let caller: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		settle_fills(
			RawOrigin::Signed(caller),
			BoundedVec::try_from(fills).expect("n <= max"),
			T::Margin::max_positions(),
		);
		assert_eq!(Orders::<T>::iter().count() as u32, 2 * n);
	}

	/// `n` fills of one resting maker order seen before: n signature checks.
	#[benchmark]
	fn settle_fills_resting_maker(n: Linear<1, { T::MaxFillsPerBatch::get() }>) {
		let series = traders::<T>();
		let maker = signed::<T>(1, series, Side::Sell, u64::MAX / 2, 0);
		let warm = Fill {
			maker: maker.clone(),
			taker: signed::<T>(0, series, Side::Buy, 1, u64::MAX),
			price: 10 * USD,
			quantity: 1,
		};
		Pallet::<T>::execute_batch(&[warm], T::Margin::max_positions());
		let fills: Vec<FillOf<T>> = (0..n as u64)
			.map(|k| Fill {
				maker: maker.clone(),
				taker: signed::<T>(0, series, Side::Buy, 1, k),
				price: 10 * USD,
				quantity: 1,
			})
			.collect();
		let caller: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		settle_fills(
			RawOrigin::Signed(caller),
			BoundedVec::try_from(fills).expect("n <= max"),
			T::Margin::max_positions(),
		);
		assert_eq!(Orders::<T>::iter().count() as u32, n + 2);
	}

	#[benchmark]
	fn cancel_order() {
		let order = signed::<T>(0, 0, Side::Buy, 1, 0).order;
		#[extrinsic_call]
		_(RawOrigin::Signed(order.account.clone()), order.clone());
		assert!(Orders::<T>::get(Pallet::<T>::order_hash(&order)).is_some_and(|s| s.cancelled));
	}

	/// The expiry hook settling `p` positions of one series.
	#[benchmark]
	fn process_expiries(p: Linear<0, { T::MaxSettlementsPerBlock::get() }>) {
		let series = T::BenchmarkHelper::setup_series(1)[0];
		for i in 0..p / 2 {
			let (a, b) = (T::BenchmarkHelper::signer(2 * i), T::BenchmarkHelper::signer(2 * i + 1));
			T::BenchmarkHelper::fund_margin(&a, 1_000_000 * USD);
			T::BenchmarkHelper::fund_margin(&b, 1_000_000 * USD);
			T::Margin::apply(
				&[
					LedgerDelta { who: a, collateral: 0, series, contracts: 1 },
					LedgerDelta { who: b, collateral: 0, series, contracts: -1 },
				],
				1,
			)
			.expect("funded traders trade");
		}
		let mut info = Series::<T>::get(series).expect("created");
		info.state = SeriesState::Expired;
		info.settlement_price_e6 = Some(info.terms.strike_e6 + 1_000 * USD);
		Series::<T>::insert(series, info);
		LiveSeries::<T>::put(BoundedVec::try_from(vec![(0, series)]).expect("one"));
		#[block]
		{
			Pallet::<T>::process_expiries();
		}
		// Settled, or (with exactly the per-block budget of positions) finishing next block.
		assert!(Series::<T>::get(series).is_some_and(|s| s.state != SeriesState::Trading));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
