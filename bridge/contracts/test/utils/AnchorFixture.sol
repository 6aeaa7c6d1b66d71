// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Commitment} from "../../src/Commitment.sol";
import {SettlementAnchor} from "../../src/SettlementAnchor.sol";
import {IValidityVerifier} from "../../src/IValidityVerifier.sol";

/// A contract to call: under forge's isolation mode (`--gas-report`) every call from a test
/// is its own transaction, and `lastCallGas` then includes the intrinsic 21,000.
contract Noop {
    uint256 private pokes;

    function poke() external {
        pokes += 1;
    }
}

/// The gas cheatcodes newer than the npm forge-std's `Vm` interface.
interface VmGas {
    struct Gas {
        uint64 gasLimit;
        uint64 gasTotalUsed;
        uint64 gasMemoryUsed;
        int64 gasRefunded;
        uint64 gasRemaining;
    }

    /// Marks `target`'s account and storage cold, as at the start of a transaction.
    function cool(address target) external;
    /// The gas the test's last call used (its frame alone, or the whole transaction when
    /// isolated).
    function lastCallGas() external returns (Gas memory);
}

/// Validators with known keys, commitments, signatures and Merkle trees for the tests.
abstract contract AnchorFixture is Test {
    uint64 internal constant CHAIN_ID = 4242;
    bytes32 internal constant GENESIS = keccak256("strikeline genesis");
    uint256 internal constant FREEZE_WINDOW = 1 days;
    uint256 internal constant REWARD = 0.001 ether;

    /// Private keys of validator set `set` (keys `1000 * (set + 1) + i`), ordered by their
    /// addresses (a set is strictly increasing).
    function keys(uint256 set, uint256 n) internal returns (uint256[] memory k) {
        k = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 key = 1000 * (set + 1) + i;
            address a = vm.addr(key);
            uint256 j = i;
            for (; j > 0 && vm.addr(k[j - 1]) > a; --j) k[j] = k[j - 1];
            k[j] = key;
        }
    }

    function addresses(uint256[] memory k) internal returns (address[] memory a) {
        a = new address[](k.length);
        for (uint256 i = 0; i < k.length; ++i) a[i] = vm.addr(k[i]);
    }

    function deploy(address[] memory validators, IValidityVerifier verifier)
        internal
        returns (SettlementAnchor anchor)
    {
        // The test contract stands in for the vault that creates the anchor.
        anchor = new SettlementAnchor(CHAIN_ID, validators, GENESIS, FREEZE_WINDOW, REWARD, verifier);
        vm.deal(address(anchor), 1 ether);
    }

    /// The commitment of `epoch` after `previous`, signed by set `setId` (unchanged next set).
    function commitment(uint64 epoch, bytes32 previous, uint64 setId, address[] memory set)
        internal
        pure
        returns (Commitment memory c)
    {
        c = Commitment({
            chainId: CHAIN_ID,
            epoch: epoch,
            blockNumber: epoch * 100,
            validatorSetId: setId,
            depositsCredited: 0,
            ledgerRoot: keccak256(abi.encode("ledger", epoch)),
            withdrawalsRoot: keccak256(abi.encode("withdrawals", epoch)),
            nextValidatorSetHash: keccak256(abi.encode(set)),
            previousHash: previous
        });
    }

    /// What validators sign for `anchor` (on this test's chain id): `CommitmentLib.digest`.
    function digest(SettlementAnchor anchor, Commitment memory c) internal view returns (bytes32) {
        return keccak256(
            abi.encode(keccak256("strikeline/bridge/commitment/v2"), block.chainid, address(anchor), keccak256(abi.encode(c)))
        );
    }

    /// Signatures for `anchor` of the keys whose bits are set in `signers`, in index order.
    function sign(SettlementAnchor anchor, Commitment memory c, uint256[] memory k, uint256 signers)
        internal
        returns (SettlementAnchor.Signature[] memory sigs)
    {
        bytes32 h = digest(anchor, c);
        uint256 n = 0;
        for (uint256 i = 0; i < k.length; ++i) if ((signers >> i) & 1 == 1) ++n;
        sigs = new SettlementAnchor.Signature[](n);
        uint256 j = 0;
        for (uint256 i = 0; i < k.length; ++i) {
            if ((signers >> i) & 1 == 1) {
                (uint8 v, bytes32 r, bytes32 s) = vm.sign(k[i], h);
                sigs[j++] = SettlementAnchor.Signature({r: r, s: s, v: v});
            }
        }
    }

    /// The address of the anchor vault `vault` creates: its first contract, CREATE at nonce 1
    /// (`keccak256(rlp([vault, 1]))`, as the chain derives it).
    function anchorOf(address vault) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xd6), bytes1(0x94), vault, bytes1(0x01))))));
    }

    /// The lowest `m` bits set, `m` the least supermajority of `n` (more than 2/3).
    function quorum(uint256 n) internal pure returns (uint256) {
        uint256 m = (2 * n) / 3 + 1;
        return m == 256 ? type(uint256).max : (uint256(1) << m) - 1;
    }

    /// Submits `c` signed by a least supermajority of set `k`.
    function accept(SettlementAnchor anchor, Commitment memory c, uint256[] memory k) internal {
        address[] memory set = addresses(k);
        anchor.submit(c, set, quorum(k.length), sign(anchor, c, k, quorum(k.length)), new address[](0), "");
    }

    /// The gas of a transaction whose call was the test's last, with calldata `data`.
    function txGas(bytes memory data) internal returns (uint256) {
        uint256 used = VmGas(address(vm)).lastCallGas().gasTotalUsed;
        new Noop().poke();
        if (VmGas(address(vm)).lastCallGas().gasTotalUsed >= 21_000) return used;
        uint256 g = 21_000;
        for (uint256 i = 0; i < data.length; ++i) g += data[i] == 0 ? 4 : 16;
        return g + used;
    }

    /// A positional Merkle tree of `depth` over `leaves` (the rest empty): its root and the
    /// proof of leaf `index`.
    function tree(bytes32[] memory leaves, uint256 depth, uint256 index)
        internal
        pure
        returns (bytes32 root, bytes32[] memory proof)
    {
        proof = new bytes32[](depth);
        bytes32[] memory level = leaves;
        bytes32 empty = 0;
        for (uint256 h = 0; h < depth; ++h) {
            uint256 sibling = index ^ 1;
            proof[h] = sibling < level.length ? level[sibling] : empty;
            bytes32[] memory up = new bytes32[]((level.length + 1) / 2);
            for (uint256 i = 0; i < up.length; ++i) {
                bytes32 l = level[2 * i];
                bytes32 r = 2 * i + 1 < level.length ? level[2 * i + 1] : empty;
                up[i] = keccak256(abi.encodePacked(l, r));
            }
            empty = keccak256(abi.encodePacked(empty, empty));
            level = up;
            index >>= 1;
        }
        root = level[0];
    }
}
