#!/bin/sh
# The end-to-end suite inside the lab VM (tests/lab/): KVM with real
# hardware-virtualisation semantics.  Needs `make lab-image` first.
exec tests/lab/run-lab
