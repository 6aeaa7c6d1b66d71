//! `strikeline-relayer`: carries Strikeline's attested epoch commitments to the settlement
//! anchor contract on Ethereum.
//!
//! ## What it does
//!
//! In a loop, the relayer:
//!
//! 1. reads the anchor's last accepted epoch `a` (the anchor is the only state: nothing is
//!    kept locally, so a relayer killed at any point and restarted carries on where the
//!    anchor is);
//! 2. reads, at Strikeline's **finalized** head, epoch `a + 1`'s commitment, whether it is
//!    attested, the validator sets it names and the validators' signatures, all through
//!    `state_getReadProof`, and checks every value with sp-trie against the finalized
//!    header's state root ([`chain`]): a node that lies about state is caught;
//! 3. simulates `submit` on the anchor (`eth_call`), then sends it and waits for the receipt
//!    ([`anchor`]).
//!
//! Epochs go in order because only `a + 1` is ever submitted and the anchor accepts only the
//! next epoch, chained to the previous hash. Several relayers share the work without racing:
//! relayer `i` of `n` submits the epochs `e` with `e % n == i` at once and the others only
//! after a take-over delay; a submission that loses a race anyway is caught by the
//! simulation (the anchor answers `WrongEpoch`) and is not sent, and the anchor pays each
//! epoch once. While one of its own transactions is pending, a relayer sends nothing.
//!
//! Metrics ([`metrics`]): Prometheus counters of commitments seen, submitted, confirmed and
//! reverted, gas used and fees paid, and the anchored and finalized epochs.

pub mod anchor;
pub mod chain;
pub mod metrics;
pub mod relay;
