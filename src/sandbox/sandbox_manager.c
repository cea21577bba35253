/* sandbox/sandbox_manager.c — see sandbox_manager.h (ensure, create, exec, remove). */
#include "sandbox/sandbox_int.h"
#include "sandbox/sandbox_binds.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MGR_MAX_LIST   (CONFIG_MAX_LIST_ITEMS + 1)
#define MGR_SECCOMP_MAX (1024 * 1024)

int sandbox_mgr_init(struct sandbox_mgr *m, const struct config *cfg, struct docker *d, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	m->cfg = cfg;
	m->docker = d;
	m->state_dir = fs_path_join(cfg->state_dir, "sandboxes/.state");
	return 0;
}

void sandbox_mgr_free(struct sandbox_mgr *m)
{
	if (m == NULL)
		return;
	free(m->state_dir);
	sandbox_host_free(&m->host);
	memset(m, 0, sizeof *m);
}

void sandbox_handle_free(struct sandbox_handle *h)
{
	if (h == NULL)
		return;
	sandbox_spec_free(&h->spec);
	memset(h, 0, sizeof *h);
}

/* Everything the create call borrows, kept together so one function can free it. */
struct create_req {
	struct docker_create_opts o;
	struct docker_bind *binds;
	struct docker_tmpfs *tmpfs;
	struct docker_ulimit *ulimits;
	struct docker_kv labels[5];
	char created[32];
	const char *cap_drop[MGR_MAX_LIST], *cap_add[MGR_MAX_LIST], *dns[MGR_MAX_LIST], *hosts[MGR_MAX_LIST];
	const char *secopt[4];
	const char **env;
	char **owned; /* strings to free */
	int nowned;
	const char *cmd[3];
};

static char *req_own(struct create_req *r, char *s)
{
	r->owned = xrealloc(r->owned, (size_t)(r->nowned + 1) * sizeof *r->owned);
	r->owned[r->nowned++] = s;
	return s;
}

static void req_free(struct create_req *r)
{
	int i;

	for (i = 0; i < r->nowned; i++)
		free(r->owned[i]);
	free(r->owned);
	free(r->binds);
	free(r->tmpfs);
	free(r->ulimits);
	free(r->env);
}

static void list_copy(const char **dst, const struct config_list *l)
{
	int i;

	for (i = 0; i < l->n && i < MGR_MAX_LIST - 1; i++)
		dst[i] = l->items[i];
	dst[i] = NULL;
}

static int ulimits_build(struct create_req *r, const struct config_list *l, char *err, size_t errlen)
{
	int i;

	r->ulimits = xcalloc((size_t)l->n + 1, sizeof *r->ulimits);
	for (i = 0; i < l->n; i++) {
		const char *eq = strchr(l->items[i], '=');
		long long soft, hard;
		char *end;

		if (eq == NULL)
			return err_set(err, errlen, "sandbox: ulimit \"%s\" must be name=soft[:hard]", l->items[i]);
		soft = strtoll(eq + 1, &end, 10);
		hard = *end == ':' ? strtoll(end + 1, &end, 10) : soft;
		if (*end != '\0')
			return err_set(err, errlen, "sandbox: ulimit \"%s\" must be name=soft[:hard]", l->items[i]);
		r->ulimits[i].name = req_own(r, xstrndup(l->items[i], (size_t)(eq - l->items[i])));
		r->ulimits[i].soft = soft;
		r->ulimits[i].hard = hard;
	}
	r->o.ulimits = r->ulimits;
	r->o.nulimits = (size_t)l->n;
	return 0;
}

