/*
 * fuzz_run — a short run of a fuzzed scenario: the plan is loaded as
 * `spotsim run` loads it, then the base and the last configuration (a
 * variant at a sweep point, when there are any) each run one replication of
 * at most one simulated day, with no output. Scenarios that need much memory
 * by design (more than RUN_MAX_TASKS desired, maximum or scheduled minimum tasks, a queue
 * batch of more than RUN_MAX_BATCH jobs, a plan of more than
 * FUZZ_MAX_CONFIGS configurations) are skipped: their bounds are a matter of
 * the model, not of the reader.
 */
#include "fuzz.h"

#include "spotsim/experiment/replication.h"
#include "spotsim/scenario/plan.h"

#define RUN_MAX_TASKS 200
#define RUN_MAX_BATCH 1000000

static bool run_too_big(const struct scenario *sc)
{
	if (sc->service.desired_count > RUN_MAX_TASKS)
		return true;
	if (sc->scaling.enabled && sc->scaling.max_capacity > RUN_MAX_TASKS)
		return true;
	for (size_t i = 0; i < sc->scaling.nactions; i++)
		if (sc->scaling.actions[i].has_min &&
		    sc->scaling.actions[i].min_capacity > RUN_MAX_TASKS)
			return true;
	for (size_t i = 0; i < sc->queue.nbatches; i++)
		if (sc->queue.batches[i].count > RUN_MAX_BATCH)
			return true;
	return false;
}

static void run_config(struct scenario *sc, const struct price_table *t)
{
	struct run_metrics m;
	struct diag d;

	if (run_too_big(sc))
		return;
	if (sc->duration > SIM_DAY)
		sc->duration = SIM_DAY;
	sc->replications = 1;
	diag_init(&d);
	replication_run(sc, t, 0, NULL, &m, &d);
	fuzz_drain(&d);
}

int fuzz_run(const uint8_t *data, size_t size)
{
	char *path = fuzz_write(data, size, "fuzz.json");
	const struct price_table *t = fuzz_prices();
	struct plan p;
	struct diag d;

	if (fuzz_plan_size(data, size) > FUZZ_MAX_CONFIGS) {
		free(path);
		return 0;
	}
	diag_init(&d);
	if (plan_load(&p, path, &d) == 0 && plan_check_prices(&p, t, &d) == 0) {
		run_config(&p.configs[0].sc, t);
		if (p.n > 1)
			run_config(&p.configs[p.n - 1].sc, t);
	}
	plan_release(&p);
	fuzz_drain(&d);
	free(path);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_run(data, size);
}
#endif
