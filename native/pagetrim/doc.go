// Package pagetrim hands back the pages of the core's own read-only segments that only
// start-up used.
//
// Why: loading the library and starting gRPC touch most of its code, its function tables
// (.gopclntab) and its relocation table once: package initialisers, relocation at load,
// connection set-up. The kernel maps up to 64 KB around each page fault, so about 8 MB of
// the file end up in every executor's RSS. Dropping those mappings once start-up is over
// leaves what the cycle faults straight back in from the page cache (5.6 MB, exporting over
// OTLP every second; 1.8 MB with no exporter).
//
// Only segments the ELF file says are never written are dropped: loadable, without the
// write flag, outside the RELRO range, and only when the object has no text relocations.
// Their pages are the file's, so dropping them loses nothing (MADV_DONTNEED on a private
// file mapping nobody wrote); pages a relocation wrote are anonymous copies and are never
// touched here. Nor is a page written since load, such as a debugger's breakpoint or a
// uprobe (perf probe, bpftrace): /proc/self/pagemap shows it as a private copy, and dropping
// it would silently remove the probe.
package pagetrim
