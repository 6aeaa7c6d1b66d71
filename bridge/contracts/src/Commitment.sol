// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// An epoch commitment of the Strikeline chain, as its validators sign it.
/// The signed message is `keccak256(abi.encode(commitment))` (256 bytes), signed raw with
/// secp256k1 (no Ethereum message prefix).
struct Commitment {
    /// Strikeline's chain id (distinguishes dev, testnets and mainnet).
    uint64 chainId;
    /// Epoch number: 1, 2, 3, ... (epoch 0 is the genesis anchor).
    uint64 epoch;
    /// The Strikeline block that closed the epoch.
    uint64 blockNumber;
    /// Id of the validator set that signs this commitment.
    uint64 validatorSetId;
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
    /// The hash validators sign.
    function hash(Commitment calldata c) internal pure returns (bytes32) {
        return keccak256(abi.encode(c));
    }

    /// The hash of a validator set: `keccak256(abi.encode(validators))`.
    function setHash(address[] calldata validators) internal pure returns (bytes32) {
        return keccak256(abi.encode(validators));
    }
}
