// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Commitment, CommitmentLib} from "./Commitment.sol";
import {IERC20} from "./IERC20.sol";
import {Merkle} from "./Merkle.sol";
import {SettlementAnchor} from "./SettlementAnchor.sol";

/// Holds the collateral token on Ethereum for Strikeline.
///
/// - Deposits emit `Deposited`, which the validators watch and vote to credit on Strikeline.
/// - Withdrawals burned on Strikeline are leaves of the append-only withdrawals tree; once a
///   commitment whose root includes the leaf is accepted, it is claimed here with a Merkle
///   proof against any of the anchor's recent commitments, once.
/// - After the anchor freezes, every account's leaf in the last accepted ledger root is paid
///   out with a Merkle proof, once (the escape hatch).
contract Vault {
    using CommitmentLib for Commitment;

    /// The collateral token.
    IERC20 public immutable token;
    /// The anchor whose accepted commitments prove claims.
    SettlementAnchor public immutable anchor;
    /// Id of the next deposit.
    uint64 public nextDepositId;
    /// Claimed withdrawal leaves: bit `index % 256` of word `index / 256`.
    mapping(uint256 => uint256) private claimedBits;
    /// Accounts paid out through the escape hatch.
    mapping(bytes32 => bool) public exited;

    /// `amount` was deposited for Strikeline account `account`.
    event Deposited(uint64 indexed depositId, bytes32 indexed account, address indexed from, uint256 amount);
    /// A withdrawal leaf was paid.
    event WithdrawalClaimed(uint256 indexed index, bytes32 indexed account, address recipient, uint256 amount);
    /// An account's ledger balance was paid through the escape hatch.
    event Exited(bytes32 indexed account, address recipient, uint256 amount);

    error ZeroAmount();
    error TransferFailed();
    error NotAccepted();
    error NotFrozen();
    error NotLastEpoch();
    error BadProof();
    error AlreadyClaimed();
    error AlreadyExited();

    constructor(IERC20 token_, SettlementAnchor anchor_) {
        token = token_;
        anchor = anchor_;
    }

    /// Deposits `amount` of the token for Strikeline account `account` (its 32-byte id).
    function deposit(bytes32 account, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        if (!token.transferFrom(msg.sender, address(this), amount)) revert TransferFailed();
        emit Deposited(nextDepositId++, account, msg.sender, amount);
    }

    /// Whether withdrawal `index` was claimed.
    function withdrawalClaimed(uint256 index) public view returns (bool) {
        return claimedBits[index >> 8] & (1 << (index & 0xff)) != 0;
    }

    /// Pays withdrawal leaf `index` (proved against accepted commitment `c`) to its recipient.
    function claimWithdrawal(
        Commitment calldata c,
        uint256 index,
        bytes32 account,
        address recipient,
        uint256 amount,
        bytes32[] calldata proof
    ) external {
        if (!anchor.isAccepted(c)) revert NotAccepted();
        if (proof.length != Merkle.WITHDRAWALS_DEPTH || index >> Merkle.WITHDRAWALS_DEPTH != 0) {
            revert BadProof();
        }
        bytes32 leaf = Merkle.withdrawalLeaf(account, recipient, amount);
        if (Merkle.root(leaf, index, proof) != c.withdrawalsRoot) revert BadProof();
        if (withdrawalClaimed(index)) revert AlreadyClaimed();
        claimedBits[index >> 8] |= 1 << (index & 0xff);
        if (!token.transfer(recipient, amount)) revert TransferFailed();
        emit WithdrawalClaimed(index, account, recipient, amount);
    }

    /// After the freeze: pays `account`'s collateral in the last accepted ledger root (leaf
    /// `index`) to the leaf's exit address.
    function exit(
        Commitment calldata c,
        uint256 index,
        bytes32 account,
        address exitTo,
        uint256 collateral,
        bytes32[] calldata proof
    ) external {
        if (!anchor.frozen()) revert NotFrozen();
        if (c.epoch != anchor.lastEpoch() || !anchor.isAccepted(c)) revert NotLastEpoch();
        if (proof.length != Merkle.LEDGER_DEPTH || index >> Merkle.LEDGER_DEPTH != 0) revert BadProof();
        bytes32 leaf = Merkle.ledgerLeaf(account, exitTo, collateral);
        if (Merkle.root(leaf, index, proof) != c.ledgerRoot) revert BadProof();
        if (exited[account]) revert AlreadyExited();
        exited[account] = true;
        if (!token.transfer(exitTo, collateral)) revert TransferFailed();
        emit Exited(account, exitTo, collateral);
    }
}
