/*
 * scenario_peek — one key of a scenario file read without loading the rest
 * (see scenario_peek_max_breach in scenario.h): for the copy of a scenario
 * in an output folder, whose relative data files need not resolve there.
 */
#include "jsonio.h"

#include "spotsim/scenario/scenario.h"
#include "spotsim/util/fileio.h"

double scenario_peek_max_breach(const char *path)
{
	struct diag quiet;
	int rc = 0;
	double v = SCENARIO_DEFAULT_MAX_BREACH;
	cJSON *root;

	diag_init(&quiet);
	root = jsonio_parse_file(path, (long)FILEIO_INPUT_MAX, &quiet, &rc);
	const cJSON *slo = cJSON_GetObjectItemCaseSensitive(root, "slo");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(slo, "max_breach_probability");
	if (cJSON_IsNumber(p) && p->valuedouble >= 0 && p->valuedouble <= 1)
		v = p->valuedouble;
	cJSON_Delete(root);
	diag_release(&quiet);
	return v;
}
