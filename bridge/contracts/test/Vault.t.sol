// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AnchorFixture} from "./utils/AnchorFixture.sol";
import {Commitment} from "../src/Commitment.sol";
import {Merkle} from "../src/Merkle.sol";
import {SettlementAnchor} from "../src/SettlementAnchor.sol";
import {IValidityVerifier} from "../src/IValidityVerifier.sol";
import {TestToken} from "../src/TestToken.sol";
import {Vault} from "../src/Vault.sol";

/// A token that keeps 1% of every transfer (as some real tokens do).
contract FeeToken is TestToken {
    function transferFrom(address from, address to, uint256 amount) external override returns (bool) {
        _spend(from, amount);
        uint256 fee = amount / 100;
        _move(from, address(0xFEE), fee);
        _move(from, to, amount - fee);
        return true;
    }
}

contract VaultTest is AnchorFixture {
    SettlementAnchor anchor;
    TestToken token;
    Vault vault;
    uint256[] k;
    address[] set;

    bytes32 constant ALICE = keccak256("alice");
    bytes32 constant BOB = keccak256("bob");
    address constant ALICE_ETH = address(0xA11CE);
    address constant BOB_ETH = address(0xB0B);

    function setUp() public {
        k = keys(0, 4);
        set = addresses(k);
        token = new TestToken();
        vault = newVault(token);
        anchor = vault.anchor();
        token.mint(address(this), 1_000_000e6);
        token.approve(address(vault), type(uint256).max);
        vault.deposit(ALICE, 600_000e6);
    }

    function newVault(TestToken t) internal returns (Vault) {
        return new Vault{value: 1 ether}(t, CHAIN_ID, set, GENESIS, FREEZE_WINDOW, REWARD, IValidityVerifier(address(0)));
    }

    function freeze() internal {
        vm.warp(block.timestamp + FREEZE_WINDOW + 1);
        anchor.freeze();
    }

    /// Two withdrawal leaves (ALICE 100, BOB 50) and a ledger of two accounts (ALICE 400,
    /// BOB 50) in epoch 1: the commitment, and the trees' leaves.
    function anchorEpoch1() internal returns (Commitment memory c, bytes32[] memory w, bytes32[] memory l) {
        w = new bytes32[](2);
        w[0] = Merkle.withdrawalLeaf(address(vault), ALICE, ALICE_ETH, 100e6);
        w[1] = Merkle.withdrawalLeaf(address(vault), BOB, BOB_ETH, 50e6);
        l = new bytes32[](2);
        l[0] = Merkle.ledgerLeaf(ALICE, ALICE_ETH, 400e6);
        l[1] = Merkle.ledgerLeaf(BOB, BOB_ETH, 50e6);
        c = commitment(1, GENESIS, 0, set);
        c.depositsCredited = 1;
        (c.withdrawalsRoot,) = tree(w, Merkle.WITHDRAWALS_DEPTH, 0);
        (c.ledgerRoot,) = tree(l, Merkle.LEDGER_DEPTH, 0);
        accept(anchor, c, k);
    }

    function test_depositsAreNumberedAndEmitted() public {
        assertEq(vault.nextDepositId(), 1);
        vm.expectEmit(true, true, true, true);
        emit Vault.Deposited(1, BOB, address(this), 5e6);
        vault.deposit(BOB, 5e6);
        assertEq(vault.nextDepositId(), 2);
        assertEq(token.balanceOf(address(vault)), 600_005e6);
        vm.expectRevert(Vault.ZeroAmount.selector);
        vault.deposit(BOB, 0);
    }

    function test_aWithdrawalIsClaimedOnceWithItsProof() public {
        (Commitment memory c, bytes32[] memory w,) = anchorEpoch1();
        (, bytes32[] memory proof) = tree(w, Merkle.WITHDRAWALS_DEPTH, 1);
        vault.claimWithdrawal(c, 1, BOB, BOB_ETH, 50e6, proof);
        assertEq(token.balanceOf(BOB_ETH), 50e6);
        assertTrue(vault.withdrawalClaimed(1));
        vm.expectRevert(Vault.AlreadyClaimed.selector);
        vault.claimWithdrawal(c, 1, BOB, BOB_ETH, 50e6, proof);
        // A wrong amount, recipient or index does not prove.
        vm.expectRevert(Vault.BadProof.selector);
        vault.claimWithdrawal(c, 1, BOB, BOB_ETH, 51e6, proof);
        vm.expectRevert(Vault.BadProof.selector);
        vault.claimWithdrawal(c, 1, BOB, ALICE_ETH, 50e6, proof);
        vm.expectRevert(Vault.BadProof.selector);
        vault.claimWithdrawal(c, 0, BOB, BOB_ETH, 50e6, proof);
        // A proof of the wrong length is refused outright.
        bytes32[] memory short = new bytes32[](3);
        vm.expectRevert(Vault.BadProof.selector);
        vault.claimWithdrawal(c, 1, BOB, BOB_ETH, 50e6, short);
    }

    function test_noClaimAgainstACommitmentTheAnchorDidNotAccept() public {
        (Commitment memory c, bytes32[] memory w,) = anchorEpoch1();
        (, bytes32[] memory proof) = tree(w, Merkle.WITHDRAWALS_DEPTH, 0);
        Commitment memory forged = c;
        forged.epoch = 2;
        vm.expectRevert(Vault.NotAccepted.selector);
        vault.claimWithdrawal(forged, 0, ALICE, ALICE_ETH, 100e6, proof);
    }

    function test_theEscapeHatchPaysEachLedgerLeafOnceAfterTheFreeze() public {
        (Commitment memory c,, bytes32[] memory l) = anchorEpoch1();
        (, bytes32[] memory proofA) = tree(l, Merkle.LEDGER_DEPTH, 0);
        (, bytes32[] memory proofB) = tree(l, Merkle.LEDGER_DEPTH, 1);
        vm.expectRevert(Vault.NotFrozen.selector);
        vault.exit(c, 0, ALICE, ALICE_ETH, 400e6, proofA);
        freeze();
        vault.exit(c, 0, ALICE, ALICE_ETH, 400e6, proofA);
        vault.exit(c, 1, BOB, BOB_ETH, 50e6, proofB);
        assertEq(token.balanceOf(ALICE_ETH), 400e6);
        assertEq(token.balanceOf(BOB_ETH), 50e6);
        vm.expectRevert(Vault.AlreadyExited.selector);
        vault.exit(c, 0, ALICE, ALICE_ETH, 400e6, proofA);
        vm.expectRevert(Vault.BadProof.selector);
        vault.exit(c, 0, ALICE, ALICE_ETH, 500e6, proofA);
    }

    function test_exitsUseTheLastAcceptedCommitmentOnly() public {
        (Commitment memory c1,, bytes32[] memory l) = anchorEpoch1();
        Commitment memory c2 = commitment(2, keccak256(abi.encode(c1)), 0, set);
        accept(anchor, c2, k);
        freeze();
        (, bytes32[] memory proof) = tree(l, Merkle.LEDGER_DEPTH, 0);
        vm.expectRevert(Vault.NotLastEpoch.selector);
        vault.exit(c1, 0, ALICE, ALICE_ETH, 400e6, proof);
    }

    /// Safety: a withdrawal leaf pays at most once, whatever its index and amount.
    function testFuzz_noDoubleClaim(uint32 index, uint96 amount) public {
        vm.assume(amount > 0 && amount < 600_000e6);
        bytes32[] memory w = new bytes32[](uint256(index % 4) + 1);
        uint256 i = w.length - 1;
        w[i] = Merkle.withdrawalLeaf(address(vault), ALICE, ALICE_ETH, amount);
        Commitment memory c = commitment(1, GENESIS, 0, set);
        bytes32[] memory proof;
        (c.withdrawalsRoot, proof) = tree(w, Merkle.WITHDRAWALS_DEPTH, i);
        accept(anchor, c, k);
        vault.claimWithdrawal(c, i, ALICE, ALICE_ETH, amount, proof);
        vm.expectRevert(Vault.AlreadyClaimed.selector);
        vault.claimWithdrawal(c, i, ALICE, ALICE_ETH, amount, proof);
        assertEq(token.balanceOf(ALICE_ETH), amount);
    }

    /// Safety: nothing is paid against a root the anchor never accepted.
    function testFuzz_noClaimAgainstANonAnchoredRoot(bytes32 root, uint96 amount) public {
        Commitment memory c = commitment(1, GENESIS, 0, set);
        accept(anchor, c, k);
        vm.assume(root != c.withdrawalsRoot);
        bytes32[] memory w = new bytes32[](1);
        w[0] = Merkle.withdrawalLeaf(address(vault), ALICE, ALICE_ETH, amount);
        (bytes32 unanchored, bytes32[] memory proof) = tree(w, Merkle.WITHDRAWALS_DEPTH, 0);
        Commitment memory fake = c;
        fake.withdrawalsRoot = unanchored;
        vm.expectRevert(Vault.NotAccepted.selector);
        vault.claimWithdrawal(fake, 0, ALICE, ALICE_ETH, amount, proof);
        fake.withdrawalsRoot = root;
        vm.expectRevert(Vault.NotAccepted.selector);
        vault.claimWithdrawal(fake, 0, ALICE, ALICE_ETH, amount, proof);
    }

    /// Safety: no exit before the freeze, at any time inside the window.
    function testFuzz_noExitBeforeFreeze(uint32 wait) public {
        (Commitment memory c,, bytes32[] memory l) = anchorEpoch1();
        (, bytes32[] memory proof) = tree(l, Merkle.LEDGER_DEPTH, 0);
        vm.warp(block.timestamp + (wait % (FREEZE_WINDOW + 1)));
        vm.expectRevert(Vault.NotFrozen.selector);
        vault.exit(c, 0, ALICE, ALICE_ETH, 400e6, proof);
        vm.expectRevert();
        anchor.freeze();
    }

    function test_theVaultCreatesItsAnchor() public {
        assertEq(address(anchor), anchorOf(address(vault)));
        assertEq(anchor.vault(), address(vault));
        assertEq(address(anchor).balance, 1 ether);
    }

    /// Exits never pay address zero: a leaf whose account never set an exit address (and
    /// made no deposit, which sets it) is refused.
    function test_noExitToAddressZero() public {
        bytes32[] memory l = new bytes32[](1);
        l[0] = Merkle.ledgerLeaf(ALICE, address(0), 400e6);
        Commitment memory c = commitment(1, GENESIS, 0, set);
        bytes32[] memory proof;
        (c.ledgerRoot, proof) = tree(l, Merkle.LEDGER_DEPTH, 0);
        accept(anchor, c, k);
        freeze();
        vm.expectRevert(Vault.ZeroExitAddress.selector);
        vault.exit(c, 0, ALICE, address(0), 400e6, proof);
        assertEq(token.balanceOf(address(0)), 0);
    }

    /// A token that takes a fee on transfer: the deposit is what arrived.
    function test_aFeeOnTransferDepositIsCreditedWhatArrived() public {
        FeeToken fee = new FeeToken();
        Vault v = newVault(fee);
        fee.mint(address(this), 1_000e6);
        fee.approve(address(v), type(uint256).max);
        vm.expectEmit(true, true, true, true);
        emit Vault.Deposited(0, BOB, address(this), 990e6);
        v.deposit(BOB, 1_000e6);
        assertEq(fee.balanceOf(address(v)), 990e6);
    }

    function test_noDepositAboveWhatTheChainRepresentsOrAfterTheFreeze() public {
        token.mint(address(this), uint256(type(uint128).max) + 1);
        vm.expectRevert(Vault.AmountTooLarge.selector);
        vault.deposit(BOB, uint256(type(uint128).max) + 1);
        freeze();
        vm.expectRevert(Vault.Frozen.selector);
        vault.deposit(BOB, 5e6);
    }

    /// After the freeze, a deposit the last accepted root had not credited goes back to its
    /// depositor, once; a credited one exits with its account instead.
    function test_uncreditedDepositsAreRefundedAfterTheFreeze() public {
        vault.deposit(BOB, 7e6); // deposit 1, not credited in epoch 1 (which credited 1)
        (Commitment memory c,,) = anchorEpoch1();
        vm.expectRevert(Vault.NotFrozen.selector);
        vault.refund(c, 1, address(this), 7e6);
        freeze();
        vm.expectRevert(Vault.DepositCredited.selector);
        vault.refund(c, 0, address(this), 600_000e6);
        vm.expectRevert(Vault.UnknownDeposit.selector);
        vault.refund(c, 1, address(this), 8e6);
        uint256 before = token.balanceOf(address(this));
        vault.refund(c, 1, address(this), 7e6);
        assertEq(token.balanceOf(address(this)), before + 7e6);
        vm.expectRevert(Vault.UnknownDeposit.selector);
        vault.refund(c, 1, address(this), 7e6);
        // Only against the last accepted commitment.
        Commitment memory forged = c;
        forged.depositsCredited = 0;
        vm.expectRevert(Vault.NotLastEpoch.selector);
        vault.refund(forged, 0, address(this), 600_000e6);
    }

    /// An anchor that froze before its first commitment refunds every deposit.
    function test_aFreezeBeforeTheFirstCommitmentRefundsEveryDeposit() public {
        freeze();
        Commitment memory none;
        uint256 before = token.balanceOf(address(this));
        vault.refund(none, 0, address(this), 600_000e6);
        assertEq(token.balanceOf(address(this)), before + 600_000e6);
        assertEq(token.balanceOf(address(vault)), 0);
    }

    /// Ledger and withdrawal leaves are tagged apart, and a withdrawal names its vault: a
    /// ledger leaf with a withdrawal's fields, or another vault's withdrawal, does not prove.
    function test_leavesAreTaggedAndBoundToTheVault() public {
        bytes32[] memory w = new bytes32[](2);
        w[0] = Merkle.ledgerLeaf(ALICE, ALICE_ETH, 100e6);
        Vault other = newVault(token);
        w[1] = Merkle.withdrawalLeaf(address(other), BOB, BOB_ETH, 50e6);
        Commitment memory c = commitment(1, GENESIS, 0, set);
        (c.withdrawalsRoot,) = tree(w, Merkle.WITHDRAWALS_DEPTH, 0);
        accept(anchor, c, k);
        (, bytes32[] memory p0) = tree(w, Merkle.WITHDRAWALS_DEPTH, 0);
        (, bytes32[] memory p1) = tree(w, Merkle.WITHDRAWALS_DEPTH, 1);
        vm.expectRevert(Vault.BadProof.selector);
        vault.claimWithdrawal(c, 0, ALICE, ALICE_ETH, 100e6, p0);
        vm.expectRevert(Vault.BadProof.selector);
        vault.claimWithdrawal(c, 1, BOB, BOB_ETH, 50e6, p1);
    }

    /// Safety: whatever a token's fee, the vault never records more than it holds.
    function testFuzz_depositsNeverOverCredit(uint96 amount, uint8 percentFee) public {
        vm.assume(amount > 0);
        FeeToken fee = new FeeToken();
        Vault v = newVault(fee);
        fee.mint(address(this), amount);
        fee.approve(address(v), amount);
        uint256 expected = amount - amount / 100;
        if (expected == 0) {
            vm.expectRevert(Vault.ZeroAmount.selector);
            v.deposit(BOB, amount);
            return;
        }
        v.deposit(BOB, amount);
        assertEq(v.deposits(0), keccak256(abi.encode(address(this), expected)));
        assertEq(fee.balanceOf(address(v)), expected);
        percentFee;
    }

    /// Safety: a deposit is refunded only if the last accepted root had not credited it, and
    /// at most once.
    function testFuzz_noRefundOfACreditedDeposit(uint8 credited, uint8 id) public {
        for (uint256 i = 0; i < 8; ++i) vault.deposit(BOB, 1e6);
        uint64 n = uint64(credited % 10);
        uint64 d = uint64(id % 10);
        Commitment memory c = commitment(1, GENESIS, 0, set);
        c.depositsCredited = n;
        accept(anchor, c, k);
        freeze();
        uint256 amount = d == 0 ? 600_000e6 : 1e6;
        if (d < n) {
            vm.expectRevert(Vault.DepositCredited.selector);
        } else if (d > 8) {
            vm.expectRevert(Vault.UnknownDeposit.selector);
        }
        vault.refund(c, d, address(this), amount);
        if (d >= n && d <= 8) {
            vm.expectRevert(Vault.UnknownDeposit.selector);
            vault.refund(c, d, address(this), amount);
        }
    }

    function test_gasOfAClaimAndAnExit() public {
        (Commitment memory c, bytes32[] memory w, bytes32[] memory l) = anchorEpoch1();
        (, bytes32[] memory wp) = tree(w, Merkle.WITHDRAWALS_DEPTH, 0);
        (, bytes32[] memory lp) = tree(l, Merkle.LEDGER_DEPTH, 0);
        bytes memory claim = abi.encodeCall(Vault.claimWithdrawal, (c, 0, ALICE, ALICE_ETH, 100e6, wp));
        vault.claimWithdrawal(c, 0, ALICE, ALICE_ETH, 100e6, wp);
        emit log_named_uint("gas per withdrawal claim", txGas(claim));
        freeze();
        (, lp) = tree(l, Merkle.LEDGER_DEPTH, 1);
        bytes memory exit_ = abi.encodeCall(Vault.exit, (c, 1, BOB, BOB_ETH, 50e6, lp));
        vault.exit(c, 1, BOB, BOB_ETH, 50e6, lp);
        emit log_named_uint("gas per escape exit", txGas(exit_));
    }
}
