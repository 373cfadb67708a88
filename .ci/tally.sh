# Counting and exit logic of test.sh, sourced by it and by .ci/tally-selftest/run.sh (which feeds it canned
# results, so a change that lets a failing test pass CI fails there first).
# Each project adds to PASSED/FAILED; STATUS becomes 1 when a project's runner failed, its .trx reports a failure,
# or it produced no result at all.

PASSED=0
FAILED=0
STATUS=0
FAILURES=""   # one line per failed test, "project: test name: first line of its message", printed before the closing line

# tally_failures TRX_FILE: the failed tests of a .trx, a line each, with the first line of their message (xUnit's
# console output puts them far from the closing line, and CI shows only the log's tail).
tally_failures() {
  awk '
    function decode(s) { gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&amp;/, "\\&", s); return s }
    function flush() { if (name != "") print decode(name) (message != "" ? ": " decode(message) : ""); name = ""; message = "" }
    /<UnitTestResult / {
      flush()
      if ($0 ~ /outcome="Failed"/) { name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name) }
    }
    name != "" && message == "" && /<Message>/ {
      message = $0; sub(/.*<Message>/, "", message); sub(/<\/Message>.*/, "", message)
      if (length(message) > 300) message = substr(message, 1, 300) "…"
    }
    END { flush() }
  ' "$1" 2>/dev/null
}

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
  if [ "$f" -ne 0 ]; then FAILURES+=$(tally_failures "$trx" | sed "s/^/failed in $name: /")$'\n'; fi
  if [ "$f" -ne 0 ] || [ "$runner_exit" -ne 0 ]; then STATUS=1; fi
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then echo "no test ran in $name"; FAILED=$((FAILED + 1)); STATUS=1; fi
  if [ "$runner_exit" -ne 0 ] && [ "$f" -eq 0 ]; then echo "$name: runner exited $runner_exit with no failed test counted"; FAILED=$((FAILED + 1)); fi
}

# The closing line CI reads, and the exit status.
tally_finish() {
  if [ -n "$FAILURES" ]; then printf '%s' "$FAILURES"; fi
  echo "$PASSED passed, $FAILED failed"
  return "$STATUS"
}
