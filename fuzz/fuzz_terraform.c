/*
 * fuzz_terraform — the Terraform importer (import_terraform.h): the input
 * is `terraform show -json` output or a terraform.tfstate. An import that
 * succeeds must have written a scenario that loads without an error, as
 * the header promises; the scenario is loaded again to check.
 */
#include "fuzz.h"

#include "spotsim/scenario/import_terraform.h"
#include "spotsim/scenario/scenario.h"

int fuzz_terraform(const uint8_t *data, size_t size)
{
	char *path = fuzz_write(data, size, "plan.json");
	struct import_terraform_options o = {NULL, NULL};
	struct strbuf scenario = STRBUF_INIT, summary = STRBUF_INIT;
	struct diag d;

	diag_init(&d);
	if (import_terraform(path, &o, &scenario, &summary, &d) == 0) {
		char *written =
		    fuzz_write((const uint8_t *)scenario.buf, scenario.len, "imported.json");
		struct scenario sc;
		struct diag again;
		diag_init(&again);
		if (scenario_load(&sc, written, &again) != 0) {
			diag_write(&again, stderr);
			FUZZ_CHECK(!"the imported scenario loads");
		}
		scenario_release(&sc);
		diag_release(&again);
		free(written);
	} else {
		FUZZ_CHECK(scenario.len == 0 && summary.len == 0 && diag_failed(&d));
	}
	strbuf_release(&scenario);
	strbuf_release(&summary);
	fuzz_drain(&d);
	free(path);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_terraform(data, size);
}
#endif
