#!/bin/sh
# The libFuzzer targets (tests/fuzz/: the manifest, the manifest with
# --set overrides, the image, the ATA channel, the gdb stub's packets) run for FUZZ_SECONDS each
# (default 60) from the project's own manifests, --set cases, images and
# ATA access sequences and gdb packets, and find nothing.
. tests/lib.sh
plan 5
secs=${FUZZ_SECONDS:-60}
if ! make -s build/fuzz/fuzz_manifest build/fuzz/fuzz_set build/fuzz/fuzz_image build/fuzz/fuzz_ata build/fuzz/fuzz_gdb >"$TMP/build" 2>&1; then
	fail "build the fuzzers (clang with libFuzzer)"
	fail "fuzzers: not built"
	fail "fuzzers: not built"
	fail "fuzzers: not built"
	fail "fuzzers: not built"
	sed 's/^/# /' "$TMP/build" | tail -20
	exit 0
fi
for t in manifest set image ata gdb; do
	if tests/fuzz/run-fuzz "$secs" "$t" >"$TMP/out" 2>&1; then
		pass "fuzz_$t: ${secs}s, nothing found ($(grep -o '[0-9]* runs' "$TMP/out"))"
	else
		fail "fuzz_$t found a problem"
		sed 's/^/# /' "$TMP/out"
	fi
done
