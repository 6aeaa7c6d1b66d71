//! Poseidon over BN254's scalar field with circomlib's parameters for two inputs: width
//! `t = 3`, x^5 S-box, 8 full rounds (4 before and 4 after) and 57 partial rounds, the round
//! constants and MDS matrix of `constants.rs`. `hash2(a, b)` equals circomlib's
//! `Poseidon(2)([a, b])` and circomlibjs's `poseidon([a, b])` (checked against vectors
//! computed with circomlibjs 0.1.7 in the tests), so Solidity and JavaScript
//! implementations of circomlib's Poseidon agree with it.

use crate::constants::{MDS, ROUND_CONSTANTS};
use ark_bn254::Fr;
use ark_ff::{Field, PrimeField};
use std::sync::OnceLock;

/// State width: the capacity element and two inputs.
pub const WIDTH: usize = 3;
/// Full rounds, half before the partial rounds and half after.
pub const FULL_ROUNDS: usize = 8;
/// Partial rounds (circomlib's `N_ROUNDS_P[t - 2]` for t = 3).
pub const PARTIAL_ROUNDS: usize = 57;

/// The parameters as field elements.
pub struct Params {
	/// `WIDTH` constants a round.
	pub round_constants: Vec<[Fr; WIDTH]>,
	/// The MDS matrix, row by row.
	pub mds: [[Fr; WIDTH]; WIDTH],
}

fn fr(hex: &str) -> Fr {
	let bytes: Vec<u8> = (0..hex.len())
		.step_by(2)
		.map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("constants.rs holds hex digits"))
		.collect();
	Fr::from_be_bytes_mod_order(&bytes)
}

/// The parameters, parsed once.
pub fn params() -> &'static Params {
	static PARAMS: OnceLock<Params> = OnceLock::new();
	PARAMS.get_or_init(|| Params {
		round_constants: ROUND_CONSTANTS
			.chunks(WIDTH)
			.map(|c| [fr(c[0]), fr(c[1]), fr(c[2])])
			.collect(),
		mds: MDS.map(|row| row.map(fr)),
	})
}

/// Whether round `r` applies the S-box to every element (a full round).
pub fn is_full_round(r: usize) -> bool {
	!(FULL_ROUNDS / 2..FULL_ROUNDS / 2 + PARTIAL_ROUNDS).contains(&r)
}

fn sbox(x: Fr) -> Fr {
	x.square().square() * x
}

/// Poseidon of two field elements (circomlib's `Poseidon(2)`).
pub fn hash2(a: Fr, b: Fr) -> Fr {
	let p = params();
	let mut state = [Fr::from(0u8), a, b];
	for (r, constants) in p.round_constants.iter().enumerate() {
		for (s, c) in state.iter_mut().zip(constants) {
			*s += c;
		}
		if is_full_round(r) {
			state = state.map(sbox);
		} else {
			state[0] = sbox(state[0]);
		}
		state = p.mds.map(|row| row.iter().zip(&state).map(|(m, s)| *m * s).sum());
	}
	state[0]
}

#[cfg(test)]
mod tests {
	use super::*;
	use ark_ff::BigInteger;

	fn hex(x: Fr) -> String {
		x.into_bigint().to_bytes_be().iter().map(|b| format!("{b:02x}")).collect()
	}

	#[test]
	fn agrees_with_circomlib() {
		assert_eq!(params().round_constants.len(), FULL_ROUNDS + PARTIAL_ROUNDS);
		// circomlibjs 0.1.7 `buildPoseidonReference()`; the first is circomlib's published
		// vector.
		let minus_one = -Fr::from(1u8);
		for (a, b, expected) in [
			(
				Fr::from(1u8),
				Fr::from(2u8),
				"115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189a",
			),
			(
				Fr::from(3u8),
				Fr::from(4u8),
				"20a3af0435914ccd84b806164531b0cd36e37d4efb93efab76913a93e1f30996",
			),
			(
				Fr::from(0u8),
				Fr::from(0u8),
				"2098f5fb9e239eab3ceac3f27b81e481dc3124d55ffed523a839ee8446b64864",
			),
			(
				minus_one,
				Fr::from(7u8),
				"2f277108c32b7f8a4d6d7a62fc005c00062b073e24516a347bf0a502e4dd0cfc",
			),
		] {
			assert_eq!(hex(hash2(a, b)), expected);
		}
	}
}
