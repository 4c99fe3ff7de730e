#!/usr/bin/perl
# rsp-client.pl ADDRESS SCRIPT - a raw GDB remote-protocol client for the
# gdb tests (tests/t/41-gdb.t), for what gdb itself does not do: Ctrl-C
# at a chosen moment, bad checksums, garbage, floods, a second client, a
# debugger that goes away mid-packet.  ADDRESS is a TCP port on 127.0.0.1
# or unix:PATH.  SCRIPT is a file of lines:
#   send PAYLOAD     a packet "$PAYLOAD#cs"; the stub's "+" is expected
#   expect REGEXP    the next reply's payload must match REGEXP
#   raw BYTES        bytes as they are, \xHH for any byte
#   ack              the next byte must be "+";  nak: must be "-"
#   noreply          no reply to expect for the last send (c, s, k)
#   flood N PAYLOAD  N packets sent at once, then their N replies read
#   second           a second connection: it must be closed at once
#   overlong N       a packet of N payload bytes ("m" N times): "-" expected
#   close            closes the connection (the rest is not run)
# Each line done prints one line of transcript ("ok LINE" or "FAIL LINE:
# why") on stdout; the status is 1 if any failed.  Perl core only.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Socket::UNIX;

my ($address, $script) = @ARGV;

sub connect_stub {
	return IO::Socket::UNIX->new(Peer => $1, Type => SOCK_STREAM)
		if $address =~ /^unix:(.*)$/;
	return IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $address,
				     Proto => 'tcp', Timeout => 30);
}
my $s = connect_stub() or die "connect $address: $!\n";
binmode $s;
my $failed = 0;

sub getbyte {
	my $b = '';
	my $rin = '';
	vec($rin, fileno($s), 1) = 1;
	return undef unless select(my $rout = $rin, undef, undef, 120);
	return sysread($s, $b, 1) == 1 ? $b : undef;
}

# the next packet's payload (acks before it skipped); undef at EOF
sub reply {
	my $c;
	do { $c = getbyte(); return undef unless defined $c } while $c ne '$';
	my $p = '';
	while (defined($c = getbyte()) && $c ne '#') { $p .= $c }
	return undef unless defined $c;
	my $cs = (getbyte() // '') . (getbyte() // '');
	my $sum = 0;
	$sum += ord($_) for split //, $p;
	return sprintf('%02x', $sum % 256) eq lc $cs ? $p : "BAD-CHECKSUM:$p";
}

sub packet {
	my $p = shift;
	my $sum = 0;
	$sum += ord($_) for split //, $p;
	return sprintf('$%s#%02x', $p, $sum % 256);
}

open(my $f, '<', $script) or die "$script: $!\n";
LINE: while (my $line = <$f>) {
	chomp $line;
	next if $line =~ /^\s*(#|$)/;
	my ($cmd, $arg) = split / /, $line, 2;
	$arg //= '';
	my $why = '';
	if ($cmd eq 'send') {
		syswrite($s, packet($arg));
		my $a = getbyte() // 'EOF';
		$why = "no ack: got $a" if $a ne '+';
	} elsif ($cmd eq 'expect') {
		my $r = reply();
		$why = defined $r ? ($r =~ /^(?:$arg)$/ ? '' : "got '$r'") : 'EOF';
	} elsif ($cmd eq 'raw') {
		(my $bytes = $arg) =~ s/\\x([0-9a-fA-F]{2})/chr hex $1/ge;
		syswrite($s, $bytes);
	} elsif ($cmd eq 'ack' || $cmd eq 'nak') {
		my $a = getbyte() // 'EOF';
		my $want = $cmd eq 'ack' ? '+' : '-';
		$why = "got $a" if $a ne $want;
	} elsif ($cmd eq 'flood') {
		my ($n, $p) = split / /, $arg, 2;
		syswrite($s, packet($p) x $n);
		my $got = 0;
		for (1 .. $n) {
			my $r = reply();
			last unless defined $r;
			$got++ if $r !~ /^BAD/;
		}
		$why = "$got of $n replies" if $got != $n;
	} elsif ($cmd eq 'second') {
		my $t = connect_stub();
		if (!$t) {
			$why = "connect: $!";
		} else {
			my $b = '';
			my $rin = '';
			vec($rin, fileno($t), 1) = 1;
			select(my $rout = $rin, undef, undef, 120);
			my $n = sysread($t, $b, 1);
			$why = "the second connection got data" if $n;
			close $t;
		}
	} elsif ($cmd eq 'overlong') {
		syswrite($s, '$' . ('m' x $arg) . '#00');
		my $a = getbyte() // 'EOF';
		$why = "got $a" if $a ne '-';
	} elsif ($cmd eq 'noreply') {
	} elsif ($cmd eq 'close') {
		print "ok $line\n";
		close $s;
		last LINE;
	} else {
		die "$script: unknown command $cmd\n";
	}
	if ($why eq '') {
		print "ok $line\n";
	} else {
		print "FAIL $line: $why\n";
		$failed = 1;
	}
}
exit $failed;
