//! The time-weighted price accumulator and its boundary checkpoints.
//!
//! `cumulative(t)` is the integral of the median spot price over time, in `price_e6 * ms`, from
//! the first price on. It is updated whenever the median changes; between updates the price
//! is constant, so the cumulative at any boundary `b * period` crossed since the last update
//! is exact: `cumulative + last_price * (boundary - last_ms)`. Each crossed boundary is written
//! to a ring of checkpoints (the last `ring` boundaries), so the TWAP over any window whose
//! ends are boundaries (or the current time) is two reads and a division: O(1).
use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use strikeline_primitives::Moment;

/// Running integral of the price of one underlying.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Accumulator {
	/// Integral of the price from `first_ms` to `last_ms`, in `price_e6 * ms`.
	pub cumulative: u128,
	/// The price in force since `last_ms`.
	pub last_price_e6: u128,
	/// When the accumulator was last brought forward.
	pub last_ms: Moment,
	/// When the first price arrived: the integral starts here.
	pub first_ms: Moment,
}

/// A boundary checkpoint: the cumulative at exactly `boundary_ms`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Checkpoint {
	/// The boundary (a multiple of the observation period).
	pub boundary_ms: Moment,
	/// The accumulator's integral at `boundary_ms`.
	pub cumulative: u128,
}

impl Accumulator {
	/// A fresh accumulator starting at `now_ms` with `price_e6`.
	pub fn start(price_e6: u128, now_ms: Moment) -> Self {
		Self { cumulative: 0, last_price_e6: price_e6, last_ms: now_ms, first_ms: now_ms }
	}

	/// The integral up to `t >= last_ms` (saturating: 10^15 price x 10^13 ms fits a u128
	/// many times over).
	pub fn cumulative_at(&self, t: Moment) -> u128 {
		self.cumulative.saturating_add(
			self.last_price_e6.saturating_mul(t.saturating_sub(self.last_ms) as u128),
		)
	}

	/// The boundaries crossed by moving from `last_ms` to `now_ms`, newest `ring` only, with
	/// the cumulative at each: what to write to the ring.
	pub fn crossed_boundaries(
		&self,
		now_ms: Moment,
		period_ms: Moment,
		ring: u32,
	) -> impl Iterator<Item = Checkpoint> + '_ {
		let first = self.last_ms / period_ms + 1;
		let last = now_ms / period_ms;
		let first = first.max((last + 1).saturating_sub(ring as u64));
		(first..=last).map(move |b| {
			let boundary_ms = b * period_ms;
			Checkpoint { boundary_ms, cumulative: self.cumulative_at(boundary_ms) }
		})
	}

	/// Brings the accumulator forward to `now_ms` and switches to `new_price_e6`.
	pub fn advance(&mut self, now_ms: Moment, new_price_e6: u128) {
		if now_ms > self.last_ms {
			self.cumulative = self.cumulative_at(now_ms);
			self.last_ms = now_ms;
		}
		self.last_price_e6 = new_price_e6;
	}
}
