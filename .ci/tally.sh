# Counting and exit logic of test.sh, sourced by it and by .ci/tally-selftest/run.sh (which feeds it canned
# results, so a change that lets a failing test pass CI fails there first).
# Each project adds to PASSED/FAILED; STATUS becomes 1 when a project's runner failed, its .trx reports a failure,
# or it produced no result at all.

PASSED=0
FAILED=0
STATUS=0

# tally_project NAME RUNNER_EXIT TRX_FILE
tally_project() {
  local name=$1 runner_exit=$2 trx=$3 counters p f
  counters=$(grep -o '<Counters [^>]*>' "$trx" 2>/dev/null | head -n 1)
  if [ -z "$counters" ]; then
    # No result is a failure: a project that crashed, hung or ran no test must not pass silently.
    echo "no result from $name (runner exit $runner_exit)"
    FAILED=$((FAILED + 1)); STATUS=1; return
  fi
  p=$(echo "$counters" | sed -nE 's/.* passed="([0-9]+)".*/\1/p'); f=$(echo "$counters" | sed -nE 's/.* failed="([0-9]+)".*/\1/p')
  p=${p:-0}; f=${f:-0}
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  if [ "$f" -ne 0 ] || [ "$runner_exit" -ne 0 ]; then STATUS=1; fi
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then echo "no test ran in $name"; FAILED=$((FAILED + 1)); STATUS=1; fi
  if [ "$runner_exit" -ne 0 ] && [ "$f" -eq 0 ]; then echo "$name: runner exited $runner_exit with no failed test counted"; FAILED=$((FAILED + 1)); fi
}

# The closing line CI reads, and the exit status.
tally_finish() {
  echo "$PASSED passed, $FAILED failed"
  return "$STATUS"
}
