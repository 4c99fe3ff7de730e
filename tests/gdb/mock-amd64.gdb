# gdb against gdb-mock in 64-bit code: the amd64 description (r8-r15,
# CR0, EFER), a breakpoint, continue past the last one (the run ends).
set pagination off
set confirm off
set remotetimeout 60
set osabi none
target remote 127.0.0.1:@PORT@
show architecture
print/x $pc
print/x $r15
print/x $cr0
print/x $efer
info registers rip
break *0x7c20
continue
print/x $pc
delete
continue
