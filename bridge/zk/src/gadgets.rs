//! In-circuit (R1CS) versions of `poseidon::hash2` and `tree::root_from_path`.
//!
//! Constraint counts: an S-box (x^5) is 3 constraints, so a hash is 8 * 3 * 3 + 57 * 3 = 243
//! plus the pins below; a Merkle level is one hash plus one constraint to order the pair.
//! Pins: in partial rounds only state[0] goes through an S-box, so the other two elements
//! become ever longer linear combinations, and an S-box's square of such a combination puts
//! all its terms into the constraint matrices (dense matrices make setup and proving slow).
//! Every `PIN_EVERY` partial rounds, state[1] and state[2] are copied into fresh witnesses (2
//! constraints), which keeps every combination short.

use crate::poseidon::{is_full_round, params, WIDTH};
use ark_bn254::Fr;
use ark_r1cs_std::{fields::fp::FpVar, prelude::*};
use ark_relations::gr1cs::SynthesisError;

/// Partial rounds between pins: measured at 16 changed accounts and depth 32 (2026-12-06),
/// pins every 4 rounds prove in 8.3 s, every 8 in 8.0 s, every 16 in 7.8 s, none in 9.5 s.
pub const PIN_EVERY: usize = 16;

fn sbox(x: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
	let x2 = x.square()?;
	let x4 = x2.square()?;
	Ok(x4 * x)
}

/// A fresh witness equal to `x` (an equality constraint), or `x` itself when it is a
/// constant.
fn pin(x: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
	if x.is_constant() {
		return Ok(x.clone());
	}
	let pinned = FpVar::new_witness(x.cs(), || x.value())?;
	pinned.enforce_equal(x)?;
	Ok(pinned)
}

/// Poseidon of two field elements in the circuit (equals `poseidon::hash2`).
pub fn hash2(a: &FpVar<Fr>, b: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
	let p = params();
	let mut state: [FpVar<Fr>; WIDTH] = [FpVar::zero(), a.clone(), b.clone()];
	let mut partial = 0;
	for (r, constants) in p.round_constants.iter().enumerate() {
		for (s, c) in state.iter_mut().zip(constants) {
			*s += *c;
		}
		if is_full_round(r) {
			for s in state.iter_mut() {
				*s = sbox(s)?;
			}
		} else {
			state[0] = sbox(&state[0])?;
		}
		let mixed: [FpVar<Fr>; WIDTH] = std::array::from_fn(|i| {
			state.iter().zip(&p.mds[i]).fold(FpVar::zero(), |acc, (s, m)| acc + s * *m)
		});
		state = mixed;
		if !is_full_round(r) {
			partial += 1;
			if partial % PIN_EVERY == 0 {
				state[1] = pin(&state[1])?;
				state[2] = pin(&state[2])?;
			}
		}
	}
	let [out, _, _] = state;
	Ok(out)
}

/// The root reached from `leaf` at the slot whose little-endian bits are `slot_bits` through
/// `path` (siblings from the bottom): `tree::root_from_path` in the circuit.
pub fn root_from_path(
	slot_bits: &[Boolean<Fr>],
	leaf: &FpVar<Fr>,
	path: &[FpVar<Fr>],
) -> Result<FpVar<Fr>, SynthesisError> {
	assert_eq!(slot_bits.len(), path.len(), "one sibling per level");
	let mut acc = leaf.clone();
	for (bit, sibling) in slot_bits.iter().zip(path) {
		// left = bit ? sibling : acc, in one constraint; right is the other one.
		let bit = FpVar::from(bit.clone());
		let left = &acc + bit * (sibling - &acc);
		let right = &acc + sibling - &left;
		acc = hash2(&left, &right)?;
	}
	Ok(acc)
}

/// `bits` little-endian bits of `x`, constrained to recompose to it: proves `x < 2^bits`.
pub fn to_bits(x: &FpVar<Fr>, bits: usize) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
	use ark_ff::{BigInteger, PrimeField};
	let value = x.value().map(|v| v.into_bigint().to_bits_le());
	let out = (0..bits)
		.map(|i| {
			Boolean::new_witness(x.cs(), || {
				value.as_ref().map(|v| v[i]).map_err(|_| SynthesisError::AssignmentMissing)
			})
		})
		.collect::<Result<Vec<_>, _>>()?;
	Boolean::le_bits_to_fp(&out)?.enforce_equal(x)?;
	Ok(out)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{poseidon, tree::PoseidonTree};
	use ark_relations::gr1cs::ConstraintSystem;

	#[test]
	fn hash_matches_native_and_costs_about_270_constraints() {
		let cs = ConstraintSystem::<Fr>::new_ref();
		let (a, b) = (Fr::from(1u8), Fr::from(2u8));
		let av = FpVar::new_witness(cs.clone(), || Ok(a)).unwrap();
		let bv = FpVar::new_witness(cs.clone(), || Ok(b)).unwrap();
		let h = hash2(&av, &bv).unwrap();
		assert_eq!(h.value().unwrap(), poseidon::hash2(a, b));
		assert!(cs.is_satisfied().unwrap());
		let n = cs.num_constraints();
		assert!((243..=243 + 2 * 57 / PIN_EVERY + 2).contains(&n), "{n} constraints");
		// Constants compute natively, without constraints.
		let c = hash2(&FpVar::constant(a), &FpVar::constant(b)).unwrap();
		assert_eq!(c.value().unwrap(), poseidon::hash2(a, b));
		assert_eq!(cs.num_constraints(), n);
	}

	#[test]
	fn path_matches_native_and_refuses_a_wrong_slot() {
		let mut t = PoseidonTree::new(6);
		t.set(37, Fr::from(9u8));
		t.set(12, Fr::from(4u8));
		for (slot, claimed) in [(37u64, 37u64), (37, 36)] {
			let cs = ConstraintSystem::<Fr>::new_ref();
			let bits: Vec<_> = (0..6)
				.map(|i| Boolean::new_witness(cs.clone(), || Ok((claimed >> i) & 1 == 1)).unwrap())
				.collect();
			let leaf = FpVar::new_witness(cs.clone(), || Ok(t.leaf(slot))).unwrap();
			let path: Vec<_> = t
				.path(slot)
				.into_iter()
				.map(|s| FpVar::new_witness(cs.clone(), || Ok(s)).unwrap())
				.collect();
			let root = root_from_path(&bits, &leaf, &path).unwrap();
			assert_eq!(root.value().unwrap() == t.root(), slot == claimed);
		}
	}

	#[test]
	fn bits_refuse_a_value_too_wide() {
		for (x, ok) in [(255u64, true), (256, false)] {
			let cs = ConstraintSystem::<Fr>::new_ref();
			let v = FpVar::new_witness(cs.clone(), || Ok(Fr::from(x))).unwrap();
			to_bits(&v, 8).unwrap();
			assert_eq!(cs.is_satisfied().unwrap(), ok);
		}
	}
}
