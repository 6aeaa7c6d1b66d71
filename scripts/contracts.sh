#!/usr/bin/env bash
# The Ethereum contracts (bridge/contracts): installs their toolchain from npm (forge and
# anvil from @foundry-rs, the solc compiler, forge-std; pinned in package-lock.json) and runs
# forge offline with the npm solc (bridge/contracts/solc).
#
#   scripts/contracts.sh [test]     forge test (unit and fuzz tests)
#   scripts/contracts.sh gas-report forge test --gas-report, written to gas-report.txt
#   scripts/contracts.sh build      forge build (ABIs and bytecode in out/)
set -euo pipefail
cd "$(dirname "$0")/../bridge/contracts"
if [ ! -x node_modules/.bin/forge ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
forge() { node_modules/.bin/forge "$@" --use ./solc --offline; }
case "${1:-test}" in
test) forge test ;;
gas-report)
	forge test --gas-report -vv | grep -v "^Compil\|^Solc" > gas-report.txt
	echo "written to bridge/contracts/gas-report.txt"
	;;
build) forge build ;;
*) echo "usage: $0 [test|gas-report|build]" >&2; exit 2 ;;
esac
