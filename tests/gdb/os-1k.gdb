# The 1K OS (32-bit paging, higher-half kernel) under gdb, stopped where
# it idles: CR0.PG and CR3, kernel variables and code at higher-half
# addresses (through its page tables), single steps, detach.  (Where the
# attach finds it depends on timing, so nothing printed depends on the
# PC.  A breakpoint continued to is in README.md's walk-through, which
# 80-docs.t runs: here, in the lab, whose KVM serves breakpoints only by
# single-stepping, continuing to one in the idle loop now and then never
# arrived, the cause not found.)
set pagination off
set confirm off
set remotetimeout 60
set osabi none
file os-1k/kernel.elf
target remote 127.0.0.1:@PORT@
print/x $cr0 & 0x80000001
print ($cr3 & 0xfff) == 0
print ticks > 0
print &ticks
print kernel_pd[512] != 0
x/2xb schedule
pipe stepi | cat >/dev/null
pipe stepi | cat >/dev/null
print ticks > 0
detach
