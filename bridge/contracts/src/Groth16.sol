// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// A Groth16 verifying key over BN254 (alt_bn128), points encoded as the precompiles take
/// them (EIP-196, EIP-197): G1 as (x, y), G2 as (x_im, x_re, y_im, y_re).
struct VerifyingKey {
    uint256[2] alpha1;
    uint256[4] beta2;
    uint256[4] gamma2;
    uint256[4] delta2;
    /// `ic[0] + sum(input[i] * ic[i + 1])` is the public inputs' point.
    uint256[2][] ic;
}

/// Groth16 verification through Ethereum's BN254 precompiles (0x06 add, 0x07 mul, 0x08
/// pairing). Written for this project (Apache-2.0); the proof is `(A, B, C)` as eight words
/// `(A.x, A.y, B.x_im, B.x_re, B.y_im, B.y_re, C.x, C.y)`, the check
/// `e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) == 1`, arkworks' equation.
/// It reverts on every failure and never returns false, so a caller cannot forget to check.
library Groth16 {
    /// The scalar field's modulus (public inputs are below it).
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// The base field's modulus (point coordinates are below it).
    uint256 internal constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    /// Gas given to each precompile call: exactly its EIP-1108 price (add 150, mul 6,000,
    /// pairing 45,000 + 34,000 per pair), so a failing call (a point off its curve) burns
    /// that much and no more of the caller's gas.
    uint256 private constant ADD_GAS = 150;
    uint256 private constant MUL_GAS = 6_000;
    uint256 private constant PAIRING_GAS = 181_000; // 45,000 + 4 * 34,000

    /// The key takes `expected` public inputs; `given` were passed.
    error PublicInputCount(uint256 expected, uint256 given);
    /// Public input `index` is not below the scalar field's modulus.
    error PublicInputNotInField(uint256 index);
    /// A proof coordinate is not below the base field's modulus.
    error ProofNotInField();
    /// The pairing check failed, or a proof point is not on its curve.
    error InvalidProof();
    /// A key point made the add or mul precompile fail (a malformed verifying key).
    error BadVerifyingKey();

    /// Reverts unless `proof` proves `input` under `vk`.
    function verify(VerifyingKey memory vk, uint256[8] calldata proof, uint256[] memory input) internal view {
        if (input.length + 1 != vk.ic.length) revert PublicInputCount(vk.ic.length - 1, input.length);
        for (uint256 i = 0; i < 8; i++) {
            if (proof[i] >= Q) revert ProofNotInField();
        }
        uint256[2] memory x = vk.ic[0];
        for (uint256 i = 0; i < input.length; i++) {
            if (input[i] >= R) revert PublicInputNotInField(i);
            x = add(x, mul(vk.ic[i + 1], input[i]));
        }
        uint256[24] memory p;
        // -A: (x, Q - y), and the point at infinity (0, 0) stays itself.
        p[0] = proof[0];
        p[1] = proof[1] == 0 ? 0 : Q - proof[1];
        (p[2], p[3], p[4], p[5]) = (proof[2], proof[3], proof[4], proof[5]);
        (p[6], p[7]) = (vk.alpha1[0], vk.alpha1[1]);
        (p[8], p[9], p[10], p[11]) = (vk.beta2[0], vk.beta2[1], vk.beta2[2], vk.beta2[3]);
        (p[12], p[13]) = (x[0], x[1]);
        (p[14], p[15], p[16], p[17]) = (vk.gamma2[0], vk.gamma2[1], vk.gamma2[2], vk.gamma2[3]);
        (p[18], p[19]) = (proof[6], proof[7]);
        (p[20], p[21], p[22], p[23]) = (vk.delta2[0], vk.delta2[1], vk.delta2[2], vk.delta2[3]);
        uint256[1] memory out;
        bool ok;
        assembly ("memory-safe") {
            ok := staticcall(PAIRING_GAS, 0x08, p, 768, out, 32)
        }
        if (!ok || out[0] != 1) revert InvalidProof();
    }

    function add(uint256[2] memory a, uint256[2] memory b) private view returns (uint256[2] memory r) {
        uint256[4] memory both = [a[0], a[1], b[0], b[1]];
        bool ok;
        assembly ("memory-safe") {
            ok := staticcall(ADD_GAS, 0x06, both, 128, r, 64)
        }
        if (!ok) revert BadVerifyingKey();
    }

    function mul(uint256[2] memory a, uint256 s) private view returns (uint256[2] memory r) {
        uint256[3] memory input = [a[0], a[1], s];
        bool ok;
        assembly ("memory-safe") {
            ok := staticcall(MUL_GAS, 0x07, input, 96, r, 64)
        }
        if (!ok) revert BadVerifyingKey();
    }
}
