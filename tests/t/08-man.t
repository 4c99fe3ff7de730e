#!/bin/sh
# The manual pages: every man/*.[157] page lints clean with mandoc and
# renders with man-db's man; and minikvm.yaml(5) documents exactly the
# fields of the manifest schema in src/manifest/manifest.c.
# Needs the Debian packages mandoc and man-db.
. tests/lib.sh
pages=$(ls man/*.[157] 2>/dev/null)
n=$(echo "$pages" | grep -c .)
plan $((2 * n + 1))

# lint_filter: mandoc's messages on stdin, less the two it gives for a
# cross reference to a page that is not installed (or not indexed) on this
# host: such an .Xr is fine when the page it names is one of man/.
lint_filter() {
	while IFS= read -r line; do
		case $line in
		*"STYLE: referenced manual not found: Xr "*)
			set -- ${line##*: Xr }		# NAME SEC [(N times)]
			[ -f "man/$1.$2" ] && continue
			;;
		*"outdated mandoc.db lacks "*)
			xr=${line##*lacks }		# NAME(SEC) entry, ...
			xr=${xr%%)*}
			[ -f "man/${xr%%(*}.${xr#*(}" ] && continue
			;;
		esac
		printf '%s\n' "$line"
	done
}

for page in $pages; do
	if ! command -v mandoc >/dev/null 2>&1; then
		fail "mandoc -T lint $page (mandoc is not installed: apt-get install mandoc)"
	else
		mandoc -T lint "$page" 2>&1 | lint_filter >"$TMP/lint"
		if [ ! -s "$TMP/lint" ]; then
			pass "mandoc -T lint $page prints nothing"
		else
			fail "mandoc -T lint $page"
			sed 's/^/# /' "$TMP/lint" | head -20
		fi
	fi

	if ! command -v man >/dev/null 2>&1; then
		fail "man -l $page (man is not installed: apt-get install man-db)"
	else
		st=0
		MANWIDTH=80 MANPAGER=cat PAGER=cat man -l "$page" >"$TMP/out" 2>"$TMP/err" || st=$?
		if [ "$st" -eq 0 ] && [ -s "$TMP/out" ] && [ ! -s "$TMP/err" ]; then
			pass "man -l $page renders"
		else
			fail "man -l $page: status $st"
			sed 's/^/# stderr: /' "$TMP/err" | head -10
		fi
	fi
done

# The schema's keys, from each `static const cyaml_schema_field_t X_fields[]`
# of src/manifest/manifest.c: top-level (manifest_fields) and vCPU (vcpu_fields) keys
# as they are, the keys of the nested mappings as X.key (timer.period).
awk '
/^static const cyaml_schema_field_t [a-z_]+_fields\[\]/ {
	s = $4; sub(/_fields\[\].*/, "", s)
	pre = (s == "manifest" || s == "vcpu") ? "" : s == "disk" ? "disks[]." : s "."
	inside = 1
	next
}
inside && /CYAML_FIELD_END/ { inside = 0; next }
inside && match($0, /CYAML_FIELD_[A-Z_]+\("[^"]+"/) {
	k = substr($0, RSTART, RLENGTH); sub(/^[^"]*"/, "", k); sub(/"$/, "", k)
	print pre k
}' src/manifest/manifest.c | sort -u >"$TMP/schema"
# The fields the page documents: its `.It Ic FIELD` items.
awk '$1 == ".It" && $2 == "Ic" { print $3 }' man/minikvm.yaml.5 | sort -u >"$TMP/doc"
undocumented=$(comm -23 "$TMP/schema" "$TMP/doc" | tr '\n' ' ' | sed 's/ $//')
unknown=$(comm -13 "$TMP/schema" "$TMP/doc" | tr '\n' ' ' | sed 's/ $//')
if ! grep -qx vcpus "$TMP/schema" || ! grep -qx image "$TMP/schema"; then
	fail "minikvm.yaml(5) against the schema: no schema fields found in src/manifest/manifest.c"
elif [ -z "$undocumented$unknown" ]; then
	pass "minikvm.yaml(5) documents the $(grep -c . "$TMP/schema") fields of the schema in src/manifest/manifest.c, and no others"
else
	fail "minikvm.yaml(5) against the schema in src/manifest/manifest.c"
	[ -n "$undocumented" ] && diag "not documented as .It Ic FIELD: $undocumented"
	[ -n "$unknown" ] && diag "documented but not in the schema: $unknown"
fi
exit 0
