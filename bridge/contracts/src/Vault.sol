// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Commitment, CommitmentLib} from "./Commitment.sol";
import {IERC20} from "./IERC20.sol";
import {IValidityVerifier} from "./IValidityVerifier.sol";
import {Merkle} from "./Merkle.sol";
import {SettlementAnchor} from "./SettlementAnchor.sol";

/// Holds the collateral token on Ethereum for Strikeline.
///
/// - The vault creates its settlement anchor (`anchor`), so the two are one deployment: the
///   validators' signatures name the anchor, and the anchor serves this vault only.
/// - Deposits emit `Deposited` with the amount the vault received (a token that takes a fee
///   on transfer is credited what arrived), which the validators watch and vote to credit on
///   Strikeline. Amounts above `uint128` (what the chain represents) are refused, and so is
///   every deposit once the anchor froze.
/// - Withdrawals burned on Strikeline are leaves of the append-only withdrawals tree naming
///   this vault; once a commitment whose root includes the leaf is accepted, it is claimed
///   here with a Merkle proof against any of the anchor's recent commitments, once.
/// - After the anchor freezes, every account's leaf in the last accepted ledger root is paid
///   to its exit address with a Merkle proof, once (never to address zero), and each deposit
///   that root had not credited (`id >= depositsCredited`, every deposit if no commitment was
///   accepted) is refunded to its depositor, once.
contract Vault {
    using CommitmentLib for Commitment;

    /// The collateral token.
    IERC20 public immutable token;
    /// The anchor whose accepted commitments prove claims (created by this vault).
    SettlementAnchor public immutable anchor;
    /// Id of the next deposit.
    uint64 public nextDepositId;
    /// Claimed withdrawal leaves: bit `index % 256` of word `index / 256`.
    mapping(uint256 => uint256) private claimedBits;
    /// Accounts paid out through the escape hatch.
    mapping(bytes32 => bool) public exited;
    /// Each deposit not refunded: `keccak256(abi.encode(depositor, amount))` (zero once
    /// refunded).
    mapping(uint64 => bytes32) public deposits;

    /// `amount` was deposited for Strikeline account `account`.
    event Deposited(uint64 indexed depositId, bytes32 indexed account, address indexed from, uint256 amount);
    /// A withdrawal leaf was paid.
    event WithdrawalClaimed(uint256 indexed index, bytes32 indexed account, address recipient, uint256 amount);
    /// An account's ledger balance was paid through the escape hatch.
    event Exited(bytes32 indexed account, address recipient, uint256 amount);
    /// A deposit the ledger had not credited was paid back after the freeze.
    event Refunded(uint64 indexed depositId, address indexed depositor, uint256 amount);

    error ZeroAmount();
    /// The amount exceeds `uint128`, the most the chain's ledger represents.
    error AmountTooLarge();
    error TransferFailed();
    error NotAccepted();
    error NotFrozen();
    /// The anchor froze: no deposits.
    error Frozen();
    error NotLastEpoch();
    error BadProof();
    error AlreadyClaimed();
    error AlreadyExited();
    /// The leaf's exit address is zero: the account must set one on Strikeline first.
    error ZeroExitAddress();
    /// The deposit was credited in the last accepted ledger root: it exits with its account.
    error DepositCredited();
    /// No such deposit, or it was refunded, or not with that depositor and amount.
    error UnknownDeposit();

    /// Deploys the vault for `token` and its anchor (arguments as `SettlementAnchor`'s; the
    /// ether sent funds the anchor's relayer reward pool).
    constructor(
        IERC20 token_,
        uint64 chainId,
        address[] memory genesisValidators,
        bytes32 genesisHash,
        uint256 freezeWindow,
        uint256 relayerReward,
        IValidityVerifier verifier
    ) payable {
        token = token_;
        anchor = new SettlementAnchor{value: msg.value}(
            chainId, genesisValidators, genesisHash, freezeWindow, relayerReward, verifier
        );
    }

    /// Deposits `amount` of the token for Strikeline account `account` (its 32-byte id); the
    /// deposit is what the vault's balance grew by.
    function deposit(bytes32 account, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        if (amount > type(uint128).max) revert AmountTooLarge();
        if (anchor.frozen()) revert Frozen();
        uint256 before = token.balanceOf(address(this));
        if (!token.transferFrom(msg.sender, address(this), amount)) revert TransferFailed();
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0) revert ZeroAmount();
        if (received > type(uint128).max) revert AmountTooLarge();
        uint64 id = nextDepositId++;
        deposits[id] = keccak256(abi.encode(msg.sender, received));
        emit Deposited(id, account, msg.sender, received);
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
        bytes32 leaf = Merkle.withdrawalLeaf(address(this), account, recipient, amount);
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
        _checkLastCommitment(c);
        if (exitTo == address(0)) revert ZeroExitAddress();
        if (proof.length != Merkle.LEDGER_DEPTH || index >> Merkle.LEDGER_DEPTH != 0) revert BadProof();
        bytes32 leaf = Merkle.ledgerLeaf(account, exitTo, collateral);
        if (Merkle.root(leaf, index, proof) != c.ledgerRoot) revert BadProof();
        if (exited[account]) revert AlreadyExited();
        exited[account] = true;
        if (!token.transfer(exitTo, collateral)) revert TransferFailed();
        emit Exited(account, exitTo, collateral);
    }

    /// After the freeze: pays deposit `depositId` of `amount` back to its depositor `from`,
    /// if the last accepted commitment `c` had not credited it (`c` is ignored when no
    /// commitment was ever accepted: then no deposit was credited in an anchored ledger).
    function refund(Commitment calldata c, uint64 depositId, address from, uint256 amount) external {
        if (anchor.lastEpoch() == 0) {
            if (!anchor.frozen()) revert NotFrozen();
        } else {
            _checkLastCommitment(c);
            if (depositId < c.depositsCredited) revert DepositCredited();
        }
        bytes32 record = deposits[depositId];
        if (record == bytes32(0) || record != keccak256(abi.encode(from, amount))) revert UnknownDeposit();
        deposits[depositId] = bytes32(0);
        if (!token.transfer(from, amount)) revert TransferFailed();
        emit Refunded(depositId, from, amount);
    }

    /// Checks that the anchor froze and `c` is its last accepted commitment.
    function _checkLastCommitment(Commitment calldata c) private view {
        if (!anchor.frozen()) revert NotFrozen();
        if (c.epoch != anchor.lastEpoch() || !anchor.isAccepted(c)) revert NotLastEpoch();
    }
}
