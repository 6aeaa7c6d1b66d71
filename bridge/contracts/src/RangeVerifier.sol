// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Groth16} from "./Groth16.sol";
import {RangeVerifyingKey} from "./RangeVerifyingKey.sol";

/// Verifies proofs of Strikeline's range circuit (`strikeline-zk`) under the generated key.
/// Reverts on a bad proof (the errors of `Groth16`); returns nothing.
contract RangeVerifier {
    /// Reverts unless `proof` proves the ledger step from `oldRoot` to `newRoot` that
    /// credits the vault's deposits between running hashes `depositsFrom` and `depositsTo`
    /// and burns the withdrawals whose hash chain is `withdrawalsDigest`.
    function verify(
        uint256[8] calldata proof,
        uint256 oldRoot,
        uint256 newRoot,
        uint256 depositsFrom,
        uint256 depositsTo,
        uint256 withdrawalsDigest
    ) external view {
        uint256[] memory input = new uint256[](5);
        (input[0], input[1], input[2], input[3], input[4]) =
            (oldRoot, newRoot, depositsFrom, depositsTo, withdrawalsDigest);
        Groth16.verify(RangeVerifyingKey.get(), proof, input);
    }
}
