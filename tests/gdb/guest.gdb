# tests/gdb/guest.c (@ELF@) under gdb: a breakpoint at a function by name,
# the stack, variables, finish, to the end.
set pagination off
set confirm off
set remotetimeout 60
set osabi none
file tests/gdb/@ELF@
target remote 127.0.0.1:@PORT@
break square
continue
bt
print x
finish
next
print sum
print counter
delete
continue
