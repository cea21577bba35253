/*
 * gateway/gateway_job.c — the worker pool that keeps long work off the event loop.
 *
 * The loop pushes jobs onto `todo`; a worker runs one, then pushes it onto `done` and writes
 * the eventfd; the loop wakes, drains `done` in order and delivers each result (and each event
 * a job emitted) to its connection if that connection still exists. Workers start on the
 * first job, so an idle gateway has no threads and no thread stacks.
 */
#include "gateway/gateway_int.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define JOB_WORKER_STACK (1024 * 1024) /* agent turns parse JSON and speak TLS; untouched pages cost nothing */

void gateway_result_error(struct gateway_result *res, int http_status, const char *code, const char *fmt, ...)
{
	va_list ap;

	cJSON_Delete(res->payload);
	res->payload = NULL;
	res->http_status = http_status;
	snprintf(res->code, sizeof res->code, "%s", code);
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof res->message, fmt, ap);
	va_end(ap);
}

int gateway_jobq_init(struct gateway *gw, char *err, size_t errlen)
{
	struct gateway_jobq *q = &gw->jq;

	memset(q, 0, sizeof *q);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->efd < 0)
		return err_set(err, errlen, "gateway: eventfd: %s", strerror(errno));
	return 0;
}

static void wake_loop(struct gateway_jobq *q)
{
	uint64_t one = 1;

	(void)!write(q->efd, &one, sizeof one);
}

/* Caller holds q->mu. */
static void push_done(struct gateway_jobq *q, struct gateway_msg *m)
{
	if (q->done_tail)
		q->done_tail->next = m;
	else
		q->done_head = m;
	q->done_tail = m;
}

static void *worker_main(void *arg)
{
	struct gateway *gw = arg;
	struct gateway_jobq *q = &gw->jq;

	for (;;) {
		struct gateway_job *job;
		struct gateway_msg *m;

		pthread_mutex_lock(&q->mu);
		while (q->todo_head == NULL && !q->stopping)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->todo_head == NULL) {
			pthread_mutex_unlock(&q->mu);
			return NULL;
		}
		job = q->todo_head;
		q->todo_head = job->next;
		if (q->todo_head == NULL)
			q->todo_tail = NULL;
		q->ntodo--;
		q->running++;
		pthread_mutex_unlock(&q->mu);

		job->fn(job->ctx, job, job->params, &job->res);

		m = xcalloc(1, sizeof *m);
		m->kind = MSG_DONE;
		m->job = job;
		pthread_mutex_lock(&q->mu);
		q->running--;
		push_done(q, m);
		pthread_mutex_unlock(&q->mu);
		wake_loop(q);
	}
}

struct gateway_job *gateway_job_new(struct gateway_conn *c, enum gateway_job_kind kind, gateway_method_fn fn,
				    const cJSON *params, const char *req_id, const char *method)
{
	struct gateway_job *job = xcalloc(1, sizeof *job);

	job->kind = kind;
	job->fn = fn;
	job->ctx = c->gw->hooks.ctx;
	job->params = params ? cJSON_Duplicate(params, 1) : NULL;
	job->req_id = req_id ? xstrdup(req_id) : NULL;
	job->method = xstrdup(method);
	job->conn_id = c->id;
	job->gw = c->gw;
	return job;
}

void gateway_job_free(struct gateway_job *job)
{
	if (job == NULL)
		return;
	cJSON_Delete(job->params);
	cJSON_Delete(job->res.payload);
	free(job->req_id);
	free(job->method);
	free(job);
}

