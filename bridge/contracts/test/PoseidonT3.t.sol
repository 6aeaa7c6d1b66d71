// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {PoseidonT3} from "../src/PoseidonT3.sol";

contract PoseidonHarness {
    function hash(uint256 a, uint256 b) external pure returns (uint256) {
        return PoseidonT3.hash(a, b);
    }
}

/// The Solidity Poseidon against circomlibjs 0.1.7's outputs (the same vectors as
/// `strikeline_zk::poseidon`'s tests).
contract PoseidonT3Test is Test {
    PoseidonHarness h = new PoseidonHarness();

    function test_agreesWithCircomlib() public {
        assertEq(h.hash(1, 2), 0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189a);
        assertEq(h.hash(3, 4), 0x20a3af0435914ccd84b806164531b0cd36e37d4efb93efab76913a93e1f30996);
        assertEq(h.hash(0, 0), 0x2098f5fb9e239eab3ceac3f27b81e481dc3124d55ffed523a839ee8446b64864);
        assertEq(h.hash(PoseidonT3.P - 1, 7), 0x2f277108c32b7f8a4d6d7a62fc005c00062b073e24516a347bf0a502e4dd0cfc);
        uint256 before = gasleft();
        h.hash(1, 2);
        emit log_named_uint("gas: one Poseidon hash through a call", before - gasleft());
    }

    /// Safety: an input at or above the modulus (an alias of a smaller one) is refused.
    function testFuzz_refusesInputsOutsideTheField(uint256 a, uint256 b) public {
        a = bound(a, PoseidonT3.P, type(uint256).max);
        b = bound(b, 0, PoseidonT3.P - 1);
        vm.expectRevert(PoseidonT3.NotInField.selector);
        h.hash(a, b);
        vm.expectRevert(PoseidonT3.NotInField.selector);
        h.hash(b, a);
    }
}
