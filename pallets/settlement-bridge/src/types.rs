//! The pallet's records and the secp256k1 helpers shared by its modules.
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use strikeline_primitives::bridge::{self, EthAddress};

/// A withdrawal burned on Strikeline, to be paid by the vault on Ethereum.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Withdrawal<AccountId> {
	/// Who burned the collateral.
	pub who: AccountId,
	/// Who receives it on Ethereum.
	pub recipient: EthAddress,
	/// Base units of the collateral token.
	pub amount: u128,
	/// The epoch whose commitment first includes it.
	pub epoch: u64,
	/// The vault that pays it (named in its leaf).
	pub vault: EthAddress,
}

/// The Ethereum deployment a network commits to.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct EthereumDeployment {
	/// Ethereum's chain id (`block.chainid`).
	pub chain_id: u64,
	/// The vault: it holds the collateral and created the anchor.
	pub vault: EthAddress,
	/// The settlement anchor, [`bridge::anchor_address`] of the vault.
	pub anchor: EthAddress,
}

/// The Ethereum address of an uncompressed secp256k1 public key (64 bytes, no prefix).
pub fn eth_address(public: &[u8; 64]) -> EthAddress {
	let h = bridge::keccak(public);
	let mut a = [0u8; 20];
	a.copy_from_slice(&h[12..]);
	a
}

/// Half the secp256k1 group order: a signature with a larger `s` is malleable and refused, as
/// the anchor contract refuses it.
pub(crate) const HALF_ORDER: [u8; 32] = [
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// Unattested epochs, counting back from the last, that validators still sign.
pub(crate) const SIGN_BACK_EPOCHS: u64 = 8;
