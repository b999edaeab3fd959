#!/bin/bash
# Runs every integration case (tests/integration/[0-9]*.sh) against the
# programs in BUILD (default build/), each under a time limit, and fails if
# any case fails.  Cases need root: they build network namespaces.
#
# usage: tests/run-integration.sh [BUILD] [CASE...]
set -u
cd "$(dirname "$0")/.."
export SBC_BUILD=$(realpath "${1:-build}")
shift || true
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(tests/integration/[0-9]*.sh)

if [ "$(id -u)" -ne 0 ]; then
	echo "integration tests need root (network namespaces)" >&2
	exit 1
fi

failed=()
for c in "${cases[@]}"; do
	name=$(basename "$c" .sh)
	log=$(mktemp /tmp/sbc-it-"$name".XXXXXX)
	if timeout -k 10 300 bash "$c" >"$log" 2>&1; then
		echo "PASS $name"
	else
		echo "FAIL $name"
		sed 's/^/    /' "$log"
		failed+=("$name")
	fi
	rm -f "$log"
done
tests/lab/lab.sh down
if [ ${#failed[@]} -gt 0 ]; then
	echo "${#failed[@]} integration case(s) failed: ${failed[*]}"
	exit 1
fi
