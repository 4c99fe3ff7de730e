#!/bin/sh
# The documentation's examples, extracted from README.md and man/*.[157]
# at test time (no copied list) and run:
#   - every YAML manifest shown: README.md's ```yaml blocks; the man
#     pages' .Bd -literal blocks with a vcpus key, SYNOPSIS aside.  Each is
#     written where its relative paths resolve as in the repository (in
#     configs/ of a tree of symlinks to the repository's top-level entries,
#     or at the path the page names it by), and must pass `minikvm check`;
#     one the page names as a repository file (.Pa configs/X.yaml) must
#     mean what that file means (the same `check -v`).
#   - every minikvm command shown: in README.md's code blocks and `code`
#     spans, those that start with `minikvm `, `printf ... | minikvm ` or
#     `make run` (run as `minikvm run CONFIG`, as the Makefile does); in
#     the man pages, `.Dl $ ...`, `.Ql minikvm ...` and the `$ ...` lines
#     of literal blocks, with the output lines shown after them.  Synopses
#     with placeholders (MANIFEST, [--x], ...) are listed, not run.  Each
#     runs as shown, once, from a copy of the repository root made of
#     symlinks (files it writes land there), with a shell function
#     `minikvm` running $MINIKVM, stdin from /dev/null unless it pipes its
#     own, under a time limit.  It must end with status 0 (doctor without
#     KVM: 1, as documented) and what tests/docs/expect adds; output shown
#     after it must be its output; files named by file:PATH and
#     json:PATH must be written.  A man page's example session (a
#     subsection with named files, hello16.S and hello16.yaml, and `$`
#     commands that build and run them) runs in a folder of its own
#     holding those files.  Where a program its build commands need is
#     missing (the lab VM has no compiler), what they built comes from
#     build/docs-examples/ (make lab-image builds it with --build-examples,
#     below, and the lab image carries it; $DOCS_EXAMPLES names another):
#     only if its copies of the session's files and its build commands are
#     byte for byte those the page shows now (else a failure: the prebuilt
#     example is stale); then the session's minikvm commands run for real.
#     Without that folder either, a skip, a failure under CI=true.
#   - every gdb session shown: README.md's ```console blocks that start
#     with `$ [printf ... |] minikvm run --gdb ... &`, then the line it
#     prints, then `$ gdb ARGS` and `(gdb) COMMAND` lines, each with the
#     output shown after it.  The run gets a free port (--gdb=127.0.0.1:0,
#     read from its stderr), which replaces :1234 in what is shown; gdb
#     runs in batch mode (a 60 s remotetimeout: the lab is slow) with ARGS
#     and the commands as its script, and
#     what it prints must be the output shown, in order: a line `...`
#     stands for any lines, and the lines gdb prints only to a terminal
#     (Continuing., Remote debugging using ..., (More stack frames
#     follow...)) may be missing.  The run
#     must end with status 0, or 137 after `kill`.
#   - the sample outputs shown: doctor's report (its stable parts: labels,
#     the device line, capability and mode names, in order) against
#     `minikvm doctor`; each trace line shown must be a line of the traces
#     the docs' trace commands wrote.
# Commands that need KVM (run, bench, doctor's probes) are KVM tests:
# where /dev/kvm is unusable they still run, to show that their options
# and manifests are good (status 1, nothing on stderr but the missing
# KVM), then go through kvm_skip: the lab VM (tests/lab/suite) runs this
# file for real.  Where KVM refuses 32-bit paging, a guest that turns it
# on (os-1k, linux) must be refused with the documented diagnosis.  A
# manifest or command naming build/linux/ that is not built (make
# linux-assets, as minikvm says) is a skip, a failure under CI=true.
# The plan comes last, once the examples are counted.
#
# tests/t/80-docs.t --build-examples DIR: no tests; for the lab image (the
# Makefile's $(BUILD)/docs-examples), each example session of the man
# pages into DIR/GROUP/: its named files, as this file extracts them, and
# what its build commands (the `$ gcc`, `$ ld` ... lines, not minikvm's)
# make of them there; the commands, one a line, in DIR/GROUP.commands.
# Status 0, or 1 with the command that failed.
BUILD_EXAMPLES=
case $#:${1:-}:${2:-} in
0::) ;;
2:--build-examples:?*) BUILD_EXAMPLES=$2 ;;
*) echo "usage: $0 [--build-examples DIR]" >&2; exit 2 ;;
esac
. tests/lib.sh

# TAP lines of our own: names hold commands, whose backslashes lib.sh's
# echo (dash's) would interpret.  A # in a name is escaped.
tap_line() {	# ok|not ok NAME [DIRECTIVE]
	TAP_N=$((TAP_N + 1))
	printf '%s %d - %s%s\n' "$1" "$TAP_N" "$(printf '%s' "$2" | sed 's/#/\\#/g')" "${3:+ # $3}"
}
pass() { tap_line ok "$1"; }
fail() { TAP_FAILED=1; tap_line "not ok" "$1"; }	# TAP_FAILED: as lib.sh's
skip_or_fail() {
	if [ "${CI:-}" = true ]; then
		fail "$1 (cannot run: $2, and CI=true)"
	else
		tap_line ok "$1" "SKIP $2"
	fi
}
kvm_skip() {
	if in_lab_suite; then
		tap_line ok "$1" "SKIP no usable /dev/kvm here; this file runs in the lab VM (50-lab.t)"
	else
		skip_or_fail "$1" "/dev/kvm is not usable here"
	fi
}

