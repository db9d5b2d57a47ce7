/* signals — one interrupt handler for run, merge and plot (see signals.h). */
#include "spotsim/cli/signals.h"

#include "spotsim/experiment/replication.h"
#include "spotsim/output/plot.h"
#include "spotsim/output/report.h"
#include "spotsim/util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted, committed, stop_replications;
static char message[96]; /* written before the handler is installed */
static size_t message_len;

static void on_signal(int sig)
{
	(void)sig;
	if (committed)
		return;
	if (interrupted) {
		report_remove_temps();
		if (write(STDERR_FILENO, message, message_len) < 0)
			_exit(EXIT_RUNTIME);
		_exit(EXIT_RUNTIME);
	}
	interrupted = 1;
	if (stop_replications)
		replication_interrupt();
	plot_interrupt();
}

void cli_signals_install(struct cli_signals *saved, const char *cmd, bool stop)
{
	struct sigaction sa;
	int n =
	    snprintf(message, sizeof(message), "spotsim %s: interrupted; no output written\n", cmd);

	message_len = n > 0 && (size_t)n < sizeof(message) ? (size_t)n : strlen(message);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	interrupted = committed = 0;
	stop_replications = stop;
	sigaction(SIGINT, &sa, &saved->intr);
	sigaction(SIGTERM, &sa, &saved->term);
}

void cli_signals_restore(const struct cli_signals *saved)
{
	sigaction(SIGINT, &saved->intr, NULL);
	sigaction(SIGTERM, &saved->term, NULL);
}

bool cli_interrupted(void)
{
	return interrupted != 0;
}

void cli_signals_committed(void)
{
	committed = 1;
}
