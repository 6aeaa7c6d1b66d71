// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AnchorFixture, VmGas} from "./utils/AnchorFixture.sol";
import {Commitment} from "../src/Commitment.sol";
import {SettlementAnchor} from "../src/SettlementAnchor.sol";
import {Merkle} from "../src/Merkle.sol";
import {IValidityVerifier} from "../src/IValidityVerifier.sol";

contract RejectingVerifier is IValidityVerifier {
    function verify(bytes32, bytes calldata proof) external pure returns (bool) {
        return proof.length == 1 && proof[0] == 0x01;
    }
}

contract SettlementAnchorTest is AnchorFixture {
    SettlementAnchor anchor;
    uint256[] k;
    address[] set;
    address constant RELAYER = address(0xBEEF);

    function setUp() public {
        k = keys(0, 4);
        set = addresses(k);
        anchor = deploy(set, IValidityVerifier(address(0)));
    }

    function first() internal view returns (Commitment memory) {
        return commitment(1, GENESIS, 0, set);
    }

    function test_acceptsASupermajorityAndPaysTheRelayer() public {
        Commitment memory c = first();
        vm.prank(RELAYER);
        anchor.submit(c, set, 0x7, sign(anchor, c, k, 0x7), new address[](0), "");
        assertEq(anchor.lastEpoch(), 1);
        assertEq(anchor.commitmentHash(1), keccak256(abi.encode(c)));
        assertEq(RELAYER.balance, REWARD);
        assertTrue(anchor.isAccepted(c));
        // The next epoch chains to it.
        Commitment memory d = commitment(2, keccak256(abi.encode(c)), 0, set);
        accept(anchor, d, k);
        assertEq(anchor.lastEpoch(), 2);
    }

    function test_twoThirdsIsNotEnough() public {
        uint256[] memory k3 = keys(1, 3);
        address[] memory s3 = addresses(k3);
        SettlementAnchor a3 = deploy(s3, IValidityVerifier(address(0)));
        Commitment memory c = commitment(1, GENESIS, 0, s3);
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.NoSupermajority.selector, 2, 3));
        a3.submit(c, s3, 0x3, sign(a3, c, k3, 0x3), new address[](0), "");
        a3.submit(c, s3, 0x7, sign(a3, c, k3, 0x7), new address[](0), "");
        assertEq(a3.lastEpoch(), 1);
    }

    function test_forgedSignaturesAreRejected() public {
        Commitment memory c = first();
        SettlementAnchor.Signature[] memory sigs = sign(anchor, c, k, 0x7);
        // Signed by a key outside the set.
        uint256[] memory outsider = keys(9, 4);
        sigs[1] = sign(anchor, c, outsider, 0x2)[0];
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.BadSignature.selector, 1));
        anchor.submit(c, set, 0x7, sigs, new address[](0), "");
        // A valid signature over another commitment.
        Commitment memory other = first();
        other.ledgerRoot = bytes32(uint256(1));
        sigs = sign(anchor, c, k, 0x7);
        sigs[2] = sign(anchor, other, k, 0x4)[0];
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.BadSignature.selector, 2));
        anchor.submit(c, set, 0x7, sigs, new address[](0), "");
        // One validator's signature counted twice (bitmap says three, two signatures given),
        // or a signature more than the bitmap names: a count mismatch, named as such.
        sigs = sign(anchor, c, k, 0x3);
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.SignatureCountMismatch.selector, 3, 2));
        anchor.submit(c, set, 0x7, sigs, new address[](0), "");
        sigs = sign(anchor, c, k, 0xF);
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.SignatureCountMismatch.selector, 3, 4));
        anchor.submit(c, set, 0x7, sigs, new address[](0), "");
        // A signer index outside the set.
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.SignerOutOfSet.selector, 4));
        anchor.submit(c, set, 0x17, sign(anchor, c, k, 0x7), new address[](0), "");
        assertEq(anchor.lastEpoch(), 0);
    }

    function test_epochsGoInOrderChainedAndOnlyOnce() public {
        Commitment memory c = first();
        // Out of order.
        Commitment memory skip = commitment(2, GENESIS, 0, set);
        SettlementAnchor.Signature[] memory sigs = sign(anchor, skip, k, 0x7);
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.WrongEpoch.selector, 1, 2));
        anchor.submit(skip, set, 0x7, sigs, new address[](0), "");
        // Not chained.
        Commitment memory unchained = commitment(1, bytes32(uint256(7)), 0, set);
        sigs = sign(anchor, unchained, k, 0x7);
        vm.expectRevert(SettlementAnchor.WrongPreviousHash.selector);
        anchor.submit(unchained, set, 0x7, sigs, new address[](0), "");
        // Another chain.
        Commitment memory foreign = first();
        foreign.chainId = 1;
        sigs = sign(anchor, foreign, k, 0x7);
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.WrongChain.selector, CHAIN_ID, 1));
        anchor.submit(foreign, set, 0x7, sigs, new address[](0), "");
        // Accepted once; the replay (a second relayer) reverts and is not paid.
        vm.prank(RELAYER);
        anchor.submit(c, set, 0x7, sign(anchor, c, k, 0x7), new address[](0), "");
        sigs = sign(anchor, c, k, 0x7);
        vm.prank(address(0xCAFE));
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.WrongEpoch.selector, 2, 1));
        anchor.submit(c, set, 0x7, sigs, new address[](0), "");
        assertEq(address(0xCAFE).balance, 0);
        assertEq(RELAYER.balance, REWARD);
    }

    function test_theValidatorSetHandsOver() public {
        uint256[] memory k2 = keys(1, 5);
        address[] memory set2 = addresses(k2);
        Commitment memory c = first();
        c.nextValidatorSetHash = keccak256(abi.encode(set2));
        // The handover needs the next set itself.
        SettlementAnchor.Signature[] memory sigs = sign(anchor, c, k, 0x7);
        vm.expectRevert(SettlementAnchor.EmptyValidatorSet.selector);
        anchor.submit(c, set, 0x7, sigs, new address[](0), "");
        anchor.submit(c, set, 0x7, sigs, set2, "");
        assertEq(anchor.validatorSetId(), 1);
        (,,, bytes20 setHash) = anchor.state();
        assertEq(bytes32(setHash), bytes32(bytes20(keccak256(abi.encode(set2)))));
        // The old set can no longer sign; the new one can.
        Commitment memory d = commitment(2, keccak256(abi.encode(c)), 0, set);
        sigs = sign(anchor, d, k, 0x7);
        vm.expectRevert(SettlementAnchor.WrongValidatorSet.selector);
        anchor.submit(d, set, 0x7, sigs, new address[](0), "");
        d = commitment(2, keccak256(abi.encode(c)), 1, set2);
        accept(anchor, d, k2);
        assertEq(anchor.lastEpoch(), 2);
    }

    function test_freezeOnlyAfterTheWindowAndNothingAfter() public {
        accept(anchor, first(), k);
        uint256 freezableAt = block.timestamp + FREEZE_WINDOW;
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.NotFreezable.selector, freezableAt));
        anchor.freeze();
        vm.warp(freezableAt + 1);
        anchor.freeze();
        assertTrue(anchor.frozen());
        Commitment memory d = commitment(2, anchor.commitmentHash(1), 0, set);
        SettlementAnchor.Signature[] memory sigs = sign(anchor, d, k, 0x7);
        vm.expectRevert(SettlementAnchor.AnchorFrozen.selector);
        anchor.submit(d, set, 0x7, sigs, new address[](0), "");
        vm.expectRevert(SettlementAnchor.AnchorFrozen.selector);
        anchor.freeze();
    }

    function test_aVerifierMustAcceptTheProof() public {
        SettlementAnchor a = deploy(set, new RejectingVerifier());
        Commitment memory c = first();
        SettlementAnchor.Signature[] memory sigs = sign(a, c, k, 0x7);
        vm.expectRevert(SettlementAnchor.ProofRejected.selector);
        a.submit(c, set, 0x7, sigs, new address[](0), hex"00");
        a.submit(c, set, 0x7, sigs, new address[](0), hex"01");
        assertEq(a.lastEpoch(), 1);
    }

    /// Safety: a commitment is accepted exactly when more than 2/3 of the set signed.
    function testFuzz_noCommitmentWithoutASupermajority(uint16 signers) public {
        uint256[] memory k16 = keys(2, 16);
        address[] memory s16 = addresses(k16);
        SettlementAnchor a = deploy(s16, IValidityVerifier(address(0)));
        Commitment memory c = commitment(1, GENESIS, 0, s16);
        uint256 n = 0;
        for (uint256 i = 0; i < 16; ++i) if ((uint256(signers) >> i) & 1 == 1) ++n;
        SettlementAnchor.Signature[] memory sigs = sign(a, c, k16, signers);
        if (3 * n <= 32) {
            vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.NoSupermajority.selector, n, 16));
        }
        a.submit(c, s16, signers, sigs, new address[](0), "");
        assertEq(a.lastEpoch(), 3 * n > 32 ? 1 : 0);
    }

    /// Safety: a tampered field invalidates the signatures.
    function testFuzz_noCommitmentWithTamperedRoots(bytes32 root) public {
        Commitment memory c = first();
        SettlementAnchor.Signature[] memory sigs = sign(anchor, c, k, 0x7);
        vm.assume(root != c.ledgerRoot);
        c.ledgerRoot = root;
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.BadSignature.selector, 0));
        anchor.submit(c, set, 0x7, sigs, new address[](0), "");
    }

    /// Safety: nothing is accepted after the freeze, however long after.
    function testFuzz_noCommitmentAfterFreeze(uint32 later) public {
        vm.warp(block.timestamp + FREEZE_WINDOW + 1);
        anchor.freeze();
        vm.warp(block.timestamp + later);
        Commitment memory c = first();
        SettlementAnchor.Signature[] memory sigs = sign(anchor, c, k, 0xF);
        vm.expectRevert(SettlementAnchor.AnchorFrozen.selector);
        anchor.submit(c, set, 0xF, sigs, new address[](0), "");
    }

    /// Safety: no freeze inside the window.
    function testFuzz_noFreezeInsideTheWindow(uint32 after_) public {
        vm.assume(after_ <= FREEZE_WINDOW);
        vm.warp(block.timestamp + after_);
        vm.expectRevert();
        anchor.freeze();
    }

    /// Gas of an accepted commitment with a least supermajority of `n` validators, once the
    /// ring of recent commitments is full (steady state): execution (measured on cold
    /// storage) plus the transaction's intrinsic cost (21,000 and its calldata).
    function gasOfCommitment(uint256 n) internal returns (uint256) {
        uint256[] memory kn = keys(3, n);
        address[] memory sn = addresses(kn);
        SettlementAnchor a = deploy(sn, IValidityVerifier(address(0)));
        bytes32 previous = GENESIS;
        uint64 epochs = uint64(a.HISTORY());
        for (uint64 e = 1; e <= epochs; ++e) {
            Commitment memory ce = commitment(e, previous, 0, sn);
            accept(a, ce, kn);
            previous = keccak256(abi.encode(ce));
        }
        Commitment memory c = commitment(epochs + 1, previous, 0, sn);
        SettlementAnchor.Signature[] memory sigs = sign(a, c, kn, quorum(n));
        bytes memory data =
            abi.encodeCall(SettlementAnchor.submit, (c, sn, quorum(n), sigs, new address[](0), ""));
        // A relayer is an account with ether (paying an empty account costs 25,000 more).
        vm.deal(RELAYER, 1 ether);
        // Storage as a fresh transaction finds it.
        VmGas(address(vm)).cool(address(a));
        vm.prank(RELAYER, RELAYER);
        a.submit(c, sn, quorum(n), sigs, new address[](0), "");
        emit log_named_uint("  calldata bytes", data.length);
        return txGas(data);
    }

    function test_gasPerCommitment() public {
        uint256 g4 = gasOfCommitment(4);
        uint256 g16 = gasOfCommitment(16);
        uint256 g64 = gasOfCommitment(64);
        emit log_named_uint("gas per commitment, 4 validators", g4);
        emit log_named_uint("gas per commitment, 16 validators", g16);
        emit log_named_uint("gas per commitment, 64 validators", g64);
        assertTrue(g4 < 80_000, "under 80k gas at 4 validators");
    }

    function test_oldCommitmentsLeaveTheRing() public {
        Commitment memory c = first();
        accept(anchor, c, k);
        assertTrue(anchor.isAccepted(c));
        bytes32 previous = keccak256(abi.encode(c));
        for (uint64 e = 2; e <= anchor.HISTORY() + 1; ++e) {
            Commitment memory ce = commitment(e, previous, 0, set);
            accept(anchor, ce, k);
            previous = keccak256(abi.encode(ce));
        }
        assertTrue(!anchor.isAccepted(c));
        assertEq(anchor.commitmentHash(1), bytes32(0));
    }

    /// A commitment's signatures are bound to one anchor on one Ethereum chain: a second
    /// anchor that follows the same chain (same validators, genesis and chain id; a
    /// redeployment or another L1) refuses them.
    function test_signaturesAreBoundToOneAnchorOnOneChain() public {
        SettlementAnchor twin = deploy(set, IValidityVerifier(address(0)));
        Commitment memory c = first();
        SettlementAnchor.Signature[] memory sigs = sign(anchor, c, k, 0x7);
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.BadSignature.selector, 0));
        twin.submit(c, set, 0x7, sigs, new address[](0), "");
        assertEq(anchor.vault(), address(this));
        // The same anchor address on another Ethereum chain (last: the IR optimizer takes
        // `block.chainid` for a constant of the transaction).
        vm.chainId(block.chainid + 1);
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.BadSignature.selector, 0));
        anchor.submit(c, set, 0x7, sigs, new address[](0), "");
    }

    /// A set with a duplicate, a zero address or out of order is refused at deployment and
    /// at a handover.
    function test_validatorSetsAreStrictlyIncreasingAndNonZero() public {
        address[] memory dup = new address[](4);
        (dup[0], dup[1], dup[2], dup[3]) = (set[0], set[1], set[1], set[3]);
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.BadValidatorSet.selector, 2));
        deploy(dup, IValidityVerifier(address(0)));
        address[] memory zero = new address[](2);
        zero[1] = set[0];
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.BadValidatorSet.selector, 0));
        deploy(zero, IValidityVerifier(address(0)));
        address[] memory unsorted = new address[](2);
        (unsorted[0], unsorted[1]) = (set[1], set[0]);
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.BadValidatorSet.selector, 1));
        deploy(unsorted, IValidityVerifier(address(0)));
        // A handover to a set that counts one key twice.
        Commitment memory c = first();
        c.nextValidatorSetHash = keccak256(abi.encode(dup));
        SettlementAnchor.Signature[] memory sigs = sign(anchor, c, k, 0x7);
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.BadValidatorSet.selector, 2));
        anchor.submit(c, set, 0x7, sigs, dup, "");
        assertEq(anchor.lastEpoch(), 0);
    }

    function test_aTinyFreezeWindowIsNotDeployable() public {
        uint256 min = anchor.MIN_FREEZE_WINDOW();
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.FreezeWindowTooShort.selector, min));
        new SettlementAnchor(CHAIN_ID, set, GENESIS, min - 1, REWARD, IValidityVerifier(address(0)));
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.FreezeWindowTooShort.selector, min));
        new SettlementAnchor(CHAIN_ID, set, GENESIS, 0, REWARD, IValidityVerifier(address(0)));
    }

    /// After 2106 (2^32 seconds) a 32-bit clock would wrap and make the anchor freezable
    /// right after a commitment.
    function test_theClockDoesNotWrapIn2106() public {
        vm.warp(uint256(type(uint32).max) + 1000);
        SettlementAnchor a = deploy(set, IValidityVerifier(address(0)));
        accept(a, first(), k);
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.NotFreezable.selector, block.timestamp + FREEZE_WINDOW));
        a.freeze();
    }

    /// Safety: a set enters only if strictly increasing and non-zero.
    function testFuzz_onlyStrictlyIncreasingNonZeroSetsEnter(address a0, address a1, address a2) public {
        address[] memory s3 = new address[](3);
        (s3[0], s3[1], s3[2]) = (a0, a1, a2);
        bool ok = a0 != address(0) && a0 < a1 && a1 < a2;
        if (!ok) vm.expectRevert();
        deploy(s3, IValidityVerifier(address(0)));
    }

    /// The chain's encoding (`strikeline_primitives::bridge`, test
    /// `vectors_shared_with_the_contracts`) and the contracts' hash alike.
    function test_vectorsMatchTheChain() public {
        address[] memory validators = new address[](4);
        validators[0] = address(bytes20(hex"1111111111111111111111111111111111111111"));
        validators[1] = address(bytes20(hex"2222222222222222222222222222222222222222"));
        validators[2] = address(bytes20(hex"3333333333333333333333333333333333333333"));
        validators[3] = address(bytes20(hex"4444444444444444444444444444444444444444"));
        bytes32 setHash = keccak256(abi.encode(validators));
        assertEq(setHash, 0xb55eb80b5be30465bfe05a2f89c542aa3137872de048a8d8ba0af3ca0c880f13);
        Commitment memory c = Commitment({
            chainId: 4242,
            epoch: 7,
            blockNumber: 700,
            validatorSetId: 2,
            depositsCredited: 3,
            ledgerRoot: bytes32(uint256(type(uint256).max / 255 * 0xaa)),
            withdrawalsRoot: bytes32(uint256(type(uint256).max / 255 * 0xbb)),
            nextValidatorSetHash: setHash,
            previousHash: bytes32(uint256(type(uint256).max / 255 * 0xcc))
        });
        bytes32 h = keccak256(abi.encode(c));
        assertEq(h, COMMITMENT_HASH);
        // Bound to Ethereum chain 1 and the anchor at 0x5555...: what validators sign.
        bytes32 d = keccak256(
            abi.encode(keccak256("strikeline/bridge/commitment/v2"), uint256(1), address(bytes20(hex"5555555555555555555555555555555555555555")), h)
        );
        assertEq(d, COMMITMENT_DIGEST);
        // The anchor a vault at 0x6666... creates (its first contract, nonce 1).
        assertEq(anchorOf(address(bytes20(hex"6666666666666666666666666666666666666666"))), ANCHOR_OF_VAULT);
        assertEq(
            Merkle.withdrawalLeaf(
                address(bytes20(hex"6666666666666666666666666666666666666666")),
                bytes32(uint256(type(uint256).max / 255 * 0xa1)),
                address(bytes20(hex"a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2")),
                100_000_000
            ),
            WITHDRAWAL_LEAF
        );
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = Merkle.ledgerLeaf(
            bytes32(uint256(type(uint256).max / 255 * 0xa1)), address(bytes20(hex"a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2")), 400_000_000
        );
        leaves[1] = Merkle.ledgerLeaf(
            bytes32(uint256(type(uint256).max / 255 * 0xb1)), address(bytes20(hex"b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2")), 50_000_000
        );
        (bytes32 root,) = tree(leaves, Merkle.LEDGER_DEPTH, 0);
        assertEq(root, LEDGER_ROOT);
    }

    // The vectors, as `strikeline_primitives::bridge`'s test computes them.
    bytes32 constant COMMITMENT_HASH = 0xb02e763a7e93c5de2a06c7160268928cdcc9456db10148f8df3ce7ee144e4be2;
    bytes32 constant COMMITMENT_DIGEST = 0xe4bff22ab899de3ccf55028347956f2e1e2175706e2d0bf9de6e6dc265274cc3;
    address constant ANCHOR_OF_VAULT = 0x73C4A97892C8Afb97f81d2484cf310451D5ABb12;
    bytes32 constant WITHDRAWAL_LEAF = 0xbe793029b9923a201299e654e235c175a41a4a75ef4bf031dc9ac68c2cebd058;
    bytes32 constant LEDGER_ROOT = 0x64abc3d759471707519ac5d0ab64d306d2ae1acc82736e83fba7c9bc66f38c00;

    /// A signature made by the chain (`//Alice`'s bridge key through `ecdsa_sign_prehashed`,
    /// `r ++ s ++ v` with `v` 0/1; pallet test `signature_vector_shared_with_the_contracts`)
    /// over the vector commitment's digest recovers to her address with `ecrecover`, low-s.
    function test_aChainSignatureRecoversToTheValidator() public {
        bytes32 h = COMMITMENT_DIGEST;
        bytes32 r = 0x36c43f52da81e5b1588c9c71472a8f133f6daced0a996ad42bec0e12fbe7a90e;
        bytes32 s = 0x206aa6ee576133a0262d98ca1e8691f7a28fc5af6126c782fe7ea05467094483;
        uint8 v = 0x01;
        address alice = 0xE04CC55ebEE1cBCE552f250e85c57B70B2E2625b;
        assertEq(ecrecover(h, v + 27, r, s), alice);
        assertTrue(uint256(s) <= 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0);
    }
}