# seconds per command: above every manifest's own limits.timeout; in the
# lab, where a Linux boot takes 10-20 s, 60 (as tests/t/65-linux.t)
LIMIT=150
[ -n "${MINIKVM_LAB:-}" ] && LIMIT=60
DOCS="README.md man/minikvm.1 man/minikvm.yaml.5 man/minikvm-hypercall.7"
EXPECT=tests/docs/expect
case $MINIKVM in
/*) ;;
*/*) MINIKVM=$PWD/$MINIKVM ;;
esac
export MINIKVM
tab=$(printf '\t')
ROOT=$PWD
X=$TMP/x
mkdir -p "$X" "$TMP/g"

# mirror DIR [REAL]: DIR holds a symlink to each of the repository's
# top-level entries, but REAL (e.g. configs), which is an empty folder.
mirror() {
	mkdir -p "$1"
	for e in "$ROOT"/* "$ROOT"/.[!.]*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		e=${e##*/}
		[ "$e" = .git ] && continue
		[ "$e" = "${2:-}" ] || ln -s "$ROOT/$e" "$1/$e"
	done
	[ -z "${2:-}" ] || mkdir -p "$1/$2"
}
mirror "$TMP/r"

# ---- extraction --------------------------------------------------------
# Each document becomes items, one line each in $X/index:
#   ID TAB KIND TAB SOURCE TAB NAME TAB GROUP TAB TEXT
# KIND: manifest (body $X/ID.body), file (a named file of an example
# session: body), cmd (TEXT; the output shown after it in $X/ID.out),
# doctor or trace (a sample output: body), note (TEXT: something shown
# that is not run, and why).  NAME: the path the document names the body
# by, or -.  GROUP: the folder a session's commands and named files share
# (a man page's subsection), or root.
AWK_COMMON='
function emit(kind, line, name, grp, text, body, out,   id) {
	id = doc "-" line "-" (++items)
	gsub(/\//, "_", id)
	if (body != "") { printf "%s", body > (X "/" id ".body"); close(X "/" id ".body") }
	if (out != "") { printf "%s", out > (X "/" id ".out"); close(X "/" id ".out") }
	print id "\t" kind "\t" doc ":" line "\t" (name == "" ? "-" : name) "\t" grp "\t" (text == "" ? "-" : text)
}
# placeholder(C): C is a synopsis, not an example: a word in brackets, in
# capitals only (MANIFEST, FILE, N) or an ellipsis, outside quotes.
function placeholder(c,   t, w, i, n) {
	t = c
	gsub(/\047[^\047]*\047/, "", t)
	gsub(/"[^"]*"/, "", t)
	if (t ~ /\.\.\./) return 1
	n = split(t, w, /[ \t]+/)
	for (i = 1; i <= n; i++)
		if (w[i] ~ /^\[/ || w[i] ~ /^[A-Z][A-Z_]*$/) return 1
	return 0
}
# command(C, LINE, GRP): C, shown as a command, is run or noted.
function command(c, line, grp) {
	sub(/^[ \t]+/, "", c); sub(/[ \t]+$/, "", c)
	if (c !~ /^(minikvm|make run)( |$)/ && c !~ /^printf .*\| *minikvm /) {
		if (c ~ /^make /) emit("note", line, "", grp, c " (not a minikvm command)")
		return
	}
	if (c ~ /^minikvm (run|check|bench)$/) emit("note", line, "", grp, c " (a command\047s name)")
	else if (placeholder(c)) emit("note", line, "", grp, c " (a synopsis with placeholders)")
	else emit("cmd", line, "", grp, c)
}
'

# README.md (Markdown): ```yaml blocks are manifests, other ``` blocks
# sample outputs; indented blocks and `code` spans hold commands.
extract_md() {
	awk -v X="$X" -v doc="$1" "$AWK_COMMON"'
function fence_end() {
	if (lang == "yaml") emit("manifest", fline, "", "root", "", fbody)
	else if (fbody ~ /^KVM device /) emit("doctor", fline, "", "root", "", fbody)
	else if (fbody ~ /^vcpu[0-9]+ #[0-9]+ /) emit("trace", fline, "", "root", "", fbody)
	else if (lang == "console" && substr(fbody, 1, index(fbody, "\n")) ~ /^\$ (printf .*\| *)?minikvm run --gdb /)
		emit("gdb", fline, "", "root", "", fbody)
	else emit("unknown", fline, "", "root", "a ``` block that is neither a manifest nor a known sample output")
}
function spans(s,   n, p, i) {
	n = split(s, p, "`")
	for (i = 1; i <= n; i++) {
		if (i > 1) {
			if (inspan) { command(span, spanline, "root"); inspan = 0 }
			else { inspan = 1; span = ""; spanline = NR }
		}
		if (inspan) span = span (i == 1 && span != "" ? " " : "") p[i]
	}
}
{ sub(/\r$/, "") }
infence {
	if ($0 ~ /^```/) { infence = 0; fence_end() }
	else fbody = fbody $0 "\n"
	blank = 0
	next
}
/^```/ {
	inspan = 0; infence = 1; fline = NR + 1; fbody = ""
	lang = substr($0, 4); sub(/[ \t].*/, "", lang)
	next
}
/^    / && (blank || inindent) {
	inindent = 1; inspan = 0
	c = substr($0, 5)
	if (c !~ /[\047"]/) sub(/[ \t]+#.*$/, "", c)
	command(c, NR, "root")
	next
}
/^[ \t]*$/ { blank = 1; inindent = 0; inspan = 0; next }
{ blank = 0; inindent = 0; spans($0) }
' "$1"
}

# A man page (mdoc): .Bd -literal blocks are manifests (with a vcpus key),
# sessions ($ lines) or files named by the .Pa just before them; .Dl lines
# commands ($) or trace samples; .Ql spans commands.
extract_mdoc() {
	awk -v X="$X" -v doc="$1" "$AWK_COMMON"'
function unesc(s) {
	gsub(/\\e/, "\001", s)
	gsub(/\\&/, "", s)
	gsub(/\\-/, "-", s)
	gsub(/\001/, "\\", s)
	return s
}
function literal(   grp, n, l, i, c, cl, out) {
	grp = doc "." sh "." ss
	gsub(/\//, "_", grp)
	if (sect == "SYNOPSIS") return
	if (lbody ~ /(^|\n|[{ ,])vcpus:/) {
		if (pa == "" || pa ~ /\//) emit("manifest", lline, pa, "root", "", lbody)
		else emit("manifest", lline, pa, grp, "", lbody)
		return
	}
	if (lbody ~ /(^|\n)\$ /) {
		n = split(lbody, l, "\n")
		for (i = 1; i <= n; i++) {
			if (l[i] !~ /^\$ /) continue
			c = substr(l[i], 3); cl = lline + i - 1
			while (c ~ /\\$/ && i < n) {
				sub(/[ \t]*\\$/, "", c)
				i++; sub(/^[ \t]+/, "", l[i]); c = c " " l[i]
			}
			out = ""
			while (i < n && l[i + 1] !~ /^\$ / && !(i + 1 == n && l[i + 1] == "")) {
				i++; out = out l[i] "\n"
			}
			if (c ~ /^(minikvm|printf|echo|gcc|cc|as|ld) /) emit("cmd", cl, "", grp, c, "", out)
			else emit("note", cl, "", grp, c " (not run: not a build or minikvm command)")
		}
		return
	}
	if (pa != "" && pa !~ /\//) { emit("file", lline, pa, grp, "", lbody); return }
	emit("note", lline, "", grp, "a literal block (" sect "): no manifest, no $ command")
}
inlit && /^\.Ed/ { inlit = 0; literal(); pa = ""; next }
inlit { lbody = lbody unesc($0) "\n"; next }
/^\.Bd -literal/ { inlit = 1; lline = NR + 1; lbody = ""; next }
/^\.Sh / { sh++; ss = 0; sect = substr($0, 5); pa = ""; next }
/^\.Ss / { ss++; pa = ""; next }
/^\.(Pp|It|El|Bl)/ { pa = ""; next }
/^\.Dl / {
	c = unesc(substr($0, 5))
	if (c ~ /^\$ /) command(substr(c, 3), NR, "root")
	else if (c ~ /^vcpu[0-9]+ #[0-9]+ /) emit("trace", NR, "", "root", "", c "\n")
	else emit("note", NR, "", "root", c " (an output line)")
	next
}
/(^\.| )Ql minikvm / {
	c = unesc($0); sub(/.*Ql /, "", c)
	while (c ~ /[ \t][.,:;()]$/) sub(/[ \t][.,:;()]$/, "", c)
	command(c, NR, "root")
}
/(^\.| )Pa [^ ]/ { pa = $0; sub(/.*Pa /, "", pa); sub(/ .*/, "", pa) }
' "$1"
}

for d in $DOCS; do
	case $d in
	*.md) extract_md "$d" ;;
	*) extract_mdoc "$d" ;;
	esac
done >"$X/index"

# ---- the sessions ------------------------------------------------------
# is_build CMD: CMD, a session's command, builds (gcc, ld ...): it is
# neither minikvm's nor an echo
is_build() {
	case ${1%% *} in minikvm | printf | echo) return 1 ;; esac
	return 0
}
# session_files GROUP: ID TAB NAME of each of its named files
session_files() {
	awk -F "$tab" -v g="$1" '$5 == g && ($2 == "file" || $2 == "manifest") { print $1 "\t" $4 }' "$X/index"
}
# session_builds GROUP: its build commands, in order, one a line
session_builds() {
	while IFS="$tab" read -r id kind src name grp text; do
		[ "$kind" = cmd ] && [ "$grp" = "$1" ] && is_build "$text" && printf '%s\n' "$text"
	done <"$X/index"
	return 0
}

# --build-examples DIR: the sessions with build commands, built into DIR
if [ -n "$BUILD_EXAMPLES" ]; then
	case $BUILD_EXAMPLES in
	/*) out=$BUILD_EXAMPLES ;;
	*) out=$ROOT/$BUILD_EXAMPLES ;;
	esac
	rm -rf "$out.new"
	mkdir -p "$out.new"
	for g in $(awk -F "$tab" '$5 != "root" && !seen[$5]++ { print $5 }' "$X/index"); do
		session_builds "$g" >"$X/builds"
		[ -s "$X/builds" ] || continue
		mkdir "$out.new/$g"
		cp "$X/builds" "$out.new/$g.commands"
		session_files "$g" >"$X/files"
		while IFS="$tab" read -r id name; do
			cp "$X/$id.body" "$out.new/$g/$name"
		done <"$X/files"
		while IFS= read -r c; do
			echo "80-docs.t: $g: $c"
			if ! (cd "$out.new/$g" && sh -c "$c") </dev/null; then
				echo "80-docs.t: error: $c (in $out.new/$g) failed" >&2
				exit 1
			fi
		done <"$X/builds"
	done
	rm -rf "$out"
	mv "$out.new" "$out"
	exit 0
fi

# ---- helpers -----------------------------------------------------------
kvm=no
kvm_usable && kvm=yes
paging=unknown		# whether this host's KVM runs 32-bit paging
paging_runs() {
	if [ "$paging" = unknown ]; then
		paging=no
		"$MINIKVM" doctor --mode protected+paging >/dev/null 2>&1 && paging=yes
	fi
	[ "$paging" = yes ]
}
linux_built() { [ -f build/linux/vmlinuz ] && [ -f build/linux/initramfs ]; }
# linux_missing ERRFILE: the error is about build/linux/ not being built
linux_missing() { ! linux_built && grep -q 'make linux-assets' "$1"; }
show_err() { sed 's/^/# stderr: /' "$1" | head -"${2:-10}"; }
show_out() { sed 's/^/# stdout: /' "$1" | head -"${2:-10}"; }

# expect_of CMD: CMD's lines in tests/docs/expect (the indented lines
# after the line that is CMD), without the indentation.
expect_of() {
	[ -f "$EXPECT" ] || return 0
	DOCS_CMD=$1 awk '
		/^#/ { next }
		/^[ \t]/ { if (on) { sub(/^[ \t]+/, ""); print }; next }
		{ on = ($0 == ENVIRON["DOCS_CMD"]) }' "$EXPECT"
}

# ---- the sessions' folders: their named files --------------------------
# A session whose build commands need a program this host lacks (the lab
# VM has no compiler) takes what they built from $PREBUILT/GROUP, if that
# is the session the page shows now; $X/prebuilt, a line each:
#   GROUP TAB the program TAB ok (copied into its folder), stale or none
#   (no $PREBUILT) TAB why it is stale
while IFS="$tab" read -r id kind src name grp text; do
	[ "$grp" = root ] && continue
	case $kind in
	file | manifest)
		mkdir -p "$TMP/g/$grp"
		cp "$X/$id.body" "$TMP/g/$grp/$name"
		;;
	cmd)
		is_build "$text" || continue
		w=${text%% *}
		command -v "$w" >/dev/null 2>&1 ||
			echo "$grp $w" >>"$X/unrunnable"
		;;
	esac
done <"$X/index"
PREBUILT=${DOCS_EXAMPLES:-build/docs-examples}
# prebuilt_stale GROUP: why $PREBUILT/GROUP is not GROUP's session as the
# page shows it now, a line a reason; nothing if it is
prebuilt_stale() {
	d=$PREBUILT/$1
	if [ ! -d "$d" ]; then
		echo "there is no $d"
		return
	fi
	session_files "$1" | while IFS="$tab" read -r id name; do
		if [ ! -f "$d/$name" ]; then
			echo "it has no $name"
		elif ! cmp -s "$X/$id.body" "$d/$name"; then
			echo "its $name is not the one shown"
		fi
	done
	session_builds "$1" >"$TMP/builds"
	cmp -s "$TMP/builds" "$d.commands" 2>/dev/null ||
		echo "its build commands, $d.commands, are not those shown"
}
: >"$X/prebuilt"
[ -f "$X/unrunnable" ] && awk '!seen[$1]++' "$X/unrunnable" |
	while read -r g w; do
		state=none why=
		if [ -d "$PREBUILT" ]; then
			why=$(prebuilt_stale "$g" | awk 'NR > 1 { printf "; " } { printf "%s", $0 }')
			if [ -n "$why" ]; then
				state=stale
			else
				state=ok
				mkdir -p "$TMP/g/$g"
				for f in "$PREBUILT/$g"/*; do
					[ -f "$f" ] && [ ! -e "$TMP/g/$g/${f##*/}" ] && cp "$f" "$TMP/g/$g/"
				done
			fi
		fi
		printf '%s\t%s\t%s\t%s\n' "$g" "$w" "$state" "$why" >>"$X/prebuilt"
	done
# prebuilt GROUP: prints its state (ok, stale, none); nothing for a session
# this host builds itself
prebuilt() { awk -F "$tab" -v g="$1" '$1 == g { print $3; exit }' "$X/prebuilt"; }

# ---- commands ----------------------------------------------------------
CONFIG=$(sed -n 's/^CONFIG ?= *//p' Makefile)
# run_cmd DIR TEXT: runs TEXT in DIR, in a process group of its own that
# is ended (SIGTERM, then SIGKILL) after LIMIT seconds; $st, $ms, $killed,
# $TMP/c.out, $TMP/c.err
run_cmd() {
	t0=$(now_ms)
	rm -f "$TMP/killed"
	(cd "$1" && DOCS_CONFIG=$CONFIG exec setsid sh -c '
		minikvm() { "$MINIKVM" "$@"; }
		make() {
			case $# in
			1) [ "$1" = run ] && { "$MINIKVM" run "$DOCS_CONFIG"; return; } ;;
			2) [ "$1" = run ] && [ "${2#CONFIG=}" != "$2" ] &&
				{ "$MINIKVM" run "${2#CONFIG=}"; return; } ;;
			esac
			echo "80-docs.t: not run here: make $*" >&2
			return 2
		}
		eval "$1"' docs "$2") </dev/null >"$TMP/c.out" 2>"$TMP/c.err" &
	pid=$!
	(
		trap 'exit 0' TERM
		i=0
		while [ "$i" -lt "$LIMIT" ]; do
			sleep 1
			kill -0 "$pid" || exit 0
			i=$((i + 1))
		done
		: >"$TMP/killed"
		kill -TERM -"$pid"
		sleep 2
		kill -KILL -"$pid"
	) </dev/null >/dev/null 2>&1 &
	dog=$!
	st=0
	wait "$pid" || st=$?
	kill "$dog" 2>/dev/null	# it ends at its next second, unreported
	killed=no
	[ -f "$TMP/killed" ] && killed=yes
	ms=$(($(now_ms) - t0))
}

# a command's files, for the samples: traces (stderr of --trace, files of
# --trace=...file:PATH) and doctor's report
: >"$TMP/traces"
: >"$TMP/trace-cmds"
doctor_out=

check_cmd() {	# ID SOURCES GROUP TEXT
	id=$1 srcs=$2 grp=$3 text=$4
	dir=$TMP/r
	[ "$grp" != root ] && [ -d "$TMP/g/$grp" ] && dir=$TMP/g/$grp
	label="$text [$srcs]"
	needs_kvm=no
	case " $text " in
	*" --help "* | *" -h "*) ;;
	*" minikvm run "* | *" minikvm bench "* | *" make run "*) needs_kvm=yes ;;
	esac
	is_doctor=no
	case "$text" in "minikvm doctor" | "minikvm doctor --json") is_doctor=yes ;; esac
	run_cmd "$dir" "$text"
	if [ "$needs_kvm" = yes ] && [ "$kvm" = no ]; then
		# minikvm reads its options and the manifest before it opens
		# /dev/kvm: a usage or manifest error shows here too
		if [ "$st" -eq 2 ] && linux_missing "$TMP/c.err"; then
			skip_or_fail "run: $label" "build/linux/ is not built (make linux-assets), as minikvm says"
		elif [ "$st" -gt 1 ] || ! grep -q . "$TMP/c.err" ||
		     grep -v -F "${MINIKVM_KVM_DEVICE:-/dev/kvm}: " "$TMP/c.err" | grep -q .; then
			fail "run: $label (status $st without KVM; expected 1, or an echo's 0, and on stderr only that KVM is unusable)"
			show_err "$TMP/c.err"
		else
			kvm_skip "run: $label (its options and manifest are good; no KVM)"
		fi
		return
	fi
	# the lab's emulated SVM now and then loses a Linux boot (README.md,
	# tests/t/65-linux.t): there, a run that hangs gets two more tries
	tries=0
	while [ -n "${MINIKVM_LAB:-}" ] && [ "$tries" -lt 2 ] &&
	      { [ "$st" -eq 124 ] || [ "$killed" = yes ]; }; do
		tries=$((tries + 1))
		echo "# lab: $text: status $st after $ms ms ($(grep 'still running' "$TMP/c.err" | head -1)); once more"
		run_cmd "$dir" "$text"
	done
	why=
	want=0
	[ "$is_doctor" = yes ] && [ "$kvm" = no ] && want=1
	expect_of "$text" >"$TMP/c.expect"
	w=$(sed -n 's/^status //p' "$TMP/c.expect")
	[ -n "$w" ] && want=$w
	case " $text " in *" minikvm check "*) check_cmd=yes ;; *) check_cmd=no ;; esac
	if [ "$killed" = yes ]; then
		why="still running after ${LIMIT}s: ended (status $st)"
	elif [ "$st" -ne "$want" ]; then
		case $st in
		2) why="status 2 (a usage or manifest error), expected $want" ;;
		1[3-9][0-9] | 2[0-9][0-9]) why="status $st (a signal), expected $want" ;;
		*) why="status $st, expected $want" ;;
		esac
	fi
	# a paging guest on a host that refuses paging: the documented refusal
	if [ "$st" -eq 1 ] && [ "$needs_kvm" = yes ] && grep -q "refuses 32-bit paging" "$TMP/c.err" &&
	   grep -q "minikvm doctor" "$TMP/c.err" && ! paging_runs; then
		pass "run: $label: this host refuses 32-bit paging, and the diagnosis says so in $ms ms (the lab VM runs it)"
		return
	fi
	if [ "$st" -eq 2 ] && linux_missing "$TMP/c.err"; then
		skip_or_fail "run: $label" "build/linux/ is not built (make linux-assets), as minikvm says"
		return
	fi
	# what tests/docs/expect asks of its output
	tr -d '\r' <"$TMP/c.out" >"$TMP/c.lines"
	while IFS= read -r e; do
		case $e in
		"stdout "*) grep -Eq -- "${e#stdout }" "$TMP/c.lines" || why="$why; stdout lacks /${e#stdout }/" ;;
		"stderr "*) grep -Eq -- "${e#stderr }" "$TMP/c.err" || why="$why; stderr lacks /${e#stderr }/" ;;
		"status "*) ;;
		*) why="$why; $EXPECT: unknown line '$e'" ;;
		esac
	done <"$TMP/c.expect"
	# check: nothing on stderr for good manifests (and nothing on stdout
	# without -v)
	if [ "$check_cmd" = yes ] && [ "$want" -eq 0 ]; then
		[ -s "$TMP/c.err" ] && why="$why; stderr not empty"
		case " $text " in *" -v "* | *" --verbose "*) ;; *) [ -s "$TMP/c.out" ] && why="$why; stdout not empty" ;; esac
	fi
	# the output shown after it
	if [ -f "$X/$id.out" ] && ! cmp -s "$X/$id.out" "$TMP/c.out"; then
		why="$why; stdout is not the output shown"
		diff "$X/$id.out" "$TMP/c.out" | head -10 | sed 's/^/# /'
	fi
	# files it names: --trace=...file:PATH, --stats=json:PATH
	for f in $(printf '%s\n' "$text" | tr ' ' '\n' | sed -n 's/^--trace=\(.*,\)\{0,1\}file:\(.*\)/\2/p; s/^--stats=json:\(..*\)/\1/p'); do
		[ "$f" = - ] && continue
		if [ -s "$dir/$f" ]; then
			case $text in *--trace=*"file:$f"*) cat "$dir/$f" >>"$TMP/traces" ;; esac
			rm -f "$dir/$f"
		else
			why="$why; it wrote no $f"
		fi
	done
	case "$text" in
	*--trace=*file:*) echo "$text" >>"$TMP/trace-cmds" ;;
	*--trace*) cat "$TMP/c.err" >>"$TMP/traces"; echo "$text" >>"$TMP/trace-cmds" ;;
	esac
	[ "$is_doctor" = yes ] && [ "$text" = "minikvm doctor" ] && { cp "$TMP/c.out" "$TMP/doctor.out"; doctor_out=$st; }
	if [ -z "$why" ]; then
		pass "run: $label: status $st in $ms ms"
	else
		fail "run: $label (${why#; })"
		show_out "$TMP/c.out" 5
		show_err "$TMP/c.err"
	fi
}

