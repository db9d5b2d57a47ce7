#ifndef SPOTSIM_EVENT_LOG_H
#define SPOTSIM_EVENT_LOG_H
/*
 * event_log — the row the model modules hand out for every state change
 * (task lifecycle, Spot, scaling, queue). The replication passes the rows to
 * its sink, which writes them as events.csv; the model never reads them back.
 */
#include <stdint.h>

#include "spotsim/engine/simtime.h"

/* One row of events.csv. Strings are borrowed for the call. */
struct event_row {
	sim_time t;
	const char *event;    /* PROVISIONING, RUNNING, SPOT_INTERRUPTION, BILLED, ... */
	int64_t task_id;      /* 0 when the event concerns no task */
	const char *provider; /* "" when none */
	const char *detail;   /* key=value;key=value, or "" */
};

#endif
