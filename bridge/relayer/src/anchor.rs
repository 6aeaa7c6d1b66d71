//! Ethereum's side: the settlement anchor contract's interface, and the conversion of a
//! Strikeline commitment and its signatures into a `submit` call.

use crate::chain::Attested;
use alloy::primitives::{Address, FixedBytes, U256};
use strikeline_primitives::bridge::{self, EthAddress};

alloy::sol! {
	/// An epoch commitment (`Commitment.sol`).
	#[derive(Debug, PartialEq, Eq)]
	struct Commitment {
		uint64 chainId;
		uint64 epoch;
		uint64 blockNumber;
		uint64 validatorSetId;
		uint64 depositsCredited;
		bytes32 ledgerRoot;
		bytes32 withdrawalsRoot;
		bytes32 nextValidatorSetHash;
		bytes32 previousHash;
	}

	/// A validator's signature of a commitment hash.
	#[derive(Debug)]
	struct Signature {
		bytes32 r;
		bytes32 s;
		uint8 v;
	}

	/// The settlement anchor (`bridge/contracts/src/SettlementAnchor.sol`).
	#[sol(rpc)]
	#[derive(Debug)]
	interface ISettlementAnchor {
		event CommitmentAccepted(uint64 indexed epoch, bytes32 commitmentHash, address indexed relayer);
		event RelayerPaid(address indexed relayer, uint256 amount);
		event Frozen(uint64 lastEpoch);

		error AnchorFrozen();
		error NotFreezable(uint256 freezableAt);
		error WrongChain(uint64 expected, uint64 got);
		error WrongEpoch(uint64 expected, uint64 got);
		error WrongPreviousHash();
		error WrongValidatorSet();
		error EmptyValidatorSet();
		error TooManyValidators();
		error BadValidatorSet(uint256 index);
		error FreezeWindowTooShort(uint256 minimum);
		error SignerOutOfSet(uint256 index);
		error BadSignature(uint256 index);
		error SignatureCountMismatch(uint256 signers, uint256 signatures);
		error NoSupermajority(uint256 signed, uint256 size);
		error ProofRejected();

		function submit(
			Commitment c,
			address[] validators,
			uint256 signers,
			Signature[] signatures,
			address[] nextValidators,
			bytes proof
		) external;
		function freeze() external;
		function lastEpoch() external view returns (uint64);
		function frozen() external view returns (bool);
		function commitmentHash(uint64 epoch) external view returns (bytes32);
		function validatorSetId() external view returns (uint64);
		function vault() external view returns (address);
	}

	/// The vault (`bridge/contracts/src/Vault.sol`).
	#[sol(rpc)]
	#[derive(Debug)]
	interface IVault {
		event Deposited(uint64 indexed depositId, bytes32 indexed account, address indexed from, uint256 amount);
		event Refunded(uint64 indexed depositId, address indexed depositor, uint256 amount);
		error ZeroAmount();
		error AmountTooLarge();
		error TransferFailed();
		error NotAccepted();
		error NotFrozen();
		error Frozen();
		error NotLastEpoch();
		error BadProof();
		error AlreadyClaimed();
		error AlreadyExited();
		error ZeroExitAddress();
		error DepositCredited();
		error UnknownDeposit();
		function anchor() external view returns (address);
		function deposit(bytes32 account, uint256 amount) external;
		function withdrawalClaimed(uint256 index) external view returns (bool);
		function claimWithdrawal(
			Commitment c,
			uint256 index,
			bytes32 account,
			address recipient,
			uint256 amount,
			bytes32[] proof
		) external;
		function exit(
			Commitment c,
			uint256 index,
			bytes32 account,
			address exitTo,
			uint256 collateral,
			bytes32[] proof
		) external;
		function refund(Commitment c, uint64 depositId, address from, uint256 amount) external;
	}
}

/// A commitment as the anchor's ABI takes it.
pub fn sol_commitment(c: &bridge::Commitment) -> Commitment {
	Commitment {
		chainId: c.chain_id,
		epoch: c.epoch,
		blockNumber: c.block_number,
		validatorSetId: c.validator_set_id,
		depositsCredited: c.deposits_credited,
		ledgerRoot: FixedBytes(c.ledger_root),
		withdrawalsRoot: FixedBytes(c.withdrawals_root),
		nextValidatorSetHash: FixedBytes(c.next_validator_set_hash),
		previousHash: FixedBytes(c.previous_hash),
	}
}

/// Addresses as the ABI takes them.
pub fn addresses(set: &[EthAddress]) -> Vec<Address> {
	set.iter().map(|a| Address::from(*a)).collect()
}

/// The arguments of `submit` for an attested commitment: the signers' bitmap and their
/// signatures in index order (`v` as 27/28).
pub struct Submission {
	/// The commitment.
	pub commitment: Commitment,
	/// The signing set.
	pub validators: Vec<Address>,
	/// Bit `i` set: validator `i` signed.
	pub signers: U256,
	/// One per set bit, in increasing index order.
	pub signatures: Vec<Signature>,
	/// The next set on a handover, else empty.
	pub next_validators: Vec<Address>,
}

impl From<&Attested> for Submission {
	fn from(a: &Attested) -> Self {
		let mut signers = U256::ZERO;
		let mut signatures = Vec::with_capacity(a.signatures.len());
		let mut sorted = a.signatures.clone();
		sorted.sort_by_key(|(i, _)| *i);
		for (i, sig) in sorted {
			signers |= U256::from(1u8) << (i as usize);
			signatures.push(Signature {
				r: FixedBytes::from_slice(&sig[..32]),
				s: FixedBytes::from_slice(&sig[32..64]),
				v: sig[64] + 27,
			});
		}
		Submission {
			commitment: sol_commitment(&a.commitment),
			validators: addresses(&a.validators),
			signers,
			signatures,
			next_validators: addresses(&a.next_validators),
		}
	}
}
