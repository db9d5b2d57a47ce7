/*
 * spotsim import — a scenario from another tool's files. One format so far:
 * `spotsim import terraform` (import_terraform.h).
 */
#include "spotsim/cli/cli.h"
#include "spotsim/util/fileio.h"
#include "spotsim/scenario/import_terraform.h"
#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: spotsim import FORMAT FILE [options]\n"
    "\n"
    "Writes a scenario from another tool's description of a service.\n"
    "\n"
    "formats:\n"
    "  terraform  terraform show -json of a plan or a state, or a terraform.tfstate\n"
    "\n"
    "Run 'spotsim import FORMAT --help' for a format's options.\n";

static const char usage_terraform[] =
    "usage: spotsim import terraform FILE.json [--service ADDRESS|NAME] [-o SCENARIO.json]\n"
    "\n"
    "Writes a scenario for one ECS service of a Terraform configuration: its task\n"
    "definition, service, scalable target, scaling policies (a step policy with the\n"
    "CloudWatch alarm that calls it), scheduled actions and region, in the AWS\n"
    "shapes a scenario uses. FILE.json is one of\n"
    "  terraform show -json PLANFILE   (terraform plan -out PLANFILE first)\n"
    "  terraform show -json            (the current state)\n"
    "  terraform.tfstate               (version 4)\n"
    "The summary on stderr says which resource and attribute gave each value, what\n"
    "was defaulted and what was ignored. Add a workload and a spot section to the\n"
    "scenario to simulate load and interruptions.\n"
    "\n"
    "  --service S  the service to import when the file has several: its address\n"
    "               (module.app.aws_ecs_service.main), its resource name (main) or\n"
    "               its name attribute\n"
    "  -o FILE      write the scenario to FILE (default: stdout)\n"
    "\n"
    "A scenario can also link the file instead of copying it, and is then re-read\n"
    "on every run: \"terraform\": {\"file\": \"plan.json\", \"service\": \"...\"}.\n"
    "\n"
    "example: spotsim import terraform plan.json --service api -o api.json\n";

/* Writes `text` to `path` through fileio's atomic file (a temporary that cannot be planted). */
static int write_file(const char *path, const char *text)
{
	struct fileio_atomic a;
	int err = fileio_atomic_open(&a, path);
	if (!err) {
		size_t n = strlen(text);
		if (fwrite(text, 1, n, a.f) != n)
			err = errno ? errno : EIO;
		int close_err = fileio_atomic_close(&a);
		if (!err)
			err = close_err;
		if (!err)
			err = fileio_atomic_rename(&a);
		fileio_atomic_release(&a);
	}
	if (err)
		fprintf(stderr, "spotsim import: %s: cannot write the scenario: %s\n", path,
			diag_strerror(err));
	return err ? EXIT_RUNTIME : EXIT_OK;
}

static int import(const char *file, const struct import_terraform_options *o, const char *out)
{
	struct strbuf scenario = STRBUF_INIT, summary = STRBUF_INIT;
	struct diag d;
	int status = EXIT_OK;
	diag_init(&d);
	if (import_terraform(file, o, &scenario, &summary, &d) != 0) {
		cli_print_diag(&d);
		status = EXIT_USAGE;
	} else if (out && (status = write_file(out, scenario.buf)) == EXIT_OK) {
		fputs(summary.buf, stderr);
		fprintf(stderr, "# written to %s\n", out);
	} else if (!out) {
		fputs(summary.buf, stderr);
		fputs(scenario.buf, stdout);
	}
	diag_release(&d);
	strbuf_release(&scenario);
	strbuf_release(&summary);
	return status;
}

static int cmd_import_terraform(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"service", required_argument, NULL, 's'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct import_terraform_options o = {NULL, "--service"};
	const char *out = NULL;
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		if (c == 's')
			o.service = optarg;
		else if (c == 'o')
			out = optarg;
		else if (c == 'h')
			return fputs(usage_terraform, stdout), EXIT_OK;
		else if (c == ':')
			return cli_usage_error("import terraform", argv[optind - 1],
					       "needs a value");
		else
			return cli_usage_error(
			    "import terraform", argv[optind - 1],
			    "unknown option (see spotsim import terraform --help)");
	}
	if (optind != argc - 1)
		return cli_usage_error("import terraform", NULL,
				       "needs exactly one Terraform JSON file (see spotsim import "
				       "terraform --help)");
	return import(argv[optind], &o, out);
}

int cmd_import(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("import", NULL,
				       "needs a format (accepted: terraform; see spotsim import "
				       "--help)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return fputs(usage, stdout), EXIT_OK;
	if (!strcmp(argv[1], "terraform"))
		return cmd_import_terraform(argc - 1, argv + 1);
	return cli_usage_error("import", NULL, "unknown format '%s' (accepted: terraform)",
			       argv[1]);
}
