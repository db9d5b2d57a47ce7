/*
 * rate_trace_rows — the state of one trace read that the readers share:
 * rows, problems and where they are (see rate_trace_internal.h).
 */
#include "rate_trace_internal.h"

#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>

void rt_problem(struct rt_reader *rd, const char *where, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	if (rd->problems++ >= RT_MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diag_error(rd->d, rd->path, where, "%s", msg.buf);
	strbuf_release(&msg);
}

void rt_add(struct rt_reader *rd, sim_time at, double value, size_t where, unsigned group)
{
	XALLOC_GROW(rd->rows, rd->n + 1, rd->alloc);
	rd->rows[rd->n++] = (struct rt_row){at, value, where, group};
}

const char *rt_where(const struct rt_reader *rd, const struct rt_row *row, char *buf, size_t size)
{
	if (rd->source == RT_CSV)
		snprintf(buf, size, "line %zu", row->where);
	else if (rd->source == RT_METRIC_STATISTICS && row->group == RT_BARE)
		snprintf(buf, size, "[%zu].Timestamp", row->where);
	else if (rd->source == RT_METRIC_STATISTICS)
		snprintf(buf, size, "Datapoints[%zu].Timestamp", row->where);
	else if (row->group == RT_BARE)
		snprintf(buf, size, "Timestamps[%zu]", row->where);
	else
		snprintf(buf, size, "MetricDataResults[%u].Timestamps[%zu]", row->group,
			 row->where);
	return buf;
}

const char *rt_value_name(const struct rt_reader *rd)
{
	return rd->o->values == RATE_TRACE_COUNTS ? "count"
	       : rd->o->values == RATE_TRACE_RPS  ? "rps"
						  : "value";
}