/* Fill the create request from the spec, translating mount sources to host paths. */
static int req_build(struct sandbox_mgr *m, const struct sandbox_spec *s, struct create_req *r, char *err,
		     size_t errlen)
{
	const struct config_docker *d = s->docker;
	int i, n = 0;

	memset(r, 0, sizeof *r);
	r->o.name = s->name;
	r->o.image = d->image;
	r->cmd[0] = "sleep";
	r->cmd[1] = "infinity";
	r->o.cmd = r->cmd;
	r->env = xcalloc((size_t)s->nenv + 1, sizeof *r->env);
	for (i = 0; i < s->nenv; i++)
		r->env[i] = s->env[i];
	r->o.env = r->env;
	r->o.workdir = d->workdir && *d->workdir ? d->workdir : NULL;
	r->o.user = s->user[0] ? s->user : NULL;
	snprintf(r->created, sizeof r->created, "%lld", (long long)clock_wall_ms());
	r->labels[0] = (struct docker_kv){SANDBOX_LABEL, "1"};
	r->labels[1] = (struct docker_kv){SANDBOX_LABEL_SCOPE, s->scope_key};
	r->labels[2] = (struct docker_kv){SANDBOX_LABEL_HASH, s->hash};
	r->labels[3] = (struct docker_kv){SANDBOX_LABEL_CREATED, r->created};
	r->labels[4] = (struct docker_kv){SANDBOX_LABEL_AGENT, s->agent_id};
	r->o.labels = r->labels;
	r->o.nlabels = 5;
	r->binds = xcalloc((size_t)s->nmounts + 1, sizeof *r->binds);
	for (i = 0; i < s->nmounts; i++) {
		char *src = sandbox_host_path(&m->host, s->mounts[i].source, err, errlen);

		if (src == NULL)
			return -1;
		req_own(r, src);
		/* A user bind that maps to a refused host path is refused again on the host side. */
		if (s->mounts[i].kind == SANDBOX_MOUNT_BIND && m->host.in_container &&
		    sandbox_bind_check_path(s->mounts[i].origin, src, src, 1, NULL, NULL, 0, err, errlen) < 0)
			return err_prefix(err, errlen, "on the host");
		r->binds[i] = (struct docker_bind){src, s->mounts[i].target, s->mounts[i].read_only};
	}
	r->o.binds = r->binds;
	r->o.nbinds = (size_t)s->nmounts;
	r->tmpfs = xcalloc((size_t)s->ntmpfs + 1, sizeof *r->tmpfs);
	for (i = 0; i < s->ntmpfs; i++)
		r->tmpfs[i] = (struct docker_tmpfs){s->tmpfs[i].path, s->tmpfs[i].options};
	r->o.tmpfs = r->tmpfs;
	r->o.ntmpfs = (size_t)s->ntmpfs;
	r->o.network_mode = d->network && *d->network ? d->network : "none";
	r->o.readonly_rootfs = d->read_only_root;
	list_copy(r->cap_drop, &d->cap_drop);
	list_copy(r->cap_add, &d->cap_add);
	list_copy(r->dns, &d->dns);
	list_copy(r->hosts, &d->extra_hosts);
	r->o.cap_drop = r->cap_drop;
	r->o.cap_add = r->cap_add;
	r->o.dns = r->dns;
	r->o.extra_hosts = r->hosts;
	r->secopt[n++] = "no-new-privileges";
	if (d->seccomp_profile && *d->seccomp_profile) {
		char *json = NULL;
		size_t len = 0;

		/* Docker wants the profile's JSON itself; "unconfined" is the one literal it takes. */
		if (strcmp(d->seccomp_profile, "unconfined") == 0)
			r->secopt[n++] = "seccomp=unconfined";
		else if (fs_read_file(d->seccomp_profile, MGR_SECCOMP_MAX, &json, &len, err, errlen) < 0)
			return err_prefix(err, errlen, "sandbox: seccomp_profile");
		else {
			struct buf b;

			buf_init(&b, MGR_SECCOMP_MAX + 16);
			buf_printf(&b, "seccomp=%s", json);
			free(json);
			r->secopt[n++] = req_own(r, buf_take(&b));
		}
	}
	if (d->apparmor_profile && *d->apparmor_profile) {
		struct buf b;

		buf_init(&b, 1024);
		buf_printf(&b, "apparmor=%s", d->apparmor_profile);
		r->secopt[n++] = req_own(r, buf_take(&b));
	}
	r->secopt[n] = NULL;
	r->o.security_opt = r->secopt;
	r->o.pids_limit = d->pids_limit;
	r->o.memory = d->memory;
	r->o.memory_swap = d->memory_swap;
	r->o.nano_cpus = (int64_t)(d->cpus * 1e9);
	r->o.runtime = d->runtime && *d->runtime ? d->runtime : NULL;
	r->o.init = 1;
	return ulimits_build(r, &d->ulimits, err, errlen);
}

