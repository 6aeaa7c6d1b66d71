// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Groth16} from "../src/Groth16.sol";
import {RangeVerifier} from "../src/RangeVerifier.sol";
import {RangeProofFixture} from "./fixtures/RangeProofFixture.sol";

/// The verifier against a real proof from `strikeline-zk` (scripts/zk-dev-setup.sh).
contract RangeVerifierTest is Test {
    RangeVerifier verifier;
    uint256[8] proof;
    uint256[] input;

    function setUp() public {
        verifier = new RangeVerifier();
        proof = RangeProofFixture.proof();
        input = RangeProofFixture.input();
    }

    function check(uint256[8] memory p, uint256[] memory x) internal view {
        verifier.verify(p, x[0], x[1], x[2], x[3], x[4]);
    }

    function test_acceptsTheProof() public {
        uint256 gasBefore = gasleft();
        check(proof, input);
        emit log_named_uint("gas: verify (5 public inputs, through a call)", gasBefore - gasleft());
    }

    function test_refusesAnAlteredInput() public {
        for (uint256 i = 0; i < 5; i++) {
            uint256[] memory x = input;
            x[i] = addmod(x[i], 1, Groth16.R);
            vm.expectRevert(Groth16.InvalidProof.selector);
            check(proof, x);
        }
    }

    function test_refusesAnInputOutsideTheField() public {
        uint256[] memory x = input;
        // Congruent to the proven input, so only the range check can refuse it.
        x[2] = input[2] + Groth16.R;
        vm.expectRevert(abi.encodeWithSelector(Groth16.PublicInputNotInField.selector, 2));
        check(proof, x);
    }

    function test_refusesCoordinatesOutsideTheField() public {
        uint256[8] memory p = proof;
        p[0] = p[0] + Groth16.Q;
        vm.expectRevert(Groth16.ProofNotInField.selector);
        check(p, input);
    }

    function test_refusesAPointOffTheCurve() public {
        uint256[8] memory p = proof;
        p[1] = addmod(p[1], 1, Groth16.Q);
        vm.expectRevert(Groth16.InvalidProof.selector);
        check(p, input);
    }

    /// Safety: no change to any proof word passes.
    function testFuzz_refusesAnyAlteredProofWord(uint8 index, uint256 delta) public {
        uint256 i = index % 8;
        delta = bound(delta, 1, Groth16.Q - 1);
        uint256[8] memory p = proof;
        p[i] = addmod(p[i], delta, Groth16.Q);
        vm.expectRevert();
        check(p, input);
    }

    /// Safety: no other public inputs pass with the proof.
    function testFuzz_refusesOtherInputs(uint256[5] memory other) public {
        uint256[] memory x = new uint256[](5);
        bool same = true;
        for (uint256 i = 0; i < 5; i++) {
            x[i] = other[i] % Groth16.R;
            same = same && x[i] == input[i];
        }
        vm.assume(!same);
        vm.expectRevert(Groth16.InvalidProof.selector);
        check(proof, x);
    }
}
