#ifndef SPOTSIM_FUZZ_H
#define SPOTSIM_FUZZ_H
/*
 * fuzz — what the libFuzzer harnesses in fuzz/ share (`make fuzz`, README
 * "Fuzzing").
 *
 * Each harness fuzz/fuzz_<target>.c defines fuzz_<target>(), which feeds one
 * input to one reader the way the command line uses it, and, unless
 * FUZZ_NO_ENTRY is defined, libFuzzer's entry point that calls it. A
 * harness returns 0 for every input, valid or not: only a crash, a
 * sanitizer report, a leak, a timeout or a broken promise of a header
 * (FUZZ_CHECK) is a finding. tests/test_fuzz_regressions.c includes the
 * harness sources with FUZZ_NO_ENTRY and replays the saved findings
 * (tests/fuzz-regressions/<target>/) and the hand-made seeds
 * (fuzz/corpus/<target>/) under `make test` and `make asan`.
 *
 * Every reader takes a path, so an input becomes a file: fuzz_write puts it
 * in scenarios/ of a private work folder under $TMPDIR (or /tmp). The work
 * folder links data/, tests/terraform/ (as terraform/) and tests/scaling/ (as
 * scaling/) of the source tree, and scenarios/ links each file of the last
 * two, so that the files a scenario names ("../data/traces/x.csv",
 * "../terraform/plan-module.json", "alarms.json") are found as they are for
 * the files in scenarios/ and tests/. The harnesses run from the top of the
 * source tree. The work folder is removed at exit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "spotsim/model/pricing.h"
#include "spotsim/util/diag.h"

/* A promise the code under test broke: says which and aborts, so the fuzzer saves the input. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes the input to scenarios/<name> in the work folder; returns that path (owned). */
char *fuzz_write(const uint8_t *data, size_t size, const char *name);

/* The work folder's scenarios/, where fuzz_write puts files (borrowed). */
const char *fuzz_dir(void);

/* The input as a NUL-terminated string (owned); an embedded NUL ends it early. */
char *fuzz_text(const uint8_t *data, size_t size);

/* data/pricing.csv, read once; aborts when it cannot be read. */
const struct price_table *fuzz_prices(void);

/*
 * How many configurations a plan of the input would build (the base and its
 * variants, each at every sweep point), at most FUZZ_MAX_CONFIGS + 1; 1 when
 * the input is no JSON object. Each is a full load, so a sweep of 65536
 * points is valid but takes seconds: the harnesses build plans of at most
 * FUZZ_MAX_CONFIGS.
 */
#define FUZZ_MAX_CONFIGS 1000
size_t fuzz_plan_size(const uint8_t *data, size_t size);

/* Formats every diagnostic as the command line would (into /dev/null), then releases `d`. */
void fuzz_drain(struct diag *d);

/* The harnesses: one input each, always 0. */
int fuzz_scenario(const uint8_t *data, size_t size);
int fuzz_run(const uint8_t *data, size_t size);
int fuzz_spot_trace(const uint8_t *data, size_t size);
int fuzz_rate_trace(const uint8_t *data, size_t size);
int fuzz_pricing(const uint8_t *data, size_t size);
int fuzz_policy(const uint8_t *data, size_t size);
int fuzz_strings(const uint8_t *data, size_t size);
int fuzz_terraform(const uint8_t *data, size_t size);

#endif
