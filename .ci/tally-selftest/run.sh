#!/usr/bin/env bash
# Self-test of .ci/tally.sh: canned .trx files (a passing project, a failing one, a crashed one) must give the right
# closing line and exit status. Run by test.sh before the real tests; prints one summary line (not in the "N passed, N failed" form, which is the run's alone).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ok=0; bad=0
check() { # DESCRIPTION EXPECTED_LINE EXPECTED_STATUS -- then tally calls on stdin
  local desc=$1 line=$2 want=$3 out got
  out=$(source "$here/../tally.sh"; eval "$(cat)"; tally_finish); got=$?
  if [ "$(echo "$out" | tail -n 1)" = "$line" ] && [ "$got" -eq "$want" ]; then ok=$((ok + 1)); else
    bad=$((bad + 1)); echo "tally self-test failed: $desc: got '$(echo "$out" | tail -n 1)' exit $got, want '$line' exit $want"; fi
}
check "all passing" "5 passed, 0 failed" 0 <<<"tally_project A 0 '$here/passing.trx'"
check "one failing test" "7 passed, 2 failed" 1 <<<"tally_project A 0 '$here/passing.trx'; tally_project B 1 '$here/failing.trx'"
check "failing .trx even if the runner said 0" "2 passed, 2 failed" 1 <<<"tally_project B 0 '$here/failing.trx'"
check "no .trx at all" "5 passed, 1 failed" 1 <<<"tally_project A 0 '$here/passing.trx'; tally_project C 134 '$here/missing.trx'"
check "runner failed without failed tests" "5 passed, 1 failed" 1 <<<"tally_project A 1 '$here/passing.trx'"
check "no test ran" "0 passed, 1 failed" 1 <<<"tally_project D 0 '$here/empty.trx'"
# The failed tests are named, with their message's first line, just above the closing line.
out=$(source "$here/../tally.sh"; tally_project B 1 "$here/failing.trx"; tally_finish)
want=$'failed in B: Demo.Tests.ComparesValues(name: "a"): Assert.Equal() Failure: Values differ\nfailed in B: Demo.Tests.TimesOut\n2 passed, 2 failed'
if [ "$out" = "$want" ]; then ok=$((ok + 1)); else bad=$((bad + 1)); echo "tally self-test failed: failed tests not named: got '$out'"; fi
echo "tally self-test: $ok of $((ok + bad)) checks right"
[ "$bad" -eq 0 ]
