// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// Fixed-depth positional Merkle trees with keccak-256, as the Strikeline bridge pallet
/// builds them. A leaf's position is its index: bit `i` of the index says whether the node at
/// height `i` is a right child. Empty leaves are zero. Proofs must have exactly the tree's
/// depth, so an inner node can never pass for a leaf.
library Merkle {
    /// Depth of the ledger tree (one leaf per account, by the account's slot index).
    uint256 internal constant LEDGER_DEPTH = 32;
    /// Depth of the withdrawals tree: append-only over the chain's whole history (a leaf's
    /// index is the withdrawal's sequence number), so any recent root proves any withdrawal.
    uint256 internal constant WITHDRAWALS_DEPTH = 32;

    /// Domain tag of ledger leaves, so that no ledger leaf can pass for a withdrawal leaf.
    bytes32 internal constant LEDGER_LEAF_TAG = keccak256("strikeline/bridge/ledger-leaf/v1");
    /// Domain tag of withdrawal leaves.
    bytes32 internal constant WITHDRAWAL_LEAF_TAG = keccak256("strikeline/bridge/withdrawal-leaf/v1");

    /// A ledger leaf: the account (its 32-byte Strikeline id), the Ethereum address it exits
    /// to, and its settled collateral in token base units.
    function ledgerLeaf(bytes32 account, address exitTo, uint256 collateral)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(LEDGER_LEAF_TAG, account, exitTo, collateral));
    }

    /// A withdrawal leaf: the vault that pays it, who burned the collateral on Strikeline,
    /// who receives it on Ethereum, and how much.
    function withdrawalLeaf(address vault, bytes32 account, address recipient, uint256 amount)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(WITHDRAWAL_LEAF_TAG, vault, account, recipient, amount));
    }

    /// The root of the tree holding `leaf` at `index`, given its siblings bottom-up.
    function root(bytes32 leaf, uint256 index, bytes32[] calldata proof)
        internal
        pure
        returns (bytes32 node)
    {
        node = leaf;
        for (uint256 i = 0; i < proof.length; ++i) {
            node = (index >> i) & 1 == 0
                ? keccak256(abi.encodePacked(node, proof[i]))
                : keccak256(abi.encodePacked(proof[i], node));
        }
    }
}
