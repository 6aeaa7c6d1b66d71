//! Benchmarks of the price oracle: `feed` with the most feeders and volatilities, crossing a
//! full ring of TWAP checkpoints (the worst case after a quiet spell).
use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use polkadot_sdk::{frame_benchmarking, frame_support::BoundedVec};

#[benchmarks]
pub mod benchmarks {
	use super::*;

	strikeline_primitives::benchmark_runner!(feed, set_feeders, register_underlying);

	#[benchmark]
	fn feed(v: Linear<0, { T::MaxVolsPerFeed::get() }>, f: Linear<1, { T::MaxFeeders::get() }>) {
		let feeders: Vec<T::AccountId> = (0..f).map(|i| account("feeder", i, 0)).collect();
		Feeders::<T>::put(BoundedVec::try_from(feeders.clone()).expect("f <= MaxFeeders"));
		Underlyings::<T>::insert(0, BoundedVec::try_from(b"BTC".to_vec()).expect("short"));
		let now = Pallet::<T>::now_ms();
		let vols: Vec<(Moment, u32)> =
			(0..v).map(|i| (now + 86_400_000 * (i as u64 + 1), 500_000)).collect();
		// Every other feeder has fresh submissions: the medians read all of them.
		let old =
			now.saturating_sub(T::ObservationPeriodMs::get() * Pallet::<T>::ring_size() as u64);
		for who in feeders.iter().skip(1) {
			SpotSubmissions::<T>::insert(0, who, Submission { value: 1_000_000, updated_ms: now });
			for (e, vol) in &vols {
				VolSubmissions::<T>::insert(
					(0, *e),
					who,
					Submission { value: *vol, updated_ms: now },
				);
			}
		}
		// The accumulator last moved a whole ring ago: this feed writes every checkpoint.
		Accumulators::<T>::insert(0, twap::Accumulator::start(1_000_000, old));
		let vols = BoundedVec::try_from(vols).expect("v <= MaxVolsPerFeed");
		#[extrinsic_call]
		_(RawOrigin::Signed(feeders[0].clone()), 0, 1_000_000, vols, now);
		assert!(Spot::<T>::get(0).is_some());
	}

	#[benchmark]
	fn set_feeders(f: Linear<0, { T::MaxFeeders::get() }>) {
		let feeders: Vec<T::AccountId> = (0..f).map(|i| account("feeder", i, 0)).collect();
		#[extrinsic_call]
		_(RawOrigin::Root, feeders);
		assert_eq!(Feeders::<T>::get().len() as u32, f);
	}

	#[benchmark]
	fn register_underlying() {
		#[extrinsic_call]
		_(RawOrigin::Root, 7, b"SOL".to_vec());
		assert!(Underlyings::<T>::contains_key(7));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