# ---- manifests ---------------------------------------------------------
check_manifest() {	# ID SOURCE NAME GROUP
	id=$1 src=$2 name=$3 grp=$4
	if [ "$grp" != root ]; then
		f=$TMP/g/$grp/$name
		shown=$name
	else
		d=$TMP/m/$id
		if [ "$name" != - ]; then
			mirror "$d" "${name%%/*}"
			mkdir -p "$d/$(dirname "$name")"
			f=$d/$name
			shown=$name
		else
			mirror "$d" configs
			f=$d/configs/$id.yaml
			shown="the manifest"
		fi
		cp "$X/$id.body" "$f"
	fi
	label="check: $shown shown at $src"
	st=0
	"$MINIKVM" check "$f" >"$TMP/m.out" 2>"$TMP/m.err" || st=$?
	if [ "$st" -eq 2 ] && linux_missing "$TMP/m.err"; then
		skip_or_fail "$label" "build/linux/ is not built (make linux-assets), as minikvm says"
		return
	fi
	if [ "$st" -ne 0 ] || [ -s "$TMP/m.out" ] || [ -s "$TMP/m.err" ]; then
		fail "$label: status $st"
		# FILE:LINE:COL as the document's line
		DOCS_F=$f awk -v doc="${src%:*}" -v at="${src##*:}" '
			index($0, ENVIRON["DOCS_F"] ":") == 1 {
				rest = substr($0, length(ENVIRON["DOCS_F"]) + 2)
				n = rest; sub(/:.*/, "", n)
				if (n ~ /^[0-9]+$/) { sub(/^[0-9]+/, "", rest); $0 = doc ":" (at + n - 1) rest }
				else $0 = doc ":" at ": " rest
			}
			{ print "# stderr: " $0 }' "$TMP/m.err" | head -10
		return
	fi
	# named as a repository file: it must mean what that file means
	if [ "$grp" = root ] && [ "$name" != - ]; then
		if [ ! -f "$name" ]; then
			fail "$label: it is shown as $name, which does not exist"
			return
		fi
		"$MINIKVM" check -v "$f" >"$TMP/m.shown" 2>&1
		"$MINIKVM" check -v "$name" >"$TMP/m.real" 2>&1
		if ! cmp -s "$TMP/m.real" "$TMP/m.shown"; then
			fail "$label: passes, but does not mean what $name means (check -v)"
			diff "$TMP/m.real" "$TMP/m.shown" | head -10 | sed 's/^/# /'
			return
		fi
		pass "$label: passes, and means what $name means"
		return
	fi
	pass "$label: passes"
}

