/*
 * gateway/gateway_runs.c — running turns by run id, session and idempotency key (see
 * gateway_runs.h). Lists are short (one entry per running turn, plus a bounded tail of
 * finished ones), so plain linked lists under the app mutex are enough.
 */
#include "gateway/gateway_runs.h"
#include "util/mem.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

static struct gateway_run *find_idem(struct gateway_run *l, const char *key, const char *idem)
{
	for (; l; l = l->next)
		if (strcmp(l->idem, idem) == 0 && strcmp(l->session_key, key) == 0)
			return l;
	return NULL;
}

int gateway_runs_add(struct gateway_app *app, struct gateway_run *run, char *run_id_out, size_t outlen, int *running)
{
	struct gateway_run *prev = NULL;

	pthread_mutex_lock(&app->mu);
	if (run->idem[0]) {
		if ((prev = find_idem(app->runs, run->session_key, run->idem)) != NULL)
			*running = 1;
		else if ((prev = find_idem(app->done, run->session_key, run->idem)) != NULL)
			*running = 0;
	}
	if (prev) {
		snprintf(run_id_out, outlen, "%s", prev->run_id);
	} else {
		run->next = app->runs;
		app->runs = run;
	}
	pthread_mutex_unlock(&app->mu);
	return prev != NULL;
}

void gateway_runs_set_id(struct gateway_app *app, struct gateway_run *run, const char *run_id, const char *session_key)
{
	pthread_mutex_lock(&app->mu);
	snprintf(run->run_id, sizeof run->run_id, "%s", run_id);
	snprintf(run->session_key, sizeof run->session_key, "%s", session_key);
	pthread_mutex_unlock(&app->mu);
}

/* Caller holds the mutex: keep at most GATEWAY_RUNS_DONE_MAX finished runs, newest first. */
static void remember(struct gateway_app *app, const struct gateway_run *run)
{
	struct gateway_run *d = xcalloc(1, sizeof *d), **pp;
	int n = 0;

	*d = *run;
	d->job = NULL;
	d->next = app->done;
	app->done = d;
	for (pp = &app->done; *pp; pp = &(*pp)->next)
		if (++n > GATEWAY_RUNS_DONE_MAX) {
			struct gateway_run *x = *pp;

			*pp = NULL;
			while (x) {
				struct gateway_run *nx = x->next;

				free(x);
				x = nx;
			}
			break;
		}
}

void gateway_runs_remove(struct gateway_app *app, struct gateway_run *run)
{
	struct gateway_run **pp;

	pthread_mutex_lock(&app->mu);
	for (pp = &app->runs; *pp; pp = &(*pp)->next)
		if (*pp == run) {
			*pp = run->next;
			break;
		}
	run->job = NULL;
	if (run->idem[0])
		remember(app, run);
	pthread_mutex_unlock(&app->mu);
}

int gateway_runs_abort(struct gateway_app *app, const char *session_key, const char *run_id, cJSON *ids)
{
	struct gateway_run *r;
	int n = 0;

	pthread_mutex_lock(&app->mu);
	for (r = app->runs; r; r = r->next) {
		if (run_id ? strcmp(r->run_id, run_id) != 0 : strcmp(r->session_key, session_key) != 0)
			continue;
		if (r->job == NULL)
			continue;
		gateway_job_cancel(r->job);
		if (ids)
			cJSON_AddItemToArray(ids, cJSON_CreateString(r->run_id));
		n++;
	}
	pthread_mutex_unlock(&app->mu);
	return n;
}

void gateway_runs_free(struct gateway_app *app)
{
	while (app->done) {
		struct gateway_run *x = app->done;

		app->done = x->next;
		free(x);
	}
}
