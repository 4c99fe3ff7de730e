# gdb against the protocol layer over a made-up target (gdb-mock): two
# real-mode processors at 0x7C00, no KVM needed.  i8086 disassembly at a
# linear PC, registers, memory, threads, a breakpoint, kill.
set pagination off
set confirm off
set remotetimeout 60
set osabi none
target remote 127.0.0.1:@PORT@
set architecture i8086
print/x $pc
print/x $eflags
x/3i 0x7c40
x/s 0x7d00
info threads
stepi
print/x $pc
thread 2
print/x $ax
set var $ax = 0x4321
print/x $ax
set var *(char *)0x7d00 = 'H'
x/s 0x7d00
break *0x7c10
continue
print/x $pc
x/2xb 0x7c10
print/x $cr0
print $efer
kill
