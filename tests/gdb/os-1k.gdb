# The 1K OS (32-bit paging, higher-half kernel) under gdb: a breakpoint at
# the timer's handler, the stack from an interrupt, CR0.PG and CR3,
# kernel variables at higher-half addresses, single steps, to the end.
set pagination off
set confirm off
set osabi none
file os-1k/kernel.elf
target remote 127.0.0.1:@PORT@
break timer_tick
continue
bt 2
print/x $cr0 & 0x80000001
print ($cr3 & 0xfff) == 0
print ticks
x/2i $pc
stepi
stepi
print ticks
delete
detach
