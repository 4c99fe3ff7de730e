#!/bin/sh
# The command line: each command's --help (tests/cli/*.help, help.out),
# one-line usage errors with status 2 (tests/cli/usage.cases), options
# after the manifest, '--', every option of the synopsis working as shown,
# and minikvm(1)'s SYNOPSIS naming the same options as --help.  None of
# this needs KVM: runs use MINIKVM_KVM_DEVICE=/nonexistent/kvm, which fails
# (status 1, one line) only once the command line and manifest are taken.
. tests/lib.sh
unset POSIXLY_CORRECT	# GNU getopt would then stop at the first operand
cases=$(grep -v '^#' tests/cli/usage.cases | grep -c ' => ')
plan $((cases + 22))
cli=tests/cli
nokvm=/nonexistent/kvm
top=$PWD
# An absolute path to the binary, for the tests that change directory.
case $MINIKVM in
/*) mk=$MINIKVM ;;
*) mk=$PWD/$MINIKVM ;;
esac

# --help: the command's usage on stdout, status 0
for c in "" run check doctor bench; do
	st=0
	"$MINIKVM" $c --help >"$TMP/out" 2>"$TMP/err" || st=$?
	if [ -z "$c" ]; then want=$cli/help.out; else want=$cli/$c.help; fi
	if [ "$st" -eq 0 ] && [ ! -s "$TMP/err" ] && cmp -s "$want" "$TMP/out"; then
		pass "minikvm${c:+ $c} --help: $want on stdout, status 0"
	else
		fail "minikvm${c:+ $c} --help: status $st"
		diff -u "$want" "$TMP/out" | head -20 | sed 's/^/# /'
		sed 's/^/# stderr: /' "$TMP/err" | head -5
	fi
done
ok=1
for c in "" run check doctor bench; do
	"$MINIKVM" $c -h >"$TMP/h" 2>&1 && "$MINIKVM" $c --help >"$TMP/help" 2>&1 &&
		cmp -s "$TMP/h" "$TMP/help" || { ok=0; diag "minikvm $c -h differs from --help"; }
done
if [ "$ok" -eq 1 ]; then pass "-h is --help, for minikvm and each command"; else fail "-h is --help"; fi
# the exit statuses, 143 included, in the texts that list them all
ok=1
for c in "" run bench; do
	"$MINIKVM" $c --help >"$TMP/help" 2>&1
	for s in 0 1 2 124 130 143; do
		grep -Eq "^ +$s  [a-z]" "$TMP/help" || { ok=0; diag "minikvm $c --help does not list exit status $s"; }
	done
done
if [ "$ok" -eq 1 ]; then
	pass "--help lists every exit status, 143 (SIGTERM) too"
else
	fail "--help lists every exit status"
fi

# Usage errors: exactly one line on stderr, nothing on stdout, status 2.
while IFS= read -r line; do
	case $line in "#"*|"") continue ;; esac
	args=${line%% => *}
	want=${line#* => }
	set -f
	st=0
	# shellcheck disable=SC2086 # the arguments are split on purpose
	"$MINIKVM" $args >"$TMP/out" 2>"$TMP/err" </dev/null || st=$?
	set +f
	printf '%s\n' "$want" >"$TMP/want"
	if [ "$st" -eq 2 ] && [ ! -s "$TMP/out" ] && cmp -s "$TMP/want" "$TMP/err"; then
		pass "minikvm $args: status 2, one line"
	else
		fail "minikvm $args: status $st, expected 2 and one line"
		diff -u "$TMP/want" "$TMP/err" | head -10 | sed 's/^/# /'
	fi
done <$cli/usage.cases

# Options after the manifest, as GNU tools take them.
st=0
"$MINIKVM" check -v configs/hello.yaml >"$TMP/before" 2>"$TMP/err" || st=$?
"$MINIKVM" check configs/hello.yaml -v >"$TMP/after" 2>>"$TMP/err" || st=$?
if [ "$st" -eq 0 ] && [ ! -s "$TMP/err" ] && grep -q '^name: hello$' "$TMP/after" &&
   cmp -s "$TMP/before" "$TMP/after"; then
	pass "check MANIFEST -v is check -v MANIFEST"
else
	fail "check MANIFEST -v: status $st"
	sed 's/^/# /' "$TMP/err" | head -5
fi
st=0
"$MINIKVM" check configs/hello.yaml --set 'vcpus[0].memory=128K' -v >"$TMP/out" 2>"$TMP/err" || st=$?
if [ "$st" -eq 0 ] && grep -q '^  memory: 128K$' "$TMP/out"; then
	pass "check MANIFEST --set PATH=VALUE -v: the override applies"
else
	fail "check MANIFEST --set PATH=VALUE -v: status $st"
	sed 's/^/# /' "$TMP/err" | head -5
fi
# Every option of run after the manifest: taken (the run then fails only
# for want of KVM, in one line), the files named made.
st=0
MINIKVM_KVM_DEVICE=$nokvm "$MINIKVM" run configs/hello.yaml --no-color --color=never \
	--set limits.timeout=1s --trace=io,hlt,file:"$TMP/t,1.txt" --stats=json:"$TMP/s.json" \
	</dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
if [ "$st" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "^minikvm: $nokvm: " "$TMP/err" &&
   [ -f "$TMP/t,1.txt" ] && [ -f "$TMP/s.json" ] && [ ! -s "$TMP/out" ]; then
	pass "run MANIFEST --no-color --color --set --trace=io,hlt,file:PATH --stats=json:FILE"
else
	fail "run MANIFEST followed by options: status $st"
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi

# '--' ends the options: a manifest may be named -x.yaml.
mkdir "$TMP/dash"
sed "s|\.\./guests/|$PWD/guests/|" configs/hello.yaml >"$TMP/dash/-x.yaml"
st=0
(cd "$TMP/dash" && "$mk" check -v -- -x.yaml) >"$TMP/out" 2>"$TMP/err" || st=$?
if [ "$st" -eq 0 ] && [ ! -s "$TMP/err" ] && grep -q "^- image: $PWD/guests/hello.bin\$" "$TMP/out"; then
	pass "check -v -- -x.yaml: a manifest named -x.yaml"
else
	fail "check -v -- -x.yaml: status $st"
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi
st=0
(cd "$TMP/dash" && "$mk" check -- -x.yaml -v) >"$TMP/out" 2>"$TMP/err" || st=$?
if [ "$st" -eq 2 ] && grep -q '^-v: ' "$TMP/err" && ! grep -q '^-x.yaml' "$TMP/err" &&
   [ ! -s "$TMP/out" ]; then
	pass "check -- -x.yaml -v: after '--', -v is a manifest's name"
else
	fail "check -- -x.yaml -v: status $st"
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi
st=0
(cd "$TMP/dash" && MINIKVM_KVM_DEVICE=$nokvm "$mk" run --no-color -- -x.yaml) \
	</dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
if [ "$st" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "^minikvm: $nokvm: " "$TMP/err"; then
	pass "run --no-color -- -x.yaml: the manifest is taken (no KVM then)"
else
	fail "run -- -x.yaml: status $st"
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi

# The synopsis, form by form, as shown: every option taken.
st=0
MINIKVM_KVM_DEVICE=$nokvm "$MINIKVM" run --set limits.timeout=1s --color=always --no-color \
	--trace --stats configs/hello.yaml </dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
r1=$st
st=0
MINIKVM_KVM_DEVICE=$nokvm "$MINIKVM" bench --set limits.timeout=1s --repeat 3 \
	--json "$TMP/b.json" configs/hello.yaml </dev/null >"$TMP/out" 2>>"$TMP/err" || st=$?
r2=$st
st=0
MINIKVM_KVM_DEVICE=$nokvm "$MINIKVM" doctor --json >"$TMP/d.json" 2>>"$TMP/err" || st=$?
r3=$st
st=0
MINIKVM_KVM_DEVICE=$nokvm "$MINIKVM" doctor --mode real >"$TMP/out" 2>>"$TMP/err" || st=$?
r4=$st
st=0
"$MINIKVM" --version >"$TMP/v" 2>>"$TMP/err" || st=$?
r5=$st
if [ "$r1$r2$r3$r4$r5" = 11110 ] && grep -q '"usable":false' "$TMP/d.json" &&
   grep -Eq '^minikvm [0-9]' "$TMP/v" && [ -f "$TMP/b.json" ] &&
   ! grep -q 'option\|try ' "$TMP/err"; then
	pass "run, bench, doctor --json, doctor --mode, --version: every option of the synopsis taken"
else
	fail "the synopsis as shown: statuses $r1 $r2 $r3 $r4 $r5, expected 1 1 1 1 0"
	sed 's/^/# stderr: /' "$TMP/err" | head -8
fi

# A refused command line creates no file: an unknown filter word is no
# file name, and files are opened only once the options and manifest
# are good.
mkdir "$TMP/cwd"
(cd "$TMP/cwd" &&
 "$mk" run --trace=IO "$top/configs/hello.yaml"
 "$mk" run --trace=io,bogus "$top/configs/hello.yaml"
 "$mk" run --stats=json:s.json --trace=file:t.txt --bogus "$top/configs/hello.yaml"
 "$mk" run --stats=json:s.json --trace=file:t.txt --help
 "$mk" run --stats=json:s.json --trace=file:t.txt no-such.yaml
 "$mk" bench --json b.json --repeat 0 "$top/configs/hello.yaml"
) </dev/null >/dev/null 2>&1
if [ -z "$(ls -A "$TMP/cwd")" ]; then
	pass "a refused command line creates no file (--trace=IO, --trace=io,bogus, a bad option, --help, a bad manifest)"
else
	fail "a refused command line created files: $(ls -A "$TMP/cwd" | tr '\n' ' ')"
fi

# A write error on standard output: one line, status 1.
st=0
"$MINIKVM" --help >/dev/full 2>"$TMP/err" || st=$?
if [ "$st" -eq 1 ] && [ "$(cat "$TMP/err")" = "minikvm: cannot write standard output: No space left on device" ]; then
	pass "--help >/dev/full: one line, status 1"
else
	fail "--help >/dev/full: status $st"
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi
st=0
"$MINIKVM" check -v configs/hello.yaml >/dev/full 2>"$TMP/err" || st=$?
if [ "$st" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q 'No space left on device' "$TMP/err"; then
	pass "check -v >/dev/full: one line, status 1"
else
	fail "check -v >/dev/full: status $st"
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi

# minikvm(1)'s SYNOPSIS and --help show the same options, command by
# command (and `minikvm COMMAND --help` the same again).
man_opts() {	# CMD: the SYNOPSIS's options for CMD ("": no command)
	perl -ne '
		BEGIN { $want = shift }
		$in = 1 if /^\.Sh SYNOPSIS/; $in = 0 if /^\.Sh DESCRIPTION/;
		next unless $in;
		if (/^\.Nm\s*$/) { $cmd = ""; next }
		$cmd = $1 if /^\.Cm (\S+)/;
		next unless $cmd eq $want;
		print "-$1\n" while /\bFl (-?[A-Za-z][\w-]*)/g;
	' "$1" man/minikvm.1 | sort -u | tr '\n' ' '
}
help_opts() {	# CMD FILE: the same from the usage lines atop FILE
	perl -ne '
		BEGIN { $want = shift }
		last if /^\s*$/;
		if (/minikvm(?: ([a-z]+))?/) { $cmd = defined $1 ? $1 : "" }
		next unless $cmd eq $want;
		s/^.*?minikvm(?: [a-z]+)?//;
		print "$1\n" while /(?<![\w-])(--?[A-Za-z][\w-]*)/g;
	' "$1" "$2" | sort -u | tr '\n' ' '
}
for c in run check doctor bench ""; do
	m=$(man_opts "$c")
	h=$(help_opts "$c" $cli/help.out)
	s=$h
	[ -n "$c" ] && s=$(help_opts "$c" $cli/$c.help)
	if [ -n "$m" ] && [ "$m" = "$h" ] && [ "$h" = "$s" ]; then
		pass "minikvm ${c:-(no command)}: SYNOPSIS and --help show the same options: $m"
	else
		fail "minikvm ${c:-(no command)}: SYNOPSIS shows '$m', --help '$h', $c --help '$s'"
	fi
done
