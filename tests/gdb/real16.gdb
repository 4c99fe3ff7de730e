# A real-mode guest at 0x7C00 under gdb: linear PC, 16-bit code,
# registers, a string, a breakpoint, a write watchpoint, to the end.
set pagination off
set confirm off
set remotetimeout 60
set osabi none
target remote 127.0.0.1:@PORT@
set architecture i8086
print/x $pc
x/3i $pc
stepi
stepi
stepi
print/x $ax
print/x $cs
print/x $pc
x/s 0x7c82
break *0x7c0d
continue
print/x $pc
delete
watch *(short *)0x7c80
continue
continue
delete
continue