/* setup_command, once, right after create: `sh -lc CMD` as the container's user. */
static int run_setup(struct sandbox_mgr *m, struct sandbox_handle *h, char *err, size_t errlen)
{
	const char *cmd[] = {"sh", "-lc", h->spec.docker->setup_command, NULL};
	struct docker_exec_opts o;
	struct docker_exec_result res;
	/* docker_exec wants a NULL-terminated env; spec.env is counted (nenv) and has no NULL at its
	 * end, so passing it read past the array (a crash with the default one-entry env). */
	char **env = sandbox_exec_env(&h->spec, NULL);
	int rc;

	memset(&o, 0, sizeof o);
	memset(&res, 0, sizeof res);
	o.cmd = cmd;
	o.env = (const char *const *)env;
	o.timeout_ms = SANDBOX_SETUP_TIMEOUT_MS;
	rc = docker_exec_run(m->docker, h->id, &o, &res, err, errlen);
	sandbox_env_free(env);
	if (rc == 0 && (res.timed_out || res.exit_code != 0)) {
		const char *tail = res.err.len ? res.err.data : res.out.data ? res.out.data : "";
		size_t tl = strlen(tail);

		err_set(err, errlen, "sandbox: setup_command %s in %s: %s%s (network is \"%s\", root fs %s)",
			res.timed_out ? "timed out" : "failed", h->spec.name, tl > 300 ? "..." : "",
			tl > 300 ? tail + tl - 300 : tail, h->spec.docker->network,
			h->spec.docker->read_only_root ? "read-only: set read_only_root = false to install packages"
							: "writable");
		rc = -1;
	}
	docker_exec_result_free(&res);
	if (rc == 0)
		h->setup_ran = 1;
	return rc;
}

static int create_fresh(struct sandbox_mgr *m, struct sandbox_handle *h, char *err, size_t errlen)
{
	const struct config_docker *d = h->spec.docker;
	struct create_req r;
	int rc;

	rc = docker_image_inspect(m->docker, d->image, NULL, err, errlen);
	if (rc == DOCKER_NOT_FOUND)
		return err_set(err, errlen, "sandbox: image \"%s\" is not present on this engine: " SANDBOX_IMAGE_HINT,
			       d->image);
	if (rc < 0)
		return -1;
	if (sandbox_workspace_prepare(&h->spec, err, errlen) < 0)
		return -1;
	if (!m->host_detected) {
		if (sandbox_host_detect(m->docker, "/proc/self", &m->host, err, errlen) < 0)
			return -1;
		m->host_detected = 1;
	}
	if (req_build(m, &h->spec, &r, err, errlen) < 0) {
		req_free(&r);
		return -1;
	}
	rc = docker_container_create(m->docker, &r.o, h->id, err, errlen);
	req_free(&r);
	if (rc == DOCKER_NOT_FOUND)
		return err_set(err, errlen, "sandbox: image \"%s\" is not present on this engine: " SANDBOX_IMAGE_HINT,
			       d->image);
	if (rc < 0)
		return -1;
	h->created = 1;
	sandbox_state_forget(m, h->spec.name);
	if (docker_container_start(m->docker, h->id, err, errlen) < 0)
		goto fail;
	log_event(LOG_INFO, "sandbox.create", "name=%s scope=%s", h->spec.name, log_quote(h->spec.scope_key));
	if (d->setup_command && *d->setup_command) {
		if (run_setup(m, h, err, errlen) < 0)
			goto fail;
		if (sandbox_setup_record(m, h->spec.name, h->id, err, errlen) < 0)
			goto fail;
	}
	return 0;
fail:
	/* A container that never finished its setup must not be reused as if it had. */
	docker_container_remove(m->docker, h->id, 1, 1, NULL, 0);
	h->id[0] = '\0';
	return -1;
}

/* The container exists: decide between reuse, start, and recreate. 1 means "create anew". */
static int use_existing(struct sandbox_mgr *m, struct sandbox_handle *h, struct docker_container *c, char *err,
			size_t errlen)
{
	const char *hash = docker_container_label(c, SANDBOX_LABEL_HASH);
	const char *setup = h->spec.docker->setup_command;
	int64_t last = sandbox_last_used_ms(m, h->spec.name);

	snprintf(h->id, sizeof h->id, "%s", c->id ? c->id : h->spec.name);
	if (setup && *setup && !sandbox_setup_done(m, h->spec.name, h->id)) {
		log_event(LOG_WARN, "sandbox.recreate", "name=%s reason=setup_incomplete", h->spec.name);
		goto recreate;
	}
	if (hash == NULL || strcmp(hash, h->spec.hash) != 0) {
		if (last && clock_wall_ms() - last < SANDBOX_STALE_GRACE_MS) {
			h->stale = 1; /* in use right now: swap it out once it has been idle a while */
		} else {
			log_event(LOG_INFO, "sandbox.recreate", "name=%s reason=config_changed", h->spec.name);
			goto recreate;
		}
	}
	if (!c->running) {
		if (docker_container_start(m->docker, h->id, err, errlen) < 0) {
			log_event(LOG_WARN, "sandbox.recreate", "name=%s reason=start_failed", h->spec.name);
			goto recreate;
		}
		h->started = 1;
		if (sandbox_workspace_prepare(&h->spec, err, errlen) < 0)
			return -1;
	}
	return 0;
recreate:
	if (docker_container_remove(m->docker, h->id, 1, 1, err, errlen) == -1)
		return -1;
	sandbox_state_forget(m, h->spec.name);
	h->recreated = 1;
	h->id[0] = '\0';
	return 1;
}