# ---- samples -----------------------------------------------------------
# doctor's report, stable parts: each label; the device line and the
# probe line whole; capability names; mode names.
doctor_norm() {
	awk '
	/^  [a-z]/ { print "  " $1; next }
	/^ / { next }
	{
		label = $0; sub(/  .*/, "", label)
		if (label == "KVM device" || label == "guest modes") { print; next }
		if (label == "capabilities") {
			rest = substr($0, length(label) + 1); sub(/^ +/, "", rest)
			n = split(rest, c, /, */); s = label
			for (i = 1; i <= n; i++) { sub(/ .*/, "", c[i]); s = s " " c[i] }
			print s; next
		}
		print label
	}' "$1"
}
doctor_labels() { grep -v '^ ' "$1" | sed 's/  .*//'; }
check_doctor_sample() {	# ID SOURCE
	label="the doctor report shown at $2 is minikvm doctor's (labels, device, capability and mode names)"
	if [ -z "$doctor_out" ]; then
		fail "$label: no 'minikvm doctor' command in the docs ran"
		return
	fi
	if [ "$kvm" = no ]; then
		# without KVM doctor reports what it can, and stops before
		# the capabilities' values and the modes
		doctor_labels "$X/$1.body" | grep -v -e '^guest modes$' -e '^guest debug$' >"$TMP/s.want"
		doctor_labels "$TMP/doctor.out" >"$TMP/s.got"
		if cmp -s "$TMP/s.want" "$TMP/s.got"; then
			pass "doctor without KVM: the labels of the report shown at $2, status 1"
		else
			fail "doctor without KVM: the labels of the report shown at $2"
			diff "$TMP/s.want" "$TMP/s.got" | sed 's/^/# /'
		fi
		kvm_skip "$label"
		return
	fi
	doctor_norm "$X/$1.body" >"$TMP/s.want"
	doctor_norm "$TMP/doctor.out" >"$TMP/s.got"
	same "$label" "$TMP/s.want" "$TMP/s.got"
}
check_trace_sample() {	# ID SOURCE
	label="the trace lines shown at $2 are lines of the traces the docs' trace commands wrote"
	if [ "$kvm" = no ]; then
		kvm_skip "$label"
		return
	fi
	: >"$TMP/why"
	while IFS= read -r l; do
		grep -Fxq -- "$l" "$TMP/traces" && continue
		echo "no trace line: $l" >>"$TMP/why"
		# the lines of the same form, exit numbers and CS:IP aside
		re=$(printf '%s\n' "$l" | sed 's/[][\.*^$+?(){}|/]/\\&/g; s/#[0-9][0-9]*/#[0-9]+/; s/cs:ip=[0-9a-f]\{4\}:[0-9a-f]\{4\}/cs:ip=[0-9a-f]{4}:[0-9a-f]{4}/')
		like=$(grep -E -- "^$re\$" "$TMP/traces" | sort -u | head -3 | tr '\n' '|')
		[ -n "$like" ] && echo "  of its form: ${like%|}" >>"$TMP/why"
	done <"$X/$1.body"
	if [ ! -s "$TMP/why" ]; then
		pass "$label"
	else
		fail "$label"
		sed 's/^/# /' "$TMP/why"
		diag "(the traces: $(wc -l <"$TMP/traces") lines, of: $(tr '\n' ',' <"$TMP/trace-cmds" | sed 's/,$//'))"
	fi
}

