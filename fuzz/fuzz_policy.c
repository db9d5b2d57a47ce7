/*
 * fuzz_policy — the reader of one scaling policy (scenario_load_policy) and
 * what `spotsim scale` does with a policy that loads: its step coverage,
 * then decisions from RUNNING counts and metric values at the ends and in
 * the middle of the ranges the command accepts (0 to 100000 tasks, metrics
 * within +-1e300), each settled as the running scaler would. A step policy
 * without its "Alarm" gets the threshold 0, as `--threshold 0` gives it.
 */
#include "fuzz.h"

#include "spotsim/scenario/scenario.h"

#include <limits.h>
#include <string.h>

static void policy_decide(struct scaling_policy *p)
{
	static const long running[] = {0, 1, 7, 100000};
	static const double metric[] = {-1e300, -1e6, -5, 0, 0.5, 50, 70, 1e6, 1e300};
	char why[256];
	scaling_step_coverage(p, why, sizeof(why));
	for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++)
		for (size_t j = 0; j < sizeof(metric) / sizeof(metric[0]); j++) {
			struct scaling_decision dec;
			long lo = i % 2 ? 1 : 0, hi = i % 2 ? 100 : LONG_MAX;
			if (p->type == POLICY_STEP && !p->has_alarm) { /* as --threshold 0 does */
				p->alarm.threshold = 0;
				p->alarm.comparison = metric[j] >= 0 ? CMP_GE : CMP_LE;
			}
			bool ok =
			    p->type == POLICY_STEP
				? scaling_step_decide(p, running[i], metric[j], lo, hi, &dec)
				: scaling_target_decide(p, running[i], metric[j], lo, hi, &dec);
			if (ok && dec.to != dec.from)
				scaling_settle(dec.to > dec.from, dec.to, running[i], lo, hi);
		}
}

int fuzz_policy(const uint8_t *data, size_t size)
{
	char *path = fuzz_write(data, size, "policy.json");
	struct scaling_policy p;
	struct diag d;

	diag_init(&d);
	memset(&p, 0x5a, sizeof(p)); /* the reader must not rely on a cleared struct */
	if (scenario_load_policy(path, &p, &d) == 0)
		policy_decide(&p);
	else
		FUZZ_CHECK(diag_failed(&d));
	scaling_policy_release(&p);
	fuzz_drain(&d);
	free(path);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_policy(data, size);
}
#endif
