#!/usr/bin/env bash
# Runs every libFuzzer target of build-san/fuzz for a bounded time on its seed corpus
# (tests/fuzz/corpus/<target>, plus seeds cut from ../shared/data where it exists), as many
# targets at once as there are cores (FUZZ_JOBS), each on one core.
# usage: tests/fuzz/run.sh FUZZ_BIN_DIR [SECONDS_PER_TARGET]   (nightly: 3600)
# A crash leaves its input in $OUT/<target>/ (crash-*); reproduce with `FUZZ_BIN_DIR/<target> FILE`,
# then add it as a regression seed in tests/fuzz/corpus/<target>/ once fixed.
set -euo pipefail
bin=$(cd "${1:?usage: run.sh FUZZ_BIN_DIR [SECONDS]}" && pwd)
seconds=${2:-30}
jobs=${FUZZ_JOBS:-$(nproc)}
here=$(cd "$(dirname "$0")" && pwd)
shared=${OCCUPANCY_SHARED_DATA:-$here/../../../shared/data}
out=${FUZZ_OUT:-$(mktemp -d /tmp/occupancy-fuzz.XXXXXX)}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# One target: fuzz it, then leave its table row (and, on failure, the evidence) in $work/result.
fuzz_one() {
  local fuzzer=$1 name work rc runs speed size
  name=$(basename "$fuzzer")
  work="$out/$name"
  mkdir -p "$work/corpus"
  cp "$here/corpus/$name"/* "$work/corpus/" 2>/dev/null || true
  if [ -d "$shared" ]; then  # a few real rows as extra seeds; never committed (not ours to redistribute)
    case $name in
      ha_csv_fuzz)
        for h in "$shared"/*/history.csv; do head -c 4000 "$h" >"$work/corpus/shared-$(basename "$(dirname "$h")").csv"; done ;;
    esac
  fi
  rc=0
  (cd "$work" && "$fuzzer" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1) || rc=$?
  runs=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' || echo 0)
  speed=$(grep -ao 'stat::average_exec_per_sec: *[0-9]*' "$work/log" | grep -o '[0-9]*$' || echo 0)
  size=$(ls "$work/corpus" | wc -l)
  if [ $rc = 0 ]; then
    printf '%-20s %12s %8s %8s  ok\n' "$name" "$runs" "$speed" "$size" >"$work/result"
  else
    {
      printf '%-20s %12s %8s %8s  FAILED (rc %s), see %s\n' "$name" "$runs" "$speed" "$size" "$rc" "$work/log"
      grep -a -m1 -A25 'ERROR: \|runtime error' "$work/log" | sed 's/^/    /' || tail -20 "$work/log"
      ls "$work"/crash-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | sed 's/^/    input: /' || true
    } >"$work/result"
  fi
}

for fuzzer in "$bin"/*_fuzz; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  fuzz_one "$fuzzer" &
done
wait

failed=0
printf '%-20s %12s %8s %8s  %s\n' target executions exec/s corpus result
for fuzzer in "$bin"/*_fuzz; do
  result="$out/$(basename "$fuzzer")/result"
  if [ -f "$result" ]; then cat "$result"; else echo "$(basename "$fuzzer"): no result (the runner itself failed)"; fi
  grep -q '  ok$' "$result" 2>/dev/null || failed=1
done
exit $failed
