# minikvm.bash - bash completion for minikvm(1): the commands, each
# command's long options and the values they take, and manifests (*.yaml,
# *.yml and the folders on the way to them) as operands.
#
# `make install` puts it where bash-completion looks for it, which loads it
# the first time minikvm is completed; without bash-completion, source it
# from ~/.bashrc.  The option lists are written out below rather than read
# from `minikvm COMMAND --help` at each Tab, which would run whatever
# minikvm is first on PATH; tests/t/17-completion.t checks them against
# each --help, and the value lists against minikvm's own error messages.

# _minikvm_options COMMAND: its long options.  One whose value is optional
# is offered bare and with its '=' (--trace, --trace=LIST); --color with
# its '=', as its --help writes it; the others take their value, if any,
# as the next word.
_minikvm_options()
{
	case $1 in
	run) echo --set --color= --no-color --trace --trace= --stats --stats= --gdb --gdb= --no-sandbox --help ;;
	check) echo --verbose --set --help ;;
	doctor) echo --json --mode --help ;;
	bench) echo --set --repeat --json --help ;;
	esac
}

# _minikvm_add COMPGEN-ARGUMENTS...: appends compgen's words to COMPREPLY,
# one a line (so that a file name may hold blanks).
_minikvm_add()
{
	local w
	while IFS= read -r w; do
		COMPREPLY+=("$w")
	done < <(compgen "$@")
}

# _minikvm_files [yaml]: the files, or the manifests, matching $cur, and
# folders; with bash-completion's _filedir (quoting, ~) if it is loaded.
_minikvm_files()
{
	if declare -F _filedir >/dev/null; then
		if [[ $1 ]]; then _filedir '@(yaml|yml)'; else _filedir; fi
		return
	fi
	compopt -o filenames 2>/dev/null	# a folder gets a '/'
	if [[ $1 ]]; then
		_minikvm_add -d -- "$cur"
		_minikvm_add -f -X '!*.yaml' -- "$cur"
		_minikvm_add -f -X '!*.yml' -- "$cur"
	else
		_minikvm_add -f -- "$cur"
	fi
}

# _minikvm_file_after PREFIX: completes $cur as PREFIX then a file name
# (json:FILE): PREFIX until it is typed, then the files.
_minikvm_file_after()
{
	if [[ $cur == "$1"* ]]; then
		cur=${cur#"$1"}
		_minikvm_files
	else
		_minikvm_add -W "$1" -- "$cur"
	fi
}

# _minikvm_value COMMAND OPTION: completes $cur as OPTION's value.  The
# part of a value up to a ':' is left as it is: bash replaces only the text
# after the last ':' (one of COMP_WORDBREAKS, as '=' is).
_minikvm_value()
{
	case $1:$2 in
	run:--color)
		_minikvm_add -W 'always never auto' -- "$cur" ;;
	run:--trace)	# a comma-separated list; file:PATH comes last
		local done=${cur%"${cur##*,}"} last=${cur##*,}
		if [[ $last == file:* ]]; then
			cur=${last#file:}
			_minikvm_files
		else
			_minikvm_add -P "$done" -W 'io mmio hlt other all file:' -- "$last"
		fi ;;
	run:--stats)
		_minikvm_file_after json: ;;
	run:--gdb)	# HOST:PORT is the user's to choose; unix:PATH a socket
		_minikvm_file_after unix: ;;
	doctor:--mode)
		_minikvm_add -W 'real protected protected+paging protected+interrupts long' -- "$cur" ;;
	bench:--json)
		_minikvm_files ;;
	esac	# --set PATH=VALUE, --repeat N: nothing to offer
}

# _minikvm: the completion function.  It sets cur (the word at the
# cursor), prev, words, cword and split as bash-completion's
# _init_completion does (--opt=value split into prev and cur), or, without
# bash-completion, from the line cut at blanks (quotes are not taken).
_minikvm()
{
	local cur prev words cword split=false i
	if declare -F _init_completion >/dev/null; then
		_init_completion -s -n : || return
	else
		COMPREPLY=()
		read -ra words <<<"${COMP_LINE:0:COMP_POINT}"
		[[ ${COMP_LINE:0:COMP_POINT} == *[[:blank:]] ]] && words+=('')
		cword=$((${#words[@]} - 1))
		((cword > 0)) || return
		cur=${words[cword]} prev=${words[cword - 1]}
		if [[ $cur == --?*=* ]]; then
			prev=${cur%%=*} cur=${cur#*=} split=true
		fi
	fi
	local cmd=${words[1]} options=true
	for ((i = 2; i < cword; i++)); do
		[[ ${words[i]} == -- ]] && options=false	# '--' ends them
	done

	if ((cword == 1)); then		# minikvm's own options end it
		if [[ $cur == -* ]]; then
			_minikvm_add -W '--help --version' -- "$cur"
		else
			_minikvm_add -W 'run check doctor bench' -- "$cur"
		fi
	elif [[ $split == true ]]; then	# --option=value
		_minikvm_value "$cmd" "$prev"
	elif [[ " run:--set run:--color check:--set doctor:--mode bench:--set bench:--repeat bench:--json " == *" $cmd:$prev "* ]]; then
		# the options that must have a value may take it as the next word
		_minikvm_value "$cmd" "$prev"
	elif [[ $cur == -* && $options == true ]]; then
		_minikvm_add -W "$(_minikvm_options "$cmd")" -- "$cur"
	elif [[ $cmd == run || $cmd == check || $cmd == bench ]]; then
		_minikvm_files yaml
	fi
	# an option or a value that goes on (--color=, json:) gets no space after it
	if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *[=:] ]]; then
		compopt -o nospace 2>/dev/null
	fi
	return 0
}
complete -F _minikvm minikvm
