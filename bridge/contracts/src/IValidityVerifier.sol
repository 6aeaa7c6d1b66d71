// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// The seam for validity proofs: once set on the anchor, every commitment must also come with
/// a proof this verifier accepts (that the ledger transition conserves collateral and keeps
/// every balance non-negative), beside the validators' signatures.
interface IValidityVerifier {
    /// Whether `proof` proves the transition committed to by `commitmentHash`.
    function verify(bytes32 commitmentHash, bytes calldata proof) external view returns (bool);
}
