#!/bin/sh
# Runs each cmocka unit test binary given on the command line; fails if any
# test fails.  Each binary runs in a fresh temporary directory (TMPDIR) so
# tests that create stores or sockets never see each other's files.
set -u
failed=0
for t in "$@"; do
	dir=$(mktemp -d /tmp/sbc-unit.XXXXXX)
	if TMPDIR="$dir" "$t"; then
		echo "PASS $(basename "$t")"
	else
		echo "FAIL $(basename "$t")"
		failed=$((failed + 1))
	fi
	rm -rf "$dir"
done
[ "$failed" -eq 0 ] || { echo "$failed unit test program(s) failed"; exit 1; }
