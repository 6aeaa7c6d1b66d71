#!/usr/bin/env bash
# The insecure development setup of the range circuit (strikeline-zk's DEV_SETUP_SEED, a
# public seed: anyone can forge proofs against its key; never for a real deployment): writes
# the contracts' verifying key (bridge/contracts/src/RangeVerifyingKey.sol) and the forge
# tests' proof fixture (bridge/contracts/test/fixtures/RangeProofFixture.sol). The unit tests
# fail when either is stale. Downloads nothing.
source "$(dirname "$0")/env.sh"
STRIKELINE_ZK_BLESS=1 cargo test --locked --release -p strikeline-zk --test solidity
