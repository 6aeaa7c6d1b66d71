// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Commitment, CommitmentLib} from "./Commitment.sol";
import {IValidityVerifier} from "./IValidityVerifier.sol";

/// Anchors Strikeline's epoch commitments on Ethereum.
///
/// A commitment is accepted only if it is for this chain, is the next epoch, chains to the
/// previous accepted commitment's hash, names the current validator set, and carries valid
/// signatures from more than 2/3 of that set (and, once a verifier is set, a validity proof).
/// Signatures are over the commitment's hash bound to Ethereum's chain id and this anchor's
/// address (`CommitmentLib.digest`): they are worth nothing to any other deployment.
///
/// The anchor is created by its vault (`vault`, the one contract that pays against its
/// commitments), so one anchor serves exactly one vault.
///
/// Validator sets (genesis and every handover) are strictly increasing lists of non-zero
/// addresses: no key counts twice and no slot is one nobody can sign for.
/// The set itself is not stored, only its hash: a submission passes the set's addresses in
/// calldata, which is cheaper. A commitment whose `nextValidatorSetHash` differs from the
/// current one hands over to the set passed as `nextValidators`.
///
/// Escape hatch: if no commitment is accepted for `freezeWindow` seconds (counted from
/// deployment until the first), anyone may freeze the anchor; after that nothing is accepted,
/// the vault takes no deposits, pays exits against the last accepted ledger root and refunds
/// the deposits that root had not credited (all of them if no commitment was ever accepted).
///
/// Relayers: each accepted commitment pays its submitter `relayerReward` wei from the pool
/// (the contract's balance; anyone funds it by sending ether), if the pool holds it. A second
/// submission of the same epoch reverts before any state change, so racing relayers never
/// double-pay. The reward goes to `msg.sender`: a copied pending transaction that lands first
/// takes it (see bridge/README.md, "Relayer rewards").
contract SettlementAnchor {
    using CommitmentLib for Commitment;

    /// A validator's signature over a commitment hash.
    struct Signature {
        bytes32 r;
        bytes32 s;
        uint8 v;
    }

    /// Strikeline's chain id.
    uint64 public immutable chainId;
    /// The vault that created this anchor.
    address public immutable vault;
    /// The shortest freeze window a deployment may have (a zero or tiny one would let anyone
    /// freeze between two commitments).
    uint256 public constant MIN_FREEZE_WINDOW = 1 hours;
    /// Seconds without an accepted commitment after which anyone may freeze.
    uint256 public immutable freezeWindow;
    /// Wei paid to the submitter of each accepted commitment.
    uint256 public immutable relayerReward;
    /// Checks validity proofs; none while zero.
    IValidityVerifier public immutable verifier;

    /// What every submission reads and writes, in one storage slot.
    struct State {
        /// The last accepted epoch (0: only the genesis anchor). 48 bits: 8.9 million years
        /// of one epoch a second.
        uint48 lastEpoch;
        /// When the last commitment was accepted (or the contract deployed), in seconds.
        /// 40 bits: good until the year 36812.
        uint40 lastAcceptedAt;
        /// Whether the escape hatch is open.
        bool frozen;
        /// The first 20 bytes of `keccak256(abi.encode(validators))` of the current set
        /// (a second preimage of 160 bits is out of reach).
        bytes20 validatorSetHash;
    }

    /// The anchor's state.
    State public state;
    /// Id of the current validator set (informational: the set is checked by its hash).
    uint64 public validatorSetId;
    /// Accepted commitments stay provable for this many epochs. Storing them in a ring makes
    /// an accepted commitment rewrite a used slot (about 5,000 gas) instead of filling a new
    /// one (about 22,100): the withdrawals root is cumulative and the ledger root is
    /// complete, so a recent commitment proves every withdrawal and every balance.
    uint256 public constant HISTORY = 256;

    /// The hashes of the last `HISTORY` accepted commitments, at `epoch % HISTORY` (epoch 0:
    /// the genesis hash).
    mapping(uint256 => bytes32) private recent;

    /// A commitment was accepted.
    event CommitmentAccepted(uint64 indexed epoch, bytes32 commitmentHash, address indexed relayer);
    /// The validator set changed.
    event ValidatorSetChanged(uint64 indexed setId, bytes32 setHash, uint256 size);
    /// The relayer of an accepted commitment was paid.
    event RelayerPaid(address indexed relayer, uint256 amount);
    /// The escape hatch opened after `lastEpoch`.
    event Frozen(uint64 lastEpoch);

    error AnchorFrozen();
    error NotFreezable(uint256 freezableAt);
    error WrongChain(uint64 expected, uint64 got);
    error WrongEpoch(uint64 expected, uint64 got);
    error WrongPreviousHash();
    error WrongValidatorSet();
    error EmptyValidatorSet();
    error TooManyValidators();
    /// Address `index` of a validator set is zero or not above the one before it.
    error BadValidatorSet(uint256 index);
    error FreezeWindowTooShort(uint256 minimum);
    error SignerOutOfSet(uint256 index);
    error BadSignature(uint256 index);
    /// The bitmap names `signers` validators but `signatures` signatures were given.
    error SignatureCountMismatch(uint256 signers, uint256 signatures);
    error NoSupermajority(uint256 signed, uint256 size);
    error ProofRejected();

    constructor(
        uint64 chainId_,
        address[] memory genesisValidators,
        bytes32 genesisHash,
        uint256 freezeWindow_,
        uint256 relayerReward_,
        IValidityVerifier verifier_
    ) payable {
        _checkSet(genesisValidators);
        if (freezeWindow_ < MIN_FREEZE_WINDOW) revert FreezeWindowTooShort(MIN_FREEZE_WINDOW);
        chainId = chainId_;
        vault = msg.sender;
        freezeWindow = freezeWindow_;
        relayerReward = relayerReward_;
        verifier = verifier_;
        recent[0] = genesisHash;
        bytes32 setHash = keccak256(abi.encode(genesisValidators));
        state = State({
            lastEpoch: 0,
            lastAcceptedAt: uint40(block.timestamp),
            frozen: false,
            validatorSetHash: bytes20(setHash)
        });
        emit ValidatorSetChanged(0, setHash, genesisValidators.length);
    }

    /// Funds the relayer reward pool.
    receive() external payable {}

    /// Accepts commitment `c`, signed by the validators of `validators` (the current set)
    /// whose indices are the set bits of `signers`, in increasing order, one signature each.
    /// `nextValidators` is the next set when `c` hands over (empty otherwise); `proof` goes to
    /// the validity verifier, if any.
    function submit(
        Commitment calldata c,
        address[] calldata validators,
        uint256 signers,
        Signature[] calldata signatures,
        address[] calldata nextValidators,
        bytes calldata proof
    ) external {
        State memory st = state;
        if (st.frozen) revert AnchorFrozen();
        if (c.chainId != chainId) revert WrongChain(chainId, c.chainId);
        uint48 epoch = st.lastEpoch + 1;
        if (c.epoch != epoch) revert WrongEpoch(epoch, c.epoch);
        if (c.previousHash != recent[(epoch - 1) % HISTORY]) revert WrongPreviousHash();
        if (bytes20(keccak256(abi.encode(validators))) != st.validatorSetHash) {
            revert WrongValidatorSet();
        }
        bytes32 h = c.hash();
        _checkSignatures(CommitmentLib.digest(h, block.chainid, address(this)), validators, signers, signatures);
        if (address(verifier) != address(0) && !verifier.verify(h, proof)) revert ProofRejected();

        recent[epoch % HISTORY] = h;
        st.lastEpoch = epoch;
        st.lastAcceptedAt = uint40(block.timestamp);
        if (bytes20(c.nextValidatorSetHash) != st.validatorSetHash) {
            _checkSet(nextValidators);
            if (keccak256(abi.encode(nextValidators)) != c.nextValidatorSetHash) {
                revert WrongValidatorSet();
            }
            st.validatorSetHash = bytes20(c.nextValidatorSetHash);
            uint64 setId = validatorSetId + 1;
            validatorSetId = setId;
            emit ValidatorSetChanged(setId, c.nextValidatorSetHash, nextValidators.length);
        }
        state = st;
        emit CommitmentAccepted(epoch, h, msg.sender);
        uint256 reward = relayerReward;
        if (reward != 0 && address(this).balance >= reward) {
            // A relayer that refuses ether forgoes its reward; the commitment stands.
            (bool paid,) = msg.sender.call{value: reward}("");
            if (paid) emit RelayerPaid(msg.sender, reward);
        }
    }

    /// Opens the escape hatch once no commitment has been accepted for `freezeWindow`.
    function freeze() external {
        State memory st = state;
        if (st.frozen) revert AnchorFrozen();
        uint256 freezableAt = uint256(st.lastAcceptedAt) + freezeWindow;
        if (block.timestamp <= freezableAt) revert NotFreezable(freezableAt);
        state.frozen = true;
        emit Frozen(st.lastEpoch);
    }

    /// The last accepted epoch.
    function lastEpoch() external view returns (uint64) {
        return state.lastEpoch;
    }

    /// Whether the escape hatch is open.
    function frozen() external view returns (bool) {
        return state.frozen;
    }

    /// The hash of the accepted commitment of `epoch`, if it is one of the last `HISTORY`
    /// (zero otherwise).
    function commitmentHash(uint64 epoch) public view returns (bytes32) {
        uint256 last = state.lastEpoch;
        if (epoch > last || epoch + HISTORY <= last) return bytes32(0);
        return recent[epoch % HISTORY];
    }

    /// Whether `c` is an accepted commitment still provable (one of the last `HISTORY`; epoch
    /// 0 never is).
    function isAccepted(Commitment calldata c) external view returns (bool) {
        return c.epoch != 0 && commitmentHash(c.epoch) == c.hash();
    }

    /// The number of set bits of `x`.
    function _popcount(uint256 x) private pure returns (uint256 n) {
        for (; x != 0; x &= x - 1) ++n;
    }

    /// Checks that `set` is a validator set: 1 to 256 strictly increasing non-zero addresses.
    function _checkSet(address[] memory set) private pure {
        if (set.length == 0) revert EmptyValidatorSet();
        if (set.length > 256) revert TooManyValidators();
        address previous = address(0);
        for (uint256 i = 0; i < set.length; ++i) {
            if (set[i] <= previous) revert BadValidatorSet(i);
            previous = set[i];
        }
    }

    /// Checks that more than 2/3 of `validators` signed `h`, each at most once.
    function _checkSignatures(
        bytes32 h,
        address[] calldata validators,
        uint256 signers,
        Signature[] calldata signatures
    ) private pure {
        uint256 size = validators.length;
        if (size < 256 && signers >> size != 0) revert SignerOutOfSet(size);
        uint256 k = 0;
        for (uint256 i = 0; signers != 0; ++i) {
            if (signers & 1 == 1) {
                if (k >= signatures.length) revert SignatureCountMismatch(_popcount(signers) + k, signatures.length);
                Signature calldata sig = signatures[k];
                uint8 v = sig.v < 27 ? sig.v + 27 : sig.v;
                // Reject malleable (high-s) signatures, as Ethereum does for transactions.
                if (uint256(sig.s) > 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0) {
                    revert BadSignature(i);
                }
                address signer = ecrecover(h, v, sig.r, sig.s);
                if (signer == address(0) || signer != validators[i]) revert BadSignature(i);
                ++k;
            }
            signers >>= 1;
        }
        if (k != signatures.length) revert SignatureCountMismatch(k, signatures.length);
        if (3 * k <= 2 * size) revert NoSupermajority(k, size);
    }
}