int sandbox_ensure(struct sandbox_mgr *m, const struct config_agent *agent, const char *session_key,
		   struct sandbox_handle *h, char *err, size_t errlen)
{
	char scope[SESSION_KEY_MAX + 64];
	struct docker_container c;
	int lock = -1, rc = -1, attempt;

	memset(h, 0, sizeof *h);
	memset(&c, 0, sizeof c);
	sandbox_decide(agent->sandbox.mode, agent->id, m->cfg->session.main_key, session_key, &h->decision);
	if (!h->decision.sandboxed)
		return 0;
	if (m->docker == NULL)
		return err_set(err, errlen, "sandbox: no Docker engine connection");
	if (sandbox_scope_key(agent->sandbox.scope, agent->id, session_key, scope, sizeof scope) < 0)
		return err_set(err, errlen, "sandbox: session key too long (%zu bytes)", strlen(session_key));
	if (sandbox_spec_build(agent, scope, m->cfg->state_dir, &h->spec, err, errlen) < 0)
		return -1;
	if (sandbox_lock_acquire(m, h->spec.name, &lock, err, errlen) < 0)
		goto out;
	/* Two rounds at most: an existing container may need recreating, or a 409 means someone
	 * outside our lock (another state dir, another host) created it first. */
	for (attempt = 0; attempt < 3; attempt++) {
		int r = docker_container_inspect(m->docker, h->spec.name, &c, err, errlen);

		if (r == 0) {
			r = use_existing(m, h, &c, err, errlen);
			docker_container_free(&c);
			if (r <= 0) {
				rc = r;
				break;
			}
		} else if (r != DOCKER_NOT_FOUND) {
			docker_container_free(&c);
			break;
		}
		docker_container_free(&c);
		if (create_fresh(m, h, err, errlen) == 0) {
			rc = 0;
			break;
		}
		if (strstr(err, ": 409") == NULL)
			break; /* anything but a name conflict is final */
	}
	if (rc == 0)
		sandbox_mark_used(m, h->spec.name);
out:
	sandbox_lock_release(lock);
	if (rc < 0)
		sandbox_spec_free(&h->spec);
	return rc;
}

int sandbox_exec(struct sandbox_mgr *m, const struct sandbox_handle *h, const struct docker_exec_opts *o,
		 struct docker_exec_result *res, char *err, size_t errlen)
{
	struct docker_exec_opts eo = *o;
	char **env;
	int rc;

	if (!h->decision.sandboxed || h->id[0] == '\0')
		return err_set(err, errlen, "sandbox: this session has no sandbox container");
	env = sandbox_exec_env(&h->spec, o->env);
	eo.env = (const char *const *)env;
	if (eo.workdir == NULL && h->spec.docker->workdir && *h->spec.docker->workdir)
		eo.workdir = h->spec.docker->workdir;
	sandbox_mark_used(m, h->spec.name);
	rc = docker_exec_run(m->docker, h->id, &eo, res, err, errlen);
	sandbox_env_free(env);
	return rc;
}

int sandbox_remove(struct sandbox_mgr *m, const char *name, char *err, size_t errlen)
{
	int lock = -1, rc;

	if (sandbox_lock_acquire(m, name, &lock, err, errlen) < 0)
		return -1;
	rc = docker_container_remove(m->docker, name, 1, 1, err, errlen);
	if (rc == 0 || rc == DOCKER_NOT_FOUND)
		sandbox_state_forget(m, name);
	sandbox_lock_release(lock);
	return rc;
}
