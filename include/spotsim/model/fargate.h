#ifndef SPOTSIM_FARGATE_H
#define SPOTSIM_FARGATE_H
/*
 * fargate — the platform's fixed rules: capacity providers, operating
 * systems, architectures, valid task sizes and task-definition limits.
 *
 * Everything here is documented AWS behaviour (reference: README "Where the
 * rules come from"); nothing is a model. Both the scenario loader and the
 * `cost` command validate through these functions so they say the same thing.
 *
 * Messages written into `why` follow STYLE.md: lowercase, subject first, no
 * final period, and they name what is accepted, e.g.
 *   "3072 MiB is not valid with cpu 256 (allowed: 512, 1024, 2048)"
 */
#include <stdbool.h>

#include "spotsim/util/strbuf.h"

enum provider {
	PROVIDER_FARGATE,
	PROVIDER_FARGATE_SPOT,
	PROVIDER_COUNT
};
enum os_family {
	OS_LINUX,
	OS_WINDOWS,
	OS_COUNT
};
enum cpu_arch {
	ARCH_X86_64,
	ARCH_ARM64,
	ARCH_COUNT
};

#define FARGATE_STORAGE_FREE_GIB     20 /* included with every task */
#define FARGATE_STORAGE_MIN_GIB	     21 /* ephemeralStorage.sizeInGiB range */
#define FARGATE_STORAGE_MAX_GIB	     200
#define FARGATE_STOP_TIMEOUT_DEFAULT 30 /* seconds, when a container sets none */
#define FARGATE_STOP_TIMEOUT_MAX     120
#define FARGATE_MAX_STRATEGY_ITEMS   20
#define FARGATE_MAX_WEIGHT	     1000
#define FARGATE_MAX_BASE	     100000

/* "FARGATE" / "FARGATE_SPOT"; lookups are exact (AWS names are case-sensitive). */
const char *fargate_provider_name(enum provider p);
bool fargate_provider_parse(const char *name, enum provider *out);

/*
 * "LINUX" / "WINDOWS". Parsing accepts LINUX, WINDOWS and every AWS
 * operatingSystemFamily value (WINDOWS_SERVER_2019_FULL, ..._2022_CORE, ...),
 * case-insensitively for the two short names.
 */
const char *fargate_os_name(enum os_family os);
bool fargate_os_parse(const char *name, enum os_family *out);

/* "X86_64" / "ARM64"; parsing is case-insensitive. */
const char *fargate_arch_name(enum cpu_arch a);
bool fargate_arch_parse(const char *name, enum cpu_arch *out);

/*
 * Parses a task-level cpu value as AWS accepts it: CPU units ("1024", 1024)
 * or vCPU text ("1 vCPU", "0.25 vcpu"). Returns true and the CPU units, or
 * false when the text is neither.
 */
bool fargate_parse_cpu(const char *text, int *units);
/* Parses memory: MiB ("2048") or GB text ("2 GB", "0.5GB"). */
bool fargate_parse_memory(const char *text, int *mib);

/*
 * Checks a task size against the Fargate table, including the 4 GB steps at
 * 8 vCPU, the 8 GB steps at 16 vCPU and Windows' minimum of 1 vCPU (1, 2 or
 * 4 vCPU only). On failure returns false and appends one message to `why`
 * (no separator is added: reset `why` between calls). A bad cpu value gives
 * the fargate_check_cpu message; otherwise the message is about the memory.
 */
bool fargate_check_size(int cpu_units, int memory_mib, enum os_family os, struct strbuf *why);

/*
 * Checks the cpu value alone, so a caller can tell which of cpu or memory is
 * wrong: "300 is not a Fargate cpu value (allowed: 256, 512, ...)" or
 * "cpu 512 is not available for WINDOWS (allowed: 1024, 2048, 4096)".
 */
bool fargate_check_cpu(int cpu_units, enum os_family os, struct strbuf *why);

/*
 * Appends the memory values (MiB) allowed with `cpu_units`, compactly:
 * "512, 1024, 2048" or "2048 to 8192 in steps of 1024". Nothing for an
 * unknown cpu value.
 */
void fargate_allowed_memory(int cpu_units, struct strbuf *out);

/*
 * Checks the os/architecture pair: Windows on Fargate is X86_64 only (ARM64
 * is Linux only). On failure appends "ARM64 is not available for WINDOWS
 * (allowed: X86_64)" to `why`.
 */
bool fargate_check_platform(enum os_family os, enum cpu_arch a, struct strbuf *why);

/*
 * True when the provider can run the platform: FARGATE_SPOT never runs
 * Windows, and no provider runs Windows on ARM64 (see fargate_check_platform,
 * which callers use first to report that case on its own).
 */
bool fargate_provider_supports(enum provider p, enum os_family os, enum cpu_arch a);

/* Minimum billed seconds per task: 60 for Linux, 300 for Windows. */
int fargate_min_billed_seconds(enum os_family os);

#endif
