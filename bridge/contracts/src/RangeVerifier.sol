// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Groth16} from "./Groth16.sol";
import {RangeVerifyingKey} from "./RangeVerifyingKey.sol";

/// Verifies proofs of Strikeline's range circuit (`strikeline-zk`) under the generated key:
/// public inputs `(oldRoot, newRoot, deposits, withdrawals)`. Reverts on a bad proof (the
/// errors of `Groth16`); returns nothing.
contract RangeVerifier {
    /// Reverts unless `proof` proves the step from `oldRoot` to `newRoot` with `deposits`
    /// credited and `withdrawals` burned.
    function verify(
        uint256[8] calldata proof,
        uint256 oldRoot,
        uint256 newRoot,
        uint256 deposits,
        uint256 withdrawals
    ) external view {
        uint256[] memory input = new uint256[](4);
        (input[0], input[1], input[2], input[3]) = (oldRoot, newRoot, deposits, withdrawals);
        Groth16.verify(RangeVerifyingKey.get(), proof, input);
    }
}
