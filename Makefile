# spotsim — build, test and tooling.
#
#   make            build build/spotsim (installs missing Debian packages first when root)
#   make run        simulate the bundled example (out/web-diurnal/)
#   make test       unit tests, golden tests, CLI, shard/merge, plan-vs-CLI, output-folder and bad-input tests,
#                   and the course exercises
#   make course     run the twelve course exercises (scenarios/course/), one answer line each
#   make asan       the same tests under AddressSanitizer + UBSan, in build/asan
#   make valgrind   the unit and CLI tests under valgrind (leaks are errors)
#   make lint       clang-format, banned raw allocation calls, include directions (layers)
#   make bench      performance figures quoted in README.md
#   make bench-peer CPU time per replication of spotsim against an equivalent SimPy model
#   make fuzz       each libFuzzer harness in fuzz/ for FUZZ_SECONDS (60) seconds, in build/fuzz
#   make fuzz-smoke the same, 15 seconds each (CI)
#   make install    PREFIX=/usr/local
#   make golden-update   regenerate tests/golden/ on purpose (review the diff)

# Compile on every core; a -j on the command line wins (make -j1: one at a
# time). Only the top make sets it: the ones it starts share its job slots.
ifeq ($(MAKELEVEL),0)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
endif

PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc
SANITIZE ?=

DEBIAN_PACKAGES = libgsl-dev libcjson-dev libcsv-dev libcmocka-dev gnuplot-nox pkg-config

WARN = -Wall -Wextra -Wshadow -Wundef -Wwrite-strings -Wredundant-decls \
       -Wmissing-prototypes -Wstrict-prototypes -Wold-style-definition \
       -Wmissing-declarations -Wpointer-arith -Wformat=2 -Wvla
ifeq ($(CI),true)
WARN += -Werror
endif

OPT      ?= -O2 -g
CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
            -DSPOTSIM_DATADIR='"$(PREFIX)/share/spotsim"'
CFLAGS   += -std=c11 $(OPT) $(WARN) $(SANITIZE) -MMD -MP
LDFLAGS  += $(SANITIZE)
LIBS      = -lgsl -lgslcblas -lcjson -lcsv -lm -lpthread
TESTLIBS  = -lcmocka