int gateway_job_submit(struct gateway *gw, struct gateway_job *job)
{
	struct gateway_jobq *q = &gw->jq;
	struct gateway_conn *c;

	pthread_mutex_lock(&q->mu);
	if (q->ntodo >= GATEWAY_JOB_QUEUE_MAX || q->stopping) {
		pthread_mutex_unlock(&q->mu);
		log_event(LOG_WARN, "job.refused", "method=%s reason=queue_full", job->method);
		gateway_job_free(job);
		return -1;
	}
	/* One more worker when every existing one is busy, up to the cap. */
	if (q->nworkers < GATEWAY_JOB_WORKERS && q->running + q->ntodo >= q->nworkers) {
		pthread_attr_t attr;

		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, JOB_WORKER_STACK);
		if (pthread_create(&q->workers[q->nworkers], &attr, worker_main, gw) == 0)
			q->nworkers++;
		pthread_attr_destroy(&attr);
	}
	if (q->nworkers == 0) {
		pthread_mutex_unlock(&q->mu);
		log_event(LOG_ERROR, "job.refused", "method=%s reason=no_worker_thread", job->method);
		gateway_job_free(job);
		return -1;
	}
	job->next = NULL;
	if (q->todo_tail)
		q->todo_tail->next = job;
	else
		q->todo_head = job;
	q->todo_tail = job;
	q->ntodo++;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);

	job->inext = gw->inflight;
	if (gw->inflight)
		gw->inflight->iprev = job;
	gw->inflight = job;
	if ((c = gateway_conn_find(gw, job->conn_id)) != NULL)
		c->jobs++;
	log_event(LOG_DEBUG, "job.start", "conn=%llu method=%s", (unsigned long long)job->conn_id, job->method);
	return 0;
}

int gateway_job_cancelled(const struct gateway_job *job)
{
	return __atomic_load_n(&job->cancelled, __ATOMIC_ACQUIRE);
}

void gateway_job_cancel(struct gateway_job *job)
{
	__atomic_store_n(&job->cancelled, 1, __ATOMIC_RELEASE);
}

const volatile int *gateway_job_cancel_flag(const struct gateway_job *job)
{
	return &job->cancelled;
}

void gateway_jobq_push(struct gateway *gw, struct gateway_msg *m)
{
	struct gateway_jobq *q = &gw->jq;

	pthread_mutex_lock(&q->mu);
	push_done(q, m);
	pthread_mutex_unlock(&q->mu);
	wake_loop(q);
}

void gateway_job_emit(struct gateway_job *job, const char *event, cJSON *payload, int broadcast)
{
	struct gateway_msg *m = xcalloc(1, sizeof *m);

	m->kind = MSG_EVENT;
	m->conn_id = job->conn_id;
	m->broadcast = broadcast;
	m->event = xstrdup(event);
	m->payload = payload;
	gateway_jobq_push(job->gw, m);
}

/* see gateway_int.h */
struct gateway_msg *gateway_job_msg(struct gateway_job *job, enum gateway_msg_kind kind)
{
	struct gateway_msg *m = xcalloc(1, sizeof *m);

	m->kind = kind;
	m->job = job;
	m->conn_id = job->conn_id;
	return m;
}

void gateway_job_reply(struct gateway_job *job, cJSON *payload)
{
	struct gateway_msg *m;

	if (job->kind != JOB_WS || job->replied) {
		cJSON_Delete(payload);
		return;
	}
	job->replied = 1;
	m = gateway_job_msg(job, MSG_REPLY);
	m->payload = payload;
	gateway_jobq_push(job->gw, m);
}

static void deliver_event(struct gateway *gw, struct gateway_msg *m)
{
	struct gateway_conn *c, *next;

	for (c = m->broadcast ? gw->conns : gateway_conn_find(gw, m->conn_id); c; c = next) {
		next = m->broadcast ? c->next : NULL;
		if (c->state != CONN_WS || !c->ws_authed)
			continue;
		gateway_proto_event(c, m->event, m->payload ? cJSON_Duplicate(m->payload, 1) : NULL);
		gateway_conn_settle(c);
	}
}

