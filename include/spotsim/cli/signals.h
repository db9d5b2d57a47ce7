#ifndef SPOTSIM_CLI_SIGNALS_H
#define SPOTSIM_CLI_SIGNALS_H
/*
 * signals — Ctrl-C and SIGTERM for the commands that write an output folder
 * (run, merge, plot), one handler for all three.
 *
 * The first signal sets the interrupted flag and asks the work to stop:
 * plot_interrupt() always, replication_interrupt() too when installed with
 * `stop_replications`; the command then sees cli_interrupted(), removes its
 * staging folder and exits 1 ("interrupted; no output written"). A second
 * signal removes the staging folder from the handler (report_remove_temps,
 * signal-safe) and exits 1 at once. After cli_signals_committed() the
 * handler ignores signals: the outputs are in place, nothing is to undo.
 * Both signals are blocked while the handler runs, and system calls restart.
 */
#include <signal.h>
#include <stdbool.h>

struct cli_signals {
	struct sigaction intr, term; /* the dispositions to restore */
};

/* Installs the handler for command `cmd` (borrowed; "run", "merge", "plot"). */
void cli_signals_install(struct cli_signals *saved, const char *cmd, bool stop_replications);
void cli_signals_restore(const struct cli_signals *saved);

bool cli_interrupted(void);
void cli_signals_committed(void);

#endif
