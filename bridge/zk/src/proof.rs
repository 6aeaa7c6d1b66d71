//! Groth16 over BN254 for the range circuit: the circuit-specific setup, proving and native
//! verification (Ethereum verifies through its BN254 precompiles; see `bridge/contracts`).
//!
//! The setup here draws its toxic waste from a seeded RNG: for development and tests only
//! (anyone who knows the seed can forge proofs). A real deployment runs a multi-party setup.

use crate::circuit::{Public, RangeCircuit, Shape, WitnessError};
use ark_bn254::Bn254;
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof, ProvingKey, VerifyingKey};
use ark_snark::SNARK;
use ark_std::rand::{rngs::StdRng, SeedableRng};

/// The development setup's seed (insecure by design: it is public).
pub const DEV_SETUP_SEED: u64 = 0x5354_524b_4c4e_0001;

/// Keys of one circuit shape.
pub struct Keys {
	/// The prover's key.
	pub proving: ProvingKey<Bn254>,
	/// The verifier's key.
	pub verifying: VerifyingKey<Bn254>,
}

/// Why proving or verifying failed.
#[derive(Debug)]
pub enum ProofError {
	/// The witness does not satisfy the circuit, or synthesis failed.
	Synthesis(ark_relations::gr1cs::SynthesisError),
	/// No valid witness of the shape exists (see `WitnessError`).
	Witness(WitnessError),
}

impl From<ark_relations::gr1cs::SynthesisError> for ProofError {
	fn from(e: ark_relations::gr1cs::SynthesisError) -> Self {
		Self::Synthesis(e)
	}
}

/// The circuit-specific setup of `shape` from `seed` (development: see the module doc).
pub fn dev_setup(shape: Shape, seed: u64) -> Result<Keys, ProofError> {
	let blank = RangeCircuit::blank(shape).map_err(ProofError::Witness)?;
	let mut rng = StdRng::seed_from_u64(seed);
	let (proving, verifying) = Groth16::<Bn254>::circuit_specific_setup(blank, &mut rng)?;
	Ok(Keys { proving, verifying })
}

/// Proves `circuit` (randomised by `seed`: proofs need fresh randomness, not secrecy of it,
/// for soundness; zero knowledge is not a goal here, the ledger is public).
pub fn prove(keys: &Keys, circuit: RangeCircuit, seed: u64) -> Result<Proof<Bn254>, ProofError> {
	let mut rng = StdRng::seed_from_u64(seed);
	Ok(Groth16::<Bn254>::prove(&keys.proving, circuit, &mut rng)?)
}

/// Checks `proof` of `public` natively.
pub fn verify(
	vk: &PreparedVerifyingKey<Bn254>,
	public: &Public,
	proof: &Proof<Bn254>,
) -> Result<bool, ProofError> {
	Ok(Groth16::<Bn254>::verify_with_processed_vk(vk, &public.inputs(), proof)?)
}

/// The verifying key prepared for repeated checks.
pub fn prepare(vk: &VerifyingKey<Bn254>) -> PreparedVerifyingKey<Bn254> {
	ark_groth16::prepare_verifying_key(vk)
}