# ---- gdb sessions ------------------------------------------------------
# gdb_match WANT GOT: GOT's lines are WANT's, in order; in WANT a line
# "..." matches any lines, and one gdb prints only to a terminal may be
# missing from GOT.  Where they differ, WANT's first unmatched line.
gdb_match() {
	awk -v want="$1" '
	function optional(l) {
		return l == "Continuing." || l ~ /^Remote debugging using / ||
		       l == "(More stack frames follow...)"
	}
	BEGIN {
		while ((getline l < want) > 0) w[++m] = l
	}
	{ g[++n] = $0 }
	END {
		# ok[i, j]: w[i..m] matches g[j..n]
		for (j = n + 1; j >= 1; j--) ok[m + 1, j] = (j == n + 1)
		for (i = m; i >= 1; i--)
			for (j = n + 1; j >= 1; j--) {
				r = 0
				if (w[i] == "...") r = ok[i + 1, j] || (j <= n && ok[i, j + 1])
				else {
					if (j <= n && w[i] == g[j]) r = ok[i + 1, j + 1]
					if (!r && optional(w[i])) r = ok[i + 1, j]
				}
				ok[i, j] = r
			}
		if (ok[1, 1]) exit 0
		# the first line of WANT no prefix of GOT gets past
		j = 1
		for (i = 1; i <= m; i++) {
			if (w[i] == "...") continue
			k = j
			while (k <= n && g[k] != w[i]) k++
			if (k > n) { if (!optional(w[i])) break; continue }
			j = k + 1
		}
		print "expected, in order: " (i <= m ? w[i] : "(the end)")
		exit 1
	}' "$2"
}

