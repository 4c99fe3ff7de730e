#!/usr/bin/env python3
# Writes the broken ELF images used by tests/manifests/bad/6*-elf-*.yaml.
# Run from this folder; the .img files it writes are committed, so the
# tests need no Python.  Each image is a minimal ELF executable with one
# PT_LOAD segment holding `hlt`, broken in one way.
import struct

def elf32(machine=3, etype=2, phoff=52, phnum=1, entry=0x100000, segs=None):
    segs = segs if segs is not None else [(1, 0x1000, 0x100000, 1, 1)]
    eh = b'\x7fELF' + bytes([1, 1, 1]) + bytes(9)
    eh += struct.pack('<HHIIIIIHHHHHH', etype, machine, 1, entry, phoff, 0, 0,
                      52, 32, phnum, 0, 0, 0)
    ph = b''.join(struct.pack('<IIIIIIII', t, off, paddr, paddr, fs, ms, 5, 0x1000)
                  for (t, off, paddr, fs, ms) in segs)
    body = eh + ph
    return body + bytes(0x1000 - len(body)) + b'\xf4'

def elf64(machine=62, entry=0x100000):
    eh = b'\x7fELF' + bytes([2, 1, 1]) + bytes(9)
    eh += struct.pack('<HHIQQQIHHHHHH', 2, machine, 1, entry, 64, 0, 0,
                      64, 56, 1, 0, 0, 0)
    ph = struct.pack('<IIQQQQQQ', 1, 5, 0x1000, 0x100000, 0x100000, 1, 1, 0x1000)
    body = eh + ph
    return body + bytes(0x1000 - len(body)) + b'\xf4'

fixtures = {
    'good32': elf32(),
    'truncated': elf32()[:40],
    'phdr-past-end': elf32(phoff=0x2000),
    'outside-memory': elf32(segs=[(1, 0x1000, 0x10000000, 1, 1)]),
    'overlap': elf32(phnum=2, segs=[(1, 0x1000, 0x100000, 1, 0x2000),
                                   (1, 0x1000, 0x101000, 1, 1)]),
    'offset-overflow': elf32(segs=[(1, 0xfffffff0, 0x100000, 0x20, 0x20)]),
    'filesz-memsz': elf32(segs=[(1, 0x1000, 0x100000, 2, 1)]),
    'entry-outside': elf32(entry=0x200000),
    'machine-arm': elf32(machine=40),
    'relocatable': elf32(etype=1),
    'no-load': elf32(segs=[(4, 0x1000, 0x100000, 1, 1)]),
    'class64': elf64(),
}
for name, data in fixtures.items():
    with open(name + '.img', 'wb') as f:
        f.write(data)
