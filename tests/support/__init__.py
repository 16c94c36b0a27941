"""Test helpers shared by the suites: a scripted transport and a fake clock."""
