#!/bin/sh
# Bash completion (src/cli/minikvm.bash): each line of
# tests/completion/cases, completed as bash would (tests/completion/complete)
# with bash-completion's helpers and with the script's plain fallback; then
# that the lists written in the script are minikvm's own: the commands and
# each command's long options as --help lists them, the values of --color,
# --trace and --mode as their error messages list them.  No KVM needed.
# Needs bash, and the Debian package bash-completion for the first half.
. tests/lib.sh
cases=$(grep -v '^#' tests/completion/cases | grep -c .)
plan $((2 * cases + 8))
top=$PWD
script=$top/src/cli/minikvm.bash
case $MINIKVM in
/*) mk=$MINIKVM ;;
*) mk=$top/$MINIKVM ;;
esac

# completions [--plain] SCRIPT LINE: the completions offered, on one line
completions() {
	"$top/tests/completion/complete" "$@" 2>&1 | tr '\n' ' ' | sed 's/ $//'
}

# The cases run where the file names they expect are.
mkdir "$TMP/files" "$TMP/files/sub"
touch "$TMP/files/a.yaml" "$TMP/files/b.yml" "$TMP/files/c.txt" "$TMP/files/sub/d.yaml"
cd "$TMP/files" || exit 1
for how in bash-completion plain; do
	while IFS= read -r c; do
		case $c in "#"*) continue ;; esac
		line=${c%%<TAB> =>*}
		want=${c#*<TAB> =>}
		want=${want# }
		if [ "$how" = bash-completion ] && [ ! -f /usr/share/bash-completion/bash_completion ]; then
			skip_or_fail "$line<TAB> with bash-completion" "bash-completion is not installed"
			continue
		fi
		opt=
		[ "$how" = plain ] && opt=--plain
		got=$(completions $opt "$script" "$line")
		if [ "$got" = "$want" ]; then
			pass "$line<TAB> ($how): ${want:-nothing}"
		else
			fail "$line<TAB> ($how): '$got', expected '$want'"
		fi
	done <"$top/tests/completion/cases"
done
cd "$top" || exit 1

# words TEXT: its words, one a line, sorted, each once
words() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed '/^$/d' | LC_ALL=C sort -u
}
# lists_match WHAT FROM_MINIKVM COMPLETED: the same words, in any order
lists_match() {
	words "$2" >"$TMP/want"
	words "$3" >"$TMP/got"
	if cmp -s "$TMP/want" "$TMP/got"; then
		pass "$1: $(paste -sd ' ' "$TMP/want")"
	else
		fail "$1"
		diff "$TMP/want" "$TMP/got" |
			sed -n 's/^< /# minikvm has, completion lacks: /p; s/^> /# completion has, minikvm lacks: /p'
	fi
}

# the commands: the lines "  NAME  what it does" of minikvm --help
lists_match "the commands of minikvm --help" \
	"$("$mk" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')" \
	"$(completions --plain "$script" "minikvm ")"
# each command's long options: the lines "  [-x, ]--NAME..." of its --help
# (NAME= offered for NAME is the same option)
for c in run check doctor bench; do
	lists_match "the long options of minikvm $c --help" \
		"$("$mk" $c --help | sed -n 's/^  \(-., \)\{0,1\}\(--[a-z-]*\).*/\2/p')" \
		"$(completions --plain "$script" "minikvm $c --" | sed 's/=//g')"
done
# the values: "expected A, B or C" in the error for a bad one
for o in run:--color run:--trace doctor:--mode; do
	c=${o%%:*} o=${o#*:}
	"$mk" "$c" "$o=bad" >/dev/null 2>"$TMP/err"
	lists_match "the values of $c $o in its error message" \
		"$(sed -e 's/.*expected //' -e 's/)\{0,1\} (try .*//' -e 's/,//g; s/ or / /; s/:PATH/:/' "$TMP/err")" \
		"$(completions --plain "$script" "minikvm $c $o=")"
done
exit "$TAP_FAILED"
