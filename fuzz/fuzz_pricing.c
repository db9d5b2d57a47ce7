/*
 * fuzz_pricing — the price table reader (pricing_load): the input is a
 * price table; a table that loads is looked up for every provider, OS and
 * architecture in its first row's region and priced for a one-hour task,
 * and its rates must be finite and 0 or more.
 */
#include "fuzz.h"

#include <math.h>

static void pricing_check(const struct price_table *t)
{
	const struct task_size sz = {1024, 2048, 50, OS_LINUX, ARCH_X86_64};
	FUZZ_CHECK(t->nr >= 1);
	for (size_t i = 0; i < t->nr; i++) {
		const struct price_rate *r = &t->rates[i];
		FUZZ_CHECK(isfinite(r->vcpu_hour) && r->vcpu_hour >= 0);
		FUZZ_CHECK(isfinite(r->gb_hour) && r->gb_hour >= 0);
		FUZZ_CHECK(isfinite(r->storage_gb_hour) && r->storage_gb_hour >= 0);
		FUZZ_CHECK(isfinite(r->os_license_vcpu_hour) && r->os_license_vcpu_hour >= 0);
	}
	for (int p = 0; p < PROVIDER_COUNT; p++)
		for (int os = 0; os < OS_COUNT; os++)
			for (int a = 0; a < ARCH_COUNT; a++) {
				const struct price_rate *r =
				    pricing_find(t, t->rates[0].region, (enum provider)p,
						 (enum os_family)os, (enum cpu_arch)a);
				struct cost_items c;
				if (!r)
					continue;
				pricing_cost(r, &sz, 3600, &c);
				FUZZ_CHECK(isfinite(c.total) && c.total >= 0);
			}
}

int fuzz_pricing(const uint8_t *data, size_t size)
{
	char *path = fuzz_write(data, size, "pricing.csv");
	struct price_table t;
	struct diag d;

	diag_init(&d);
	pricing_init(&t);
	if (pricing_load(&t, path, &d) == 0)
		pricing_check(&t);
	else
		FUZZ_CHECK(t.nr == 0 && diag_failed(&d));
	pricing_release(&t);
	fuzz_drain(&d);
	free(path);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_pricing(data, size);
}
#endif