LAYERS   := util engine model scenario experiment output cli
SRC      := $(foreach l,$(LAYERS),$(wildcard sim/$(l)/*.c))
LIBSRC   := $(filter-out sim/cli/main.c,$(SRC))
LIBOBJ   := $(LIBSRC:sim/%.c=$(BUILD)/obj/%.o)
TESTSRC  := $(wildcard tests/test_*.c)
TESTBIN  := $(TESTSRC:tests/%.c=$(BUILD)/tests/%)
BENCHSRC := $(wildcard bench/bench_*.c)
BENCHBIN := $(BENCHSRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps run test unit cli asan valgrind lint bench bench-peer install clean golden-update report-check course \
	fuzz fuzz-smoke fuzz-build

all: deps $(BUILD)/spotsim

# Install what the build needs on a fresh Debian machine. As root this runs
# apt-get; otherwise it prints the exact command and stops.
deps:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing:$$missing"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null || \
				{ echo "make deps: apt-get install$$missing failed" >&2; exit 1; }; \
		else \
			echo "make deps: missing Debian packages:$$missing" >&2; \
			echo "run: sudo apt-get install$$missing" >&2; exit 1; \
		fi; \
	fi

$(BUILD)/obj/%.o: sim/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c | deps $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libspotsim.a: $(LIBOBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/spotsim: $(BUILD)/obj/cli/main.o $(BUILD)/libspotsim.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/bench/%.o: bench/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) -c $< -o $@

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(BUILD)/libspotsim.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libspotsim.a
	$(CC) $(LDFLAGS) -o $@ $^ $(TESTLIBS) $(LIBS)

$(BUILD)/tests:
	mkdir -p $@

run: all
	$(BUILD)/spotsim run scenarios/example.json

# The course exercises (scenarios/course/): one line per exercise with its headline answer,
# each checked against the hand computation in the exercise's README.md, and each Terraform
# exercise's plan re-imported to the scenario beside it.
course: all
	@SPOTSIM=$(BUILD)/spotsim sh scenarios/course/run.sh

# Unit tests first (each prints a cmocka summary), then the end-to-end
# command-line tests, the shard/merge tests, the plan-vs-CLI equivalence and the
# output-folder safety tests,
# each of which finishes with one "N passed, N failed" line.
# The unit test programs run two at a time (each writes only temporaries of
# its own), their output shown in order once all have run; then the suites.
test: deps $(BUILD)/spotsim $(TESTBIN)
	@fail=0; rm -f $(TESTBIN:=.log) $(TESTBIN:=.rc); for t in $(TESTBIN); do echo $$t; done | \
		xargs -P 2 -I{} sh -c '$(WRAP) ./{} >{}.log 2>&1; echo $$? >{}.rc'; \
	for t in $(TESTBIN); do \
		cat $$t.log; [ "$$(cat $$t.rc 2>/dev/null)" = 0 ] || { echo "$$t failed"; fail=1; }; \
	done; \
	SPOTSIM="$(WRAP) $(BUILD)/spotsim" sh tests/cli/run.sh || fail=1; \
	SPOTSIM="$(WRAP) $(BUILD)/spotsim" sh tests/shard/run.sh || fail=1; \
	SPOTSIM="$(WRAP) $(BUILD)/spotsim" sh tests/equivalence/run.sh || fail=1; \
	SPOTSIM="$(WRAP) $(BUILD)/spotsim" sh tests/bundled/run.sh || fail=1; \
	SPOTSIM="$(WRAP) $(BUILD)/spotsim" sh tests/output/run.sh || fail=1; \
	SPOTSIM="$(WRAP) $(BUILD)/spotsim" sh scenarios/course/run.sh || fail=1; \
	sh tests/lint/selftest.sh || fail=1; \
	$(MAKE) --no-print-directory report-check BUILD=$(BUILD) || fail=1; \
	exit $$fail

# report.html as a person opens it: headless Chromium, no console error, a
# screenshot. In CI (CI=true, as root) Debian's chromium is installed for it;
# elsewhere the check says it skipped when chromium is missing.
report-check: $(BUILD)/spotsim
	@if [ "$(CI)" = true ] && [ "$$(id -u)" = 0 ] && ! command -v chromium >/dev/null 2>&1; then \
		echo "installing chromium for the report check"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
			>/dev/null 2>&1 || echo "report-check: chromium could not be installed"; \
	fi
	@rm -rf $(BUILD)/report-check
	@$(BUILD)/spotsim run scenarios/example.json -o $(BUILD)/report-check --replications 2 --quiet
	@sh tests/report/check.sh $(BUILD)/report-check

asan:
	$(MAKE) BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all" test

valgrind: deps $(BUILD)/spotsim $(TESTBIN)
	$(MAKE) test WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"

lint:
	@command -v clang-format >/dev/null || { echo "lint: clang-format is not installed (apt-get install clang-format)" >&2; exit 2; }
	@clang-format --dry-run --Werror $(SRC) $(wildcard include/spotsim/*/*.h sim/*/*.h tests/*.c tests/*.h bench/*.c)
	@if grep -nE '\b(malloc|calloc|realloc|strdup|strndup)\s*\(' $(SRC) tests/*.c bench/*.c | grep -v '^sim/util/xalloc.c:'; then \
		echo "lint: raw allocation calls above; use xmalloc/xcalloc/xrealloc/xstrdup" >&2; exit 1; fi
	@sh tests/lint/layers.sh || { echo "lint: includes above run against the layers (SPEC §2, README \"Architecture\")" >&2; exit 1; }
	@dup=$$(for f in $(SRC); do basename $$f; done | sort | uniq -d); \
	if [ -n "$$dup" ]; then echo "lint: two sources share a file name ($$dup); ar keeps one member per name" >&2; exit 1; fi
	@$(MAKE) --no-print-directory $(BUILD)/libspotsim.a >/dev/null
	@sh tests/lint/calls.sh $(BUILD)/obj
	@echo "lint: ok"

bench: deps $(BENCHBIN) $(BUILD)/spotsim
	@fail=0; for b in $(BENCHBIN); do ./$$b || { echo "$$b failed"; fail=1; }; done; exit $$fail

# spotsim and bench/peer_simpy.py on the same two services, side by side
# (SPEC 8); bench/peer.sh installs python3-simpy3 when root and it is missing.
bench-peer: deps $(BUILD)/spotsim
	@SPOTSIM=$(BUILD)/spotsim bash bench/peer.sh

# libFuzzer harnesses (fuzz/, README "Fuzzing"): the library is built again
# with clang, coverage and ASan + UBSan in build/fuzz; each harness runs for
# FUZZ_SECONDS and its findings go to build/fuzz/crashes/TARGET/ (then make
# fails). clang and its runtime are installed when missing, as deps does.
FUZZ_TARGETS  = scenario run spot_trace rate_trace pricing policy strings terraform
FUZZ_SECONDS ?= 60
FUZZ_SAN      = -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
FUZZ_BIN      = $(FUZZ_TARGETS:%=build/fuzz/bin/fuzz_%)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run.sh build/fuzz $(FUZZ_TARGETS)

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=15

# clang warns where gcc does not about vsnprintf with a va_list format
fuzz-build: deps
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="clang libclang-rt-14-dev"
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=fuzzer-no-link $(FUZZ_SAN) -Wno-format-nonliteral" $(FUZZ_BIN)

$(BUILD)/fuzz/%.o: fuzz/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/bin/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/fuzz/fuzz.o $(BUILD)/libspotsim.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

.PRECIOUS: $(BUILD)/fuzz/%.o
-include $(wildcard $(BUILD)/fuzz/*.d)

golden-update: all
	sh tests/cli/run.sh --update

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/spotsim
	install -m 755 $(BUILD)/spotsim $(DESTDIR)$(PREFIX)/bin/spotsim
	install -m 644 data/pricing.csv $(DESTDIR)$(PREFIX)/share/spotsim/pricing.csv
	install -m 644 data/savings-plans.csv $(DESTDIR)$(PREFIX)/share/spotsim/savings-plans.csv
	install -d $(DESTDIR)$(PREFIX)/share/spotsim/plots
	install -m 644 plots/*.gp $(DESTDIR)$(PREFIX)/share/spotsim/plots/

clean:
	rm -rf build out

-include $(LIBOBJ:.o=.d) $(BUILD)/obj/cli/main.d $(TESTBIN:=.d) $(BENCHBIN:=.d)
