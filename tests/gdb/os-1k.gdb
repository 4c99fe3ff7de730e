# The 1K OS (32-bit paging, higher-half kernel) under gdb: a breakpoint at
# the scheduler its idle loop calls, the stack, CR0.PG and CR3, kernel
# variables at higher-half addresses, single steps, detach.  (A breakpoint
# in an interrupt handler, timer_tick, is not used: where breakpoints are
# served by single-stepping, as in the lab, a handler runs unstepped, its
# trap flag cleared by the interrupt.)
set pagination off
set confirm off
set remotetimeout 60
set osabi none
file os-1k/kernel.elf
target remote 127.0.0.1:@PORT@
break schedule
continue
bt 2
print/x $cr0 & 0x80000001
print ($cr3 & 0xfff) == 0
print current->pid
print ticks > 0
print &ticks
x/2i $pc
stepi
stepi
delete
detach
