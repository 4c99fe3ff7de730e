# tests/gdb/lib.sh - starting `minikvm run --gdb` for a test and knowing
# where it listens without sleeping (sourced after tests/lib.sh, by
# tests/t/41-gdb.t).
#
#   gdb_start ADDRESS [RUN-ARGS...]   in the background, stdin from $GDB_IN
#                                     (default /dev/null), stdout to
#                                     $GDB_OUT (default $TMP/out; a FIFO
#                                     is opened on fd 6 for the caller to
#                                     read), stderr to $TMP/err; sets
#                                     $pid, and $port for a TCP ADDRESS
#   gdb_finish                        waits for it; sets $st
#
# minikvm says where it listens on standard error ("minikvm: gdb: waiting
# for a debugger on ADDRESS"); gdb_start reads that line through a FIFO,
# so it returns once minikvm listens (or has died).  A watchdog kills the
# run after 300 s, so a hung stub fails a test instead of hanging it.

gdb_start() {
	gdb_addr=$1
	shift
	rm -f "$TMP/errp"
	mkfifo "$TMP/errp"
	: >"$TMP/err"
	# stderr's FIFO first, then stdout: opened in the same order here
	"$MINIKVM" run --no-color --gdb="$gdb_addr" "$@" \
		<"${GDB_IN:-/dev/null}" 2>"$TMP/errp" >"${GDB_OUT:-$TMP/out}" &
	pid=$!
	{ sleep ${GDB_WATCHDOG:-300}; kill -9 "$pid"; } </dev/null >/dev/null 2>&1 &
	wd=$!
	exec 5<"$TMP/errp"
	[ -p "${GDB_OUT:-}" ] && exec 6<"$GDB_OUT"
	port=
	while IFS= read -r line <&5; do
		printf '%s\n' "$line" >>"$TMP/err"
		case $line in
		*'waiting for a debugger on '*)
			port=${line##*:}
			break
			;;
		esac
	done
	cat <&5 >>"$TMP/err" &
	drain=$!
	exec 5<&-
}

gdb_finish() {
	st=0
	wait "$pid" || st=$?
	kill "$wd" 2>/dev/null || :
	wait "$drain" || :
}

