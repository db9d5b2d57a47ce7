#ifndef SPOTSIM_CLI_H
#define SPOTSIM_CLI_H
/*
 * cli — the subcommands behind `spotsim <command>`.
 *
 * main.c picks the command by name and calls it with argv[0] = the command
 * name. Each returns the process exit status: EXIT_OK, EXIT_RUNTIME or
 * EXIT_USAGE (error.h). Commands print their results to stdout and every
 * problem to stderr, one line each:
 *     spotsim cost: --cpu: 300 is not a Fargate cpu value (allowed: 256, 512, ...)
 * Every command answers --help (usage on stdout, exit 0).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "spotsim/util/diag.h"

enum out_format {
	FORMAT_TABLE,
	FORMAT_CSV,
	FORMAT_JSON
};

int cmd_cost(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_place(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_plan_commitment(int argc, char **argv);
int cmd_prices(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_scale(int argc, char **argv);
int cmd_validate(int argc, char **argv);

/* Parses --format; `allow_json` false rejects "json". Returns false on bad text. */
bool cli_parse_format(const char *text, enum out_format *out, bool allow_json);

/*
 * Prints "spotsim CMD: OPTION: message" to stderr and returns EXIT_USAGE.
 * `option` may be NULL.
 */
int cli_usage_error(const char *cmd, const char *option, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * --time-axis of spotsim run, plot and merge: "elapsed" (the default) or
 * "clock"; sets *clock. Returns EXIT_OK, or EXIT_USAGE after printing
 * the error for `cmd` (a value that starts with "--" is the next option:
 * "needs a value").
 */
int cli_time_axis(const char *cmd, const char *value, bool *clock);
/*
 * --time-axis with --no-plots (run, merge): no figure is drawn, and the
 * choice is not kept for a later spotsim plot. Prints the error naming
 * both and returns EXIT_USAGE.
 */
int cli_time_axis_without_plots(const char *cmd);

/* Parses a whole non-negative integer / finite number option value. */
bool cli_parse_long(const char *text, long min, long max, long *out);
bool cli_parse_double(const char *text, double min, double max, double *out);

/* Writes `s` as a CSV field (quoted when it needs to be) / a JSON string. */
void cli_put_csv_field(FILE *out, const char *s);
void cli_put_json_string(FILE *out, const char *s);

/*
 * A path as the user should see it: relative to the current folder when it
 * lies below it (so outputs do not depend on where the checkout is), else as
 * it is. Writes into buf and returns it; NULL `path` gives "(none)".
 */
#define PATH_MAX_DISPLAY 4096
const char *cli_display_path(const char *path, char *buf, size_t size);

/*
 * Loads the price table `given` by --prices, else the default one, for
 * command `cmd`, printing each problem as "spotsim CMD: ...". Returns
 * EXIT_OK, EXIT_USAGE for a bad --prices file, or EXIT_RUNTIME when the
 * default table is missing or broken.
 */
struct price_table;
int cli_load_prices(const char *cmd, const char *given, struct price_table *t);

/* Prints every diagnostic (errors and notes) to stderr, one line each. */
void cli_print_diag(const struct diag *d);

#endif