check_gdb() {	# ID SOURCE
	b=$X/$1.body
	runline=$(sed -n '1{s/^\$ //;s/ *&$//;p;}' "$b")
	gdbargs=$(sed -n 's/^\$ gdb //p' "$b" | head -1)
	label="gdb session at $2: $runline; gdb $gdbargs"
	if [ -z "$gdbargs" ] || ! sed -n 1p "$b" | grep -q '&$'; then
		fail "$label: it shows no '\$ minikvm run --gdb ... &' then '\$ gdb ...'"
		return
	fi
	if [ "$kvm" = no ]; then
		kvm_skip "$label"
		return
	fi
	# what each part prints: minikvm's stderr lines, then gdb's
	awk '/^\$ gdb /{ exit } NR > 1' "$b" >"$TMP/gw.err"
	awk 'on && !/^\(gdb\) / { print } /^\$ gdb /{ on = 1 }' "$b" >"$TMP/gw.out"
	sed -n 's/^(gdb) //p' "$b" >"$TMP/gw.gdb"
	grep -q '^kill$' "$TMP/gw.gdb" && want=137 || want=0
	rm -f "$TMP/gerrp"
	mkfifo "$TMP/gerrp"
	cmd=$(printf '%s\n' "$runline" | sed 's/--gdb /--gdb=127.0.0.1:0 /')
	(cd "$TMP/r" && exec setsid sh -c 'minikvm() { "$MINIKVM" "$@"; }; eval "$1"' docs "$cmd") \
		</dev/null >"$TMP/g.out" 2>"$TMP/gerrp" &
	gpid=$!
	{ sleep "$LIMIT"; kill -KILL -"$gpid"; } </dev/null >/dev/null 2>&1 &
	gdog=$!
	exec 5<"$TMP/gerrp"
	: >"$TMP/g.err"
	port=
	while IFS= read -r l <&5; do
		printf '%s\n' "$l" >>"$TMP/g.err"
		case $l in *'waiting for a debugger on '*) port=${l##*:}; break ;; esac
	done
	cat <&5 >>"$TMP/g.err" &
	gdrain=$!
	exec 5<&-
	why=
	if [ -n "$port" ]; then
		sed -e "s/:1234\$/:$port/" -e "s/:1234\([^0-9]\)/:$port\1/g" "$TMP/gw.err" | while IFS= read -r l; do
			grep -Fxq -- "$l" "$TMP/g.err" || echo "minikvm did not say: $l"
		done >"$TMP/gwhy"
		[ -s "$TMP/gwhy" ] && why="$why; $(cat "$TMP/gwhy")"
		gargs=$(printf '%s\n' "$gdbargs" | sed -e "s/:1234\$/:$port/" -e "s/:1234\([^0-9]\)/:$port\1/g")
		(cd "$TMP/r" && eval "timeout -s KILL $LIMIT gdb -nx -batch -ex 'set remotetimeout 60' $gargs -x \"\$TMP/gw.gdb\"") \
			</dev/null >"$TMP/gdb.out" 2>&1 || :
		sed -e "s/:$port\$/:1234/" -e "s/:$port\([^0-9]\)/:1234\1/g" "$TMP/gdb.out" >"$TMP/gdb.shown"
		m=$(gdb_match "$TMP/gw.out" "$TMP/gdb.shown") || why="$why; gdb's output is not the one shown: $m"
	fi
	st=0
	wait "$gpid" || st=$?
	kill "$gdog" 2>/dev/null || :
	wait "$gdrain" || :
	if [ "$st" -eq 1 ] && grep -q "refuses 32-bit paging" "$TMP/g.err" && ! paging_runs; then
		pass "$label: this host refuses 32-bit paging, and the diagnosis says so (the lab VM runs it)"
		return
	fi
	[ -n "$port" ] || why="$why; minikvm never said where it waits for gdb"
	[ "$st" -eq "$want" ] || why="$why; status $st, expected $want"
	if [ -z "$why" ]; then
		pass "$label"
	else
		fail "$label (${why#; })"
		sed 's/^/# gdb: /' "$TMP/gdb.shown" 2>/dev/null | head -60
		show_err "$TMP/g.err"
	fi
}

