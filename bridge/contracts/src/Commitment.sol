// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// An epoch commitment of the Strikeline chain.
/// Its hash is `keccak256(abi.encode(commitment))` (nine words); commitments chain by it.
/// Validators sign the hash bound to one Ethereum deployment, `CommitmentLib.digest`:
/// `keccak256(abi.encode(SIGNING_TAG, ethChainId, anchor, hash))`, raw secp256k1 (no
/// Ethereum message prefix), so a signature is valid for one anchor on one chain only.
struct Commitment {
    /// Strikeline's chain id (distinguishes dev, testnets and mainnet).
    uint64 chainId;
    /// Epoch number: 1, 2, 3, ... (epoch 0 is the genesis anchor).
    uint64 epoch;
    /// The Strikeline block that closed the epoch.
    uint64 blockNumber;
    /// Id of the validator set that signs this commitment.
    uint64 validatorSetId;
    /// How many of the vault's deposits (ids `0..depositsCredited`) the ledger has credited,
    /// as of `ledgerRoot`: after a freeze, the others are refunded to their depositors.
    uint64 depositsCredited;
    /// Merkle root of the ledger: one leaf per account (see `Merkle`).
    bytes32 ledgerRoot;
    /// Merkle root of every withdrawal up to this epoch (append-only; see `Merkle`).
    bytes32 withdrawalsRoot;
    /// `keccak256(abi.encode(address[]))` of the set that signs the next epoch; equal to the
    /// current set's hash when the set does not change.
    bytes32 nextValidatorSetHash;
    /// Hash of the previous epoch's commitment.
    bytes32 previousHash;
}

/// Hashing of commitments and validator sets, shared by the contracts and their tests.
library CommitmentLib {
    /// Domain tag of the signed digest.
    bytes32 internal constant SIGNING_TAG = keccak256("strikeline/bridge/commitment/v2");

    /// The commitment's hash (what `previousHash` chains).
    function hash(Commitment calldata c) internal pure returns (bytes32) {
        return keccak256(abi.encode(c));
    }

    /// What validators sign: commitment hash `h` bound to Ethereum chain `ethChainId` and
    /// the anchor at `anchor`.
    function digest(bytes32 h, uint256 ethChainId, address anchor) internal pure returns (bytes32) {
        return keccak256(abi.encode(SIGNING_TAG, ethChainId, anchor, h));
    }

    /// The hash of a validator set: `keccak256(abi.encode(validators))`.
    function setHash(address[] calldata validators) internal pure returns (bytes32) {
        return keccak256(abi.encode(validators));
    }
}
