#ifndef SPOTSIM_PRICING_H
#define SPOTSIM_PRICING_H
/*
 * pricing — the Fargate price table and what a task costs.
 *
 * A price table is read from a CSV file (data/pricing.csv by default) with a
 * header row and these columns, in any order:
 *   region, provider, os, arch, vcpu_hour, gb_hour, storage_gb_hour,
 *   os_license_vcpu_hour, as_of, source, derived       (all required)
 *   storage_derived                                    (optional)
 * One row per (region, provider, os, arch); provider FARGATE|FARGATE_SPOT,
 * os LINUX|WINDOWS (or an AWS operatingSystemFamily name), arch
 * X86_64|ARM64. Rates are USD per hour, finite and >= 0;
 * os_license_vcpu_hour is 0 for LINUX. `derived` is "yes" when the vCPU,
 * memory or OS licence rate was computed by spotsim (for example ARM at
 * 0.8 x the x86 rate) rather than published, else "no". `storage_derived`
 * says the same of storage_gb_hour alone (only us-east-1's ephemeral storage
 * rate is known, so other regions reuse it); when the column is absent it
 * takes the row's `derived` value. `as_of` (the date the figures were
 * taken) must not be empty; `source` is free text.
 *
 * Cost of one task run (SPEC 4.2):
 *   billed = max(minimum, ceil(run seconds))          minimum 60 s Linux, 300 s Windows
 *   cost   = billed / 3600 x (vCPU x vcpu_hour + GiB x gb_hour
 *            + max(0, storage GiB - 20) x storage_gb_hour [+ vCPU x os_license_vcpu_hour])
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spotsim/util/diag.h"
#include "spotsim/model/fargate.h"
#include "spotsim/engine/simtime.h"

struct price_rate {
	char *region; /* owned, e.g. "us-east-1" */
	enum provider provider;
	enum os_family os;
	enum cpu_arch arch;
	double vcpu_hour;	     /* USD per vCPU-hour */
	double gb_hour;		     /* USD per GB-hour (GB = GiB) */
	double storage_gb_hour;	     /* USD per GB-hour of ephemeral storage above 20 GiB */
	double os_license_vcpu_hour; /* USD per vCPU-hour, Windows only, else 0 */
	char *as_of;		     /* owned, the date the rates were taken */
	char *source;		     /* owned, where they come from */
	bool derived;		     /* vCPU/memory/OS rates computed by spotsim, not published */
	bool storage_derived;	     /* storage rate assumed by spotsim, not published */
};

struct price_table {
	struct price_rate *rates;
	size_t nr, alloc;
	char *path; /* owned: the file the table was read from */
};

/* Which rate fields a scenario overrides; a field < 0 keeps the table's value. */
struct price_override {
	double vcpu_hour, gb_hour, storage_gb_hour, os_license_vcpu_hour;
};

/* One task configuration to price. */
struct task_size {
	int cpu_units;	 /* 256 = 0.25 vCPU */
	int memory_mib;	 /* 512 = 0.5 GiB */
	int storage_gib; /* configured ephemeral storage, 20 when not set */
	enum os_family os;
	enum cpu_arch arch;
};

/* Line items of a bill, USD. */
struct cost_items {
	double vcpu, memory, storage, os_license, total;
};

void pricing_init(struct price_table *t);
void pricing_release(struct price_table *t);

/*
 * Reads a price table from `path` (borrowed). On success the rows replace
 * whatever `t` held and t->path is a copy of `path`; on failure `t` is left
 * as it was. Every problem found (unreadable file, missing or unknown column,
 * wrong number of fields, bad or negative number, unknown provider/os/arch,
 * duplicate key, no rows) goes to `d`, with the file and "line N: column X"
 * as the path, e.g.
 *   pricing.csv: line 4: column vcpu_hour: "abc" is not a number (accepted: ...)
 * Returns 0, SPOTSIM_EINVAL for bad content, or csvio_read's negative code
 * (SPOTSIM_ENOENT, SPOTSIM_EIO, SPOTSIM_ESYNTAX).
 */
int pricing_load(struct price_table *t, const char *path, struct diag *d);

/*
 * The default table: $SPOTSIM_PRICES if set; else data/pricing.csv one or
 * two folders above the executable (build/spotsim in the source tree); else
 * share/spotsim/pricing.csv beside the executable's bin/ (an installed tree,
 * wherever it was moved); else ./data/pricing.csv; else the compiled-in
 * $(PREFIX)/share/spotsim. Returns a borrowed static string (relative when
 * the file lies below the current folder), or NULL when none exists.
 */
const char *pricing_default_path(void);

/* The rate for a key, or NULL. */
const struct price_rate *pricing_find(const struct price_table *t, const char *region,
				      enum provider p, enum os_family os, enum cpu_arch a);

/*
 * Copies `base` into `out` with the override's fields (>= 0) replacing the
 * table's. `out` borrows base's strings: never release it.
 */
void pricing_apply_override(const struct price_rate *base, const struct price_override *o,
			    struct price_rate *out);

/*
 * Billed whole seconds for a task that ran `run` (pull start to STOPPED):
 * rounded up to the second, at least fargate_min_billed_seconds(os). A run
 * <= 0 returns 0: whether a task that never started pulling is billed is the
 * caller's decision (SPEC 4.2 says it is not).
 */
int64_t pricing_billed_seconds(sim_time run, enum os_family os);

/*
 * Cost of `task_seconds` billed task-seconds (already rounded and minimum
 * applied, summed over tasks) of one task size at one rate. The OS licence
 * item is charged only when sz->os is OS_WINDOWS; storage only above 20 GiB.
 */
void pricing_cost(const struct price_rate *r, const struct task_size *sz, double task_seconds,
		  struct cost_items *out);

#endif