# ---- run ---------------------------------------------------------------
# every document gives examples
for d in $DOCS; do
	n=$(awk -F "$tab" -v d="$d" 'index($3, d ":") == 1 && ($2 == "cmd" || $2 == "manifest")' "$X/index" | wc -l)
	if [ "$n" -gt 0 ]; then
		pass "$d: $n examples found (manifests and commands)"
	else
		fail "$d: no example manifest or command found: the extraction is broken"
	fi
done
while IFS="$tab" read -r id kind src name grp text; do
	case $kind in
	note) diag "not run: $text ($src)" ;;
	unknown) fail "$src: $text: tell tests/t/80-docs.t how to test it" ;;
	esac
done <"$X/index"

# sessions this host cannot build: one line each says whether it runs
# what make lab-image built of them ($PREBUILT)
# session_label GROUP: its named files and where the page shows them
session_label() {
	awk -F "$tab" -v g="$1" '$5 == g {
		if (where == "") { where = $3 }
		if ($2 == "file" || $2 == "manifest") names = names (names == "" ? "" : ", ") $4
	} END { print "the example session of " (names == "" ? "no named files" : names) " [" where "]" }' "$X/index"
}
while IFS="$tab" read -r g w state why; do
	case $state in
	ok) pass "$(session_label "$g"): its build commands need $w, which this host lacks: what they built is in $PREBUILT/$g (make lab-image), from the files and commands shown" ;;
	stale) fail "$(session_label "$g"): its build commands need $w, which this host lacks: prebuilt example is stale, make lab-image ($why)" ;;
	esac
