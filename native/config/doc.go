// Package config owns sparkotel's settings: it parses every key the JVM passes (and the
// standard OTEL_* variables it honours) once, names each bad key with what it accepts, and
// renders the effective values the JVM side uses (Effective), so the two never disagree.
package config
