#!/bin/sh
# Guest set-up and tear-down, tested from C (tests/unit/test_guest.c).
exec "${TEST_GUEST:-build/test_guest}"