done <"$X/prebuilt"
# skip_group GROUP LABEL: true, once LABEL's line or note is out, if
# GROUP's session cannot run here (its build commands need a program this
# host lacks, and $PREBUILT has no good copy); its build commands, when
# $PREBUILT's copy of it is good, are noted, not run
skip_group() {
	case $(prebuilt "$1") in
	"") return 1 ;;
	ok)
		case $2 in
		"run: "*) is_build "${2#run: }" || return 1 ;;
		*) return 1 ;;
		esac
		diag "not run here: ${2#run: }: make lab-image ran it ($PREBUILT/$1)"
		;;
	stale) diag "not run: ${2#run: }: its session's prebuilt copy is stale" ;;
	none) skip_or_fail "$2" "its example session needs $(awk -F "$tab" -v g="$1" '$1 == g { print $2; exit }' "$X/prebuilt"), which this host lacks, and there is no $PREBUILT (make lab-image builds it)" ;;
	esac
	return 0
}

# commands, once each (in document order, with every place shown)
awk -F "$tab" '$2 == "cmd" {
	k = $5 "\t" $6
	if (!(k in src)) { order[++n] = k; first[k] = $1 }
	src[k] = src[k] (src[k] == "" ? "" : ", ") $3
} END { for (i = 1; i <= n; i++) print first[order[i]] "\t" src[order[i]] "\t" order[i] }' \
	"$X/index" >"$X/commands"
while IFS="$tab" read -r id srcs grp text; do
	skip_group "$grp" "run: $text [$srcs]" && continue
	check_cmd "$id" "$srcs" "$grp" "$text" </dev/null
done <"$X/commands"

while IFS="$tab" read -r id kind src name grp text; do
	[ "$kind" = manifest ] || continue
	[ "$grp" != root ] && skip_group "$grp" "check: $name shown at $src" && continue
	check_manifest "$id" "$src" "$name" "$grp" </dev/null
done <"$X/index"

while IFS="$tab" read -r id kind src name grp text; do
	case $kind in
	doctor) check_doctor_sample "$id" "$src" </dev/null ;;
	trace) check_trace_sample "$id" "$src" </dev/null ;;
	gdb) check_gdb "$id" "$src" </dev/null ;;
	esac
done <"$X/index"

# tests/docs/expect speaks only of commands the docs show
if [ -f "$EXPECT" ]; then
	stale=$(grep -v -e '^#' -e "^[ $tab]" -e '^$' "$EXPECT" | while IFS= read -r c; do
		DOCS_CMD=$c awk -F "$tab" '$4 == ENVIRON["DOCS_CMD"] { f = 1 } END { exit !f }' "$X/commands" || printf '%s\n' "$c"
	done)
	if [ -z "$stale" ]; then
		pass "$EXPECT names only commands the docs show"
	else
		fail "$EXPECT names commands the docs do not show"
		diag "$stale"
	fi
fi
echo "1..$TAP_N"
exit 0
