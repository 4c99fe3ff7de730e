#!/bin/sh
# The manifest loader, units and diagnostics, tested from C (TAP output).
exec "${TEST_MANIFEST:-build/test_manifest}" tests/manifests
