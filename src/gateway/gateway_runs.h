/*
 * gateway/gateway_runs.h — the registry of running agent turns, so chat.abort can stop one
 * from another request and a retried chat.send (same idempotencyKey) does not start a second.
 *
 * Contract: a run is registered (gateway_runs_add) by the job that executes it before
 * agent_turn() and removed (gateway_runs_remove) before that job's hook returns, so the job
 * pointer it holds is valid for as long as it is in the registry. Aborting means cancelling that
 * job: its cancel flag is the turn's abort flag. Finished runs with an idempotency key are
 * remembered (GATEWAY_RUNS_DONE_MAX) for retries. Everything is guarded by the app's mutex; no
 * function here blocks, so chat.abort can run on the gateway's loop thread.
 */
#ifndef CHELA_GATEWAY_GATEWAY_RUNS_H
#define CHELA_GATEWAY_GATEWAY_RUNS_H

#include "agent/agent.h"
#include "gateway/gateway_app_int.h"

#include <stdint.h>

#define GATEWAY_IDEM_MAX       128 /* idempotencyKey bytes */
#define GATEWAY_RUNS_DONE_MAX  64  /* finished runs remembered for idempotent retries */

struct gateway_run {
	char run_id[AGENT_RUN_ID_LEN + 1]; /* "" until the turn started */
	char session_key[SESSION_KEY_MAX + 1];
	char idem[GATEWAY_IDEM_MAX + 1];   /* "" = none */
	struct gateway_job *job;           /* NULL once finished */
	struct gateway_run *next;
};

/*
 * Register run (caller-owned storage; the registry copies it when it finishes). With an idem
 * key that is running or recently finished, nothing is added: returns 1 and writes that run's
 * id into run_id_out (maybe "") and whether it is still running into *running.
 */
int gateway_runs_add(struct gateway_app *app, struct gateway_run *run, char *run_id_out, size_t outlen, int *running);
/* The turn started: its id and canonical session key (chat.abort matches on both). */
void gateway_runs_set_id(struct gateway_app *app, struct gateway_run *run, const char *run_id, const char *session_key);
void gateway_runs_remove(struct gateway_app *app, struct gateway_run *run);
/* Abort the run run_id, or (run_id NULL) every run of session_key. Returns how many; their
 * ids are added to the array ids (may be NULL). */
int gateway_runs_abort(struct gateway_app *app, const char *session_key, const char *run_id, cJSON *ids);
/* Forget the remembered runs (gateway_app_close). */
void gateway_runs_free(struct gateway_app *app);

#endif
