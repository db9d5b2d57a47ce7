/* tasks — task states and billing (see tasks.h). */
#include "spotsim/model/tasks.h"

#include "spotsim/model/pricing.h"

static const char *const state_names[] = {
    "PROVISIONING", "PENDING", "RUNNING", "DEACTIVATING", "STOPPING", "STOPPED",
};

const char *task_state_name(enum task_state s)
{
	return state_names[s];
}

bool task_is_active(const struct task *t)
{
	return t->state <= TASK_RUNNING;
}

bool task_is_serving(const struct task *t)
{
	return t->state == TASK_RUNNING;
}

int64_t task_billed_seconds(const struct task *t, sim_time end, enum os_family os)
{
	if (t->pull_started_at < 0)
		return 0;
	return pricing_billed_seconds(end - t->pull_started_at, os);
}
