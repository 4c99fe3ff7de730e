# tests/gdb/lib.sh - starting `minikvm run --gdb` for a test and knowing
# where it listens without sleeping (sourced after tests/lib.sh, by
# tests/t/41-gdb.t; gdb_walkthrough is for the README's walk-throughs,
# which tests/t/80-docs.t is to run: not wired in yet).
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

# gdb_walkthrough BLOCK: runs a gdb walk-through as the docs show it
# (README.md's ```console blocks that start with `$ minikvm run --gdb`):
#   $ [printf '...' |] minikvm run --gdb[=ADDRESS] ARGS... &
#   LINES minikvm prints on stderr (1234 stands for the port)
#   $ gdb ARGS... -ex 'target remote :1234' ...
#   (gdb) COMMAND
#   LINES of its output ("..." stands for any lines)
# minikvm runs on a free port instead; gdb runs in batch mode with the
# commands as a script.  Sets $why: empty if minikvm's lines and each
# command's lines appear in order and minikvm ends with status 0, else
# what went wrong; gdb's transcript is in $TMP/walk.out.
gdb_walkthrough() {
	rm -f "$TMP"/walk.*
	awk -v W="$TMP/walk" '
		{ sub(/\r$/, "") }
		/^\$ / && !run { run = substr($0, 3); print run > (W ".run"); next }
		/^\$ gdb / { print substr($0, 7) > (W ".args"); gdb = 1; next }
		/^\(gdb\) / { print substr($0, 7) > (W ".script"); next }
		!gdb && run { print > (W ".errexp"); next }
		gdb && $0 != "..." { print > (W ".expect") }
	' "$1"
	touch "$TMP/walk.run" "$TMP/walk.args" "$TMP/walk.script" "$TMP/walk.expect"
	why=
	run=$(cat "$TMP/walk.run")
	GDB_IN=/dev/null
	case $run in
	"printf "*"| minikvm run "*)
		sh -c "${run%%|*}" >"$TMP/walk.in"
		GDB_IN=$TMP/walk.in
		run=${run#*| }
		;;
	esac
	run=${run#minikvm run }
	run=${run%&}
	eval "set -- $run"
	args=
	for a; do
		case $a in
		--gdb | --gdb=*) ;;
		*) args="$args '$a'" ;;
		esac
	done
	eval "set -- $args"
	GDB_IN=$GDB_IN gdb_start 127.0.0.1:0 "$@"
	if [ -z "$port" ]; then
		gdb_finish
		why="minikvm did not listen (status $st): $(head -1 "$TMP/err")"
		return
	fi
	eval "set -- $(sed "s/:1234/:$port/g" "$TMP/walk.args")"
	timeout -s KILL 300 gdb -nx -batch "$@" -x "$TMP/walk.script" </dev/null \
		>"$TMP/walk.raw" 2>&1 || :
	gdb_finish
	tr -d '\r' <"$TMP/walk.raw" >"$TMP/walk.out"
	[ "$st" -eq 0 ] || why="minikvm ended with status $st"
	if [ -f "$TMP/walk.errexp" ]; then
		sed "s/:1234\$/:$port/" "$TMP/walk.errexp" >"$TMP/walk.errexp2"
		in_order "$TMP/walk.errexp2" "$TMP/err" || why="$why; stderr lacks '$missing'"
	fi
	in_order "$TMP/walk.expect" "$TMP/walk.out" || why="$why; gdb's output lacks '$missing' (in its place)"
	why=${why#; }
}

# in_order LINES FILE: each line of LINES is a line of FILE, in that
# order; else $missing is the first that is not.
in_order() {
	missing=$(awk 'NR == FNR { want[++n] = $0; next }
		i < n && $0 == want[i + 1] { i++ }
		END { if (i < n) print want[i + 1] }' "$1" "$2")
	[ -z "$missing" ]
}
