/*
 * fuzz_scenario — the scenario loader as `spotsim validate` and `spotsim
 * run` use it: the input is a scenario file; plan_load reads it and builds
 * the base and every variant at every sweep point; then the price check
 * (against the scenario's price table when it names one, else
 * data/pricing.csv) and the scaling warnings. A plan of more than
 * FUZZ_MAX_CONFIGS configurations is not built: its base is loaded alone.
 */
#include "fuzz.h"

#include "spotsim/scenario/plan.h"

#include <string.h>

int fuzz_scenario(const uint8_t *data, size_t size)
{
	char *path = fuzz_write(data, size, "fuzz.json");
	struct plan p;
	struct price_table own;
	struct diag d;

	diag_init(&d);
	pricing_init(&own);
	if (fuzz_plan_size(data, size) >
	    FUZZ_MAX_CONFIGS) { /* the base alone, sweep checks included */
		struct scenario sc;
		scenario_load(&sc, path, &d);
		scenario_release(&sc);
		memset(&p, 0, sizeof(p));
	} else if (plan_load(&p, path, &d) == 0) {
		const struct price_table *t = fuzz_prices();
		if (p.base.prices_file && pricing_load(&own, p.base.prices_file, &d) == 0)
			t = &own;
		plan_check_prices(&p, t, &d);
		scenario_scaling_warnings(&p.base, &d);
		FUZZ_CHECK(p.n == p.nvariants * p.npoints && p.n >= 1);
		for (size_t i = 0; i < p.n; i++)
			FUZZ_CHECK(p.configs[i].baseline < p.n);
	}
	plan_release(&p);
	pricing_release(&own);
	fuzz_drain(&d);
	free(path);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_scenario(data, size);
}
#endif
