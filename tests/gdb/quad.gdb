# configs/quad.yaml under gdb: four guests are four threads; switch to one,
# look at it, let them all run to their end.
set pagination off
set confirm off
set remotetimeout 60
set osabi none
target remote 127.0.0.1:@PORT@
info threads
thread 3
print/x $pc
stepi
print/x $pc
continue
