package pagetrim

/*
#define _GNU_SOURCE
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

struct sotel_trim { uintptr_t self; uintptr_t page; int pagemap; int found; int textrel; size_t dropped; int errors; };

static void sotel_drop(struct sotel_trim *t, uintptr_t lo, uintptr_t hi) {
	if (lo >= hi) return;
	if (madvise((void *)lo, hi - lo, MADV_DONTNEED) == 0) t->dropped += hi - lo;
	else t->errors++;
}

// Drops [lo, hi) except the pages someone wrote since load: a debugger's breakpoint or a
// uprobe (perf probe, bpftrace) replaces a code page with a private copy, which dropping
// would silently undo. /proc/self/pagemap tells them apart: present, and not a file page
// (bit 61, Linux 3.5 on). Without it every page is dropped.
static void sotel_drop_unwritten(struct sotel_trim *t, uintptr_t lo, uintptr_t hi) {
	if (t->pagemap < 0) { sotel_drop(t, lo, hi); return; }
	uint64_t entries[512];
	uintptr_t run = lo; // start of the pages not yet dropped or kept
	for (uintptr_t at = lo; at < hi;) {
		size_t n = (hi - at) / t->page;
		if (n > 512) n = 512;
		ssize_t got = pread(t->pagemap, entries, n * sizeof entries[0], (off_t)(at / t->page * sizeof entries[0]));
		if (got <= 0) { sotel_drop(t, run, hi); return; }
		n = (size_t)got / sizeof entries[0];
		for (size_t i = 0; i < n; i++, at += t->page) {
			int present = (entries[i] >> 63) & 1, file = (entries[i] >> 61) & 1;
			if (present && !file) { sotel_drop(t, run, at); run = at + t->page; }
		}
	}
	sotel_drop(t, run, hi);
}

// A range [lo, hi) minus the pages of every writable or RELRO range, dropped piece by piece.
static void sotel_trim_range(struct sotel_trim *t, struct dl_phdr_info *info, uintptr_t lo, uintptr_t hi) {
	for (int i = 0; i < info->dlpi_phnum && lo < hi; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		int written = (ph->p_type == PT_LOAD && (ph->p_flags & PF_W)) || ph->p_type == PT_GNU_RELRO;
		if (!written) continue;
		// Rounded outwards: a page shared with a written range is kept.
		uintptr_t wlo = (info->dlpi_addr + ph->p_vaddr) & ~(t->page - 1);
		uintptr_t whi = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + t->page - 1) & ~(t->page - 1);
		if (whi <= lo || wlo >= hi) continue;
		if (wlo > lo) sotel_trim_range(t, info, lo, wlo);
		lo = whi;
	}
	sotel_drop_unwritten(t, lo, hi);
}

static int sotel_trim_visit(struct dl_phdr_info *info, size_t size, void *data) {
	struct sotel_trim *t = data;
	int ours = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && t->self >= lo && t->self < lo + ph->p_memsz) ours = 1;
	}
	if (!ours) return 0;
	t->found = 1;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_DYNAMIC) continue;
		for (const ElfW(Dyn) *d = (const ElfW(Dyn) *)(info->dlpi_addr + ph->p_vaddr); d->d_tag != DT_NULL; d++) {
			if (d->d_tag == DT_TEXTREL || (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL))) t->textrel = 1;
		}
	}
	if (t->textrel) return 1; // the loader wrote into code: nothing here is the file's any more
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W)) continue;
		// Rounded inwards, and only the part backed by the file.
		uintptr_t lo = (info->dlpi_addr + ph->p_vaddr + t->page - 1) & ~(t->page - 1);
		uintptr_t hi = (info->dlpi_addr + ph->p_vaddr + ph->p_filesz) & ~(t->page - 1);
		if (lo < hi) sotel_trim_range(t, info, lo, hi);
	}
	return 1;
}

static void sotel_trim_self(struct sotel_trim *t) {
	t->self = (uintptr_t)&sotel_trim_self;
	t->page = (uintptr_t)sysconf(_SC_PAGESIZE);
	t->pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	dl_iterate_phdr(sotel_trim_visit, t);
	if (t->pagemap >= 0) close(t->pagemap);
}
*/
import "C"

import "fmt"

// ReadOnly drops the resident pages of the read-only segments of the object this code is
// linked into (the library in a JVM, the executable in a test) and returns how many bytes
// of address space it advised. Call it once start-up is over; calling it again is harmless.
func ReadOnly() (int64, error) {
	var t C.struct_sotel_trim
	C.sotel_trim_self(&t)
	switch {
	case t.found == 0:
		return 0, fmt.Errorf("own object not found among the loaded ones")
	case t.textrel != 0:
		return 0, fmt.Errorf("object has text relocations: its code pages are not the file's")
	case t.errors != 0:
		return int64(t.dropped), fmt.Errorf("madvise failed on %d ranges", int(t.errors))
	}
	return int64(t.dropped), nil
}