/* An early answer or a piece of a streamed reply, for the connection that is waiting on it. */
static void deliver_partial(struct gateway *gw, struct gateway_msg *m)
{
	struct gateway_conn *c = gateway_conn_find(gw, m->conn_id);

	if (m->kind == MSG_STREAM_DATA)
		__atomic_sub_fetch(&m->job->stream_pending, m->len, __ATOMIC_ACQ_REL);
	if (c == NULL)
		return;
	if (m->kind == MSG_REPLY && c->state == CONN_WS) {
		gateway_proto_job_reply(c, m->job, m->payload);
		m->payload = NULL;
	} else if (m->kind == MSG_STREAM_HEAD && c->state == CONN_WAIT_JOB) {
		gateway_stream_head(c, m->status, m->event);
	} else if (m->kind == MSG_STREAM_DATA && c->state == CONN_WAIT_JOB && c->streaming) {
		gateway_stream_data(c, m->data, m->len);
		if (c->out.len > GATEWAY_STREAM_UNSENT_MAX) {
			log_event(LOG_WARN, "conn.too_slow", "conn=%llu ip=%s unsent=%zu streaming=1",
				  (unsigned long long)c->id, c->ip, c->out.len);
			c->dead = 1;
		}
	}
	gateway_conn_settle(c);
}

static void deliver_result(struct gateway *gw, struct gateway_job *job)
{
	struct gateway_conn *c = gateway_conn_find(gw, job->conn_id);

	if (job->iprev)
		job->iprev->inext = job->inext;
	else
		gw->inflight = job->inext;
	if (job->inext)
		job->inext->iprev = job->iprev;
	log_event(LOG_DEBUG, "job.done", "conn=%llu method=%s ok=%d", (unsigned long long)job->conn_id, job->method,
		  job->res.payload != NULL);
	if (c == NULL)
		return; /* the client left; its answer goes nowhere */
	c->jobs--;
	if (job->kind == JOB_HTTP && c->state == CONN_WAIT_JOB) {
		if (c->streaming)
			gateway_stream_end(c);
		else
			gateway_http_job_done(c, job);
		gateway_conn_process(c); /* pipelined requests waited behind this one */
	} else if (job->kind == JOB_WS && c->state == CONN_WS && !job->replied) {
		gateway_proto_job_done(c, job);
	}
	gateway_conn_settle(c);
}

void gateway_jobq_drain(struct gateway *gw)
{
	struct gateway_jobq *q = &gw->jq;
	struct gateway_msg *m, *next;
	uint64_t n;

	(void)!read(q->efd, &n, sizeof n);
	pthread_mutex_lock(&q->mu);
	m = q->done_head;
	q->done_head = q->done_tail = NULL;
	pthread_mutex_unlock(&q->mu);
	for (; m; m = next) {
		next = m->next;
		if (m->kind == MSG_DONE) {
			deliver_result(gw, m->job);
			gateway_job_free(m->job);
		} else if (m->kind == MSG_EVENT) {
			deliver_event(gw, m);
		} else {
			deliver_partial(gw, m);
		}
		cJSON_Delete(m->payload);
		free(m->event);
		free(m->data);
		free(m);
	}
}

void gateway_jobq_cancel_all(struct gateway *gw)
{
	struct gateway_job *j;

	for (j = gw->inflight; j; j = j->inext)
		__atomic_store_n(&j->cancelled, 1, __ATOMIC_RELEASE);
}

void gateway_jobq_cancel_conn(struct gateway *gw, uint64_t conn_id)
{
	struct gateway_job *j;

	for (j = gw->inflight; j; j = j->inext)
		if (j->conn_id == conn_id)
			gateway_job_cancel(j);
}

int gateway_jobq_busy(struct gateway *gw)
{
	return gw->inflight != NULL;
}

int gateway_jobq_stop(struct gateway *gw)
{
	struct gateway_jobq *q = &gw->jq;
	int i, idle;

	pthread_mutex_lock(&q->mu);
	q->stopping = 1;
	idle = q->running == 0 && q->ntodo == 0;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	/* A worker stuck in a hook past the grace period is left to die with the process. */
	if (idle)
		for (i = 0; i < q->nworkers; i++)
			pthread_join(q->workers[i], NULL);
	return idle;
}
