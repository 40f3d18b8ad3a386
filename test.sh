#!/usr/bin/env bash
# Runs every test project and ends with one line: "N passed, N failed".
# Usage: ./test.sh [extra dotnet test args, e.g. --filter FullyQualifiedName~Node]
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
dotnet build EdgeScaler.sln -c Debug -nologo -v q 2>&1 | tail -n 30
build_rc=${PIPESTATUS[0]}
if [ "$build_rc" -ne 0 ]; then echo "build failed"; echo "0 passed, 1 failed"; exit 1; fi
dotnet test EdgeScaler.sln -c Debug --no-build -nologo "$@" 2>&1 | tee "$log"
test_rc=${PIPESTATUS[0]}
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
# A crashed or aborted test host reports no counts: count it as a failure rather than passing quietly.
# (A project with no tests yet also makes dotnet test exit non-zero; that alone is not a failure.)
if grep -qE 'Test Run Aborted|test run was aborted|Test host process crashed' "$log"; then failed=$((failed + 1)); fi
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ] && ! grep -q 'No test is available' "$log"; then failed=1; fi
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
