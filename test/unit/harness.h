/*
 * test/unit/harness.h — chela's tiny in-tree unit-test harness (header only).
 *
 *   TEST(name) { CHECK(x == 1); CHECK_STR(got, "want"); }
 *   int main(void) { RUN(name); return harness_done(); }
 *
 * Each test prints one line, "ok <file>: <name>" or "not ok <file>: <name>: <where>: <what>";
 * test/run.sh counts those lines. A failed CHECK ends that test (the rest still run).
 */
#ifndef CHELA_TEST_HARNESS_H
#define CHELA_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_failed_now, harness_passed, harness_failed;
static char harness_why[1024];

#define TEST(name) static void name(void)

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			snprintf(harness_why, sizeof harness_why, "%s:%d: %s", __FILE__, __LINE__, #cond); \
			harness_failed_now = 1;                                                  \
			return;                                                                  \
		}                                                                                \
	} while (0)

#define CHECK_STR(got, want)                                                                     \
	do {                                                                                     \
		const char *g_ = (got), *w_ = (want);                                            \
		if (g_ == NULL || strcmp(g_, w_) != 0) {                                         \
			snprintf(harness_why, sizeof harness_why, "%s:%d: got \"%s\", want \"%s\"", __FILE__, \
				 __LINE__, g_ ? g_ : "(null)", w_);                              \
			harness_failed_now = 1;                                                  \
			return;                                                                  \
		}                                                                                \
	} while (0)

#define CHECK_CONTAINS(got, needle)                                                              \
	do {                                                                                     \
		const char *g_ = (got), *n_ = (needle);                                          \
		if (g_ == NULL || strstr(g_, n_) == NULL) {                                      \
			snprintf(harness_why, sizeof harness_why, "%s:%d: \"%s\" does not contain \"%s\"", \
				 __FILE__, __LINE__, g_ ? g_ : "(null)", n_);                    \
			harness_failed_now = 1;                                                  \
			return;                                                                  \
		}                                                                                \
	} while (0)

#define RUN(name) RUN_AS(name, #name)

/* The same test body again under another reported name (e.g. a second mode of the code). */
#define RUN_AS(fn, label)                                                                        \
	do {                                                                                     \
		harness_failed_now = 0;                                                          \
		fn();                                                                            \
		if (harness_failed_now) {                                                        \
			harness_failed++;                                                        \
			printf("not ok %s: %s: %s\n", __FILE__, label, harness_why);             \
		} else {                                                                         \
			harness_passed++;                                                        \
			printf("ok %s: %s\n", __FILE__, label);                                  \
		}                                                                                \
		fflush(stdout);                                                                  \
	} while (0)

static inline int harness_done(void)
{
	return harness_failed ? 1 : 0;
}

#endif
