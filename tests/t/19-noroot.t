#!/bin/sh
# No root needed (README.md, Security): minikvm needs read-write access to
# /dev/kvm and the files the manifest names, nothing else.  Run as root
# (as make check is in CI), this makes a system user in the kvm group
# (the group too, if missing, as Debian's udev rule would have it), gives
# the group /dev/kvm as Debian does (root:kvm 0660; the old owner and mode
# are put back at the end), and as that user runs the end-to-end suite
# (tests/t/30-run.t) and checks that a manifest or a disk image the user
# cannot read is a located manifest error (status 2), not a crash.
. tests/lib.sh
plan 4
user=minikvm-noroot
kvm=${MINIKVM_KVM_DEVICE:-/dev/kvm}

skip_all() {
	for t in "30-run.t as an unprivileged user" "an unreadable manifest" \
		"an unreadable image" "minikvm needs no more than /dev/kvm"; do
		$1 "$t" "$2"
	done
	exit 0
}
kvm_usable || skip_all kvm_skip "/dev/kvm is not usable here"
[ "$(id -u)" -eq 0 ] || skip_all skip_or_fail "making a user needs root (CI runs make check as root)"
for c in useradd userdel groupadd setpriv; do
	command -v "$c" >/dev/null 2>&1 || skip_all skip_or_fail "no $c here"
done

made_group=
if ! getent group kvm >/dev/null; then
	groupadd --system kvm || skip_all fail "groupadd kvm failed"
	made_group=yes
fi
getent passwd "$user" >/dev/null && userdel "$user" 2>/dev/null
useradd --system --no-create-home --gid nogroup --groups kvm --shell /usr/sbin/nologin "$user" ||
	skip_all fail "useradd $user failed"
old=$(stat -c '%u:%g %a' "$kvm")
cleanup() {
	chown "${old% *}" "$kvm"
	chmod "${old#* }" "$kvm"
	userdel "$user" 2>/dev/null
	[ -z "$made_group" ] || groupdel kvm 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
chgrp kvm "$kvm" && chmod 0660 "$kvm"

# as_user CMD...: CMD as the user, in its groups, from a copy of what it
# needs to read (the repository may sit under a folder only root enters)
w=$(mktemp -d /tmp/minikvm-noroot.XXXXXX)
chmod 755 "$w"
cp "$MINIKVM" "$w/minikvm"
tar cf - configs guests tests/guests tests/e2e tests/lib.sh tests/t/30-run.t schemas | (cd "$w" && tar xf -)
as_user() {
	(cd "$w" && setpriv --reuid="$user" --regid=nogroup --init-groups --reset-env -- \
		env MINIKVM="$w/minikvm" PATH=/usr/bin:/bin SHELL=/bin/sh "$@")
}

as_user sh tests/t/30-run.t >"$TMP/tap" 2>&1
planned=$(sed -n 's/^1\.\.\([0-9]*\)/\1/p' "$TMP/tap")
oks=$(grep -c '^ok' "$TMP/tap")
if [ -n "$planned" ] && [ "$oks" -eq "$planned" ] && ! grep -q '^not ok' "$TMP/tap"; then
	pass "30-run.t as $user (not root, in the kvm group): $oks tests pass"
else
	fail "30-run.t as $user: $oks of ${planned:-?} pass"
	grep -A3 '^not ok' "$TMP/tap" | head -20 | sed 's/^/# /'
fi

# what the user cannot read: a located error, status 2
cp configs/hello.yaml "$w/configs/secret.yaml"
chmod 600 "$w/configs/secret.yaml"
st=0
as_user ./minikvm run configs/secret.yaml >"$TMP/out" 2>"$TMP/err" || st=$?
if [ "$st" -eq 2 ] && grep -q '^configs/secret.yaml: error: .*[Pp]ermission denied' "$TMP/err"; then
	pass "an unreadable manifest: status 2, $(head -1 "$TMP/err")"
else
	fail "an unreadable manifest: status $st"
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi
chmod 600 "$w/guests/hello.bin"
st=0
as_user ./minikvm run configs/hello.yaml >"$TMP/out" 2>"$TMP/err" || st=$?
if [ "$st" -eq 2 ] && grep -q '^configs/hello.yaml:[0-9]*:[0-9]*: error: .*[Pp]ermission denied' "$TMP/err"; then
	pass "an unreadable image: status 2, $(head -1 "$TMP/err")"
else
	fail "an unreadable image: status $st"
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi
chmod 644 "$w/guests/hello.bin"

# and nothing more: without /dev/kvm's group, the user is refused, status 1
chmod 0600 "$kvm"
st=0
as_user ./minikvm run configs/hello.yaml >"$TMP/out" 2>"$TMP/err" || st=$?
if [ "$st" -eq 1 ] && grep -q "$kvm" "$TMP/err"; then
	pass "minikvm needs no more than /dev/kvm: without it, status 1, $(head -1 "$TMP/err")"
else
	fail "without /dev/kvm: status $st"
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi
rm -rf "$w"
