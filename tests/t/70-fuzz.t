#!/bin/sh
# The libFuzzer targets (tests/fuzz/: the manifest, the manifest with
# --set overrides, the image, the ATA channel, the gdb stub's packets,
# every device on the buses, the MP/ACPI/e820 table builders) run for
# FUZZ_SECONDS each (default 60) from the project's own manifests, --set
# cases, images, ATA and bus access sequences, gdb packets and table
# parameters, and find nothing.
. tests/lib.sh
targets="manifest set image ata gdb bus tables"
plan 7
secs=${FUZZ_SECONDS:-60}
fuzzers=
for t in $targets; do
	fuzzers="$fuzzers build/fuzz/fuzz_$t"
done
if ! make -s $fuzzers >"$TMP/build" 2>&1; then
	for t in $targets; do
		fail "fuzz_$t: the fuzzers did not build (clang with libFuzzer)"
	done
	sed 's/^/# /' "$TMP/build" | tail -20
	exit 0
fi
for t in $targets; do
	if tests/fuzz/run-fuzz "$secs" "$t" >"$TMP/out" 2>&1; then
		pass "fuzz_$t: ${secs}s, nothing found ($(grep -o '[0-9]* runs' "$TMP/out"))"
	else
		fail "fuzz_$t found a problem"
		sed 's/^/# /' "$TMP/out"
	fi
done
