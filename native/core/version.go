package core

// Version is the core's version, overridden at link time by the Makefile (-X).
var Version = "dev"
