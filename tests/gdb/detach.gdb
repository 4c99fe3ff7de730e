# Attach, look, detach: the guest runs on to its end as without gdb.
set pagination off
set confirm off
set remotetimeout 60
set osabi none
target remote 127.0.0.1:@PORT@
print/x $pc
detach
