/* docker/docker_container.c — create/start/stop/kill/remove/inspect/list. See docker.h. */
#include "docker/docker_int.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *str_list(const char *const *v)
{
	cJSON *a = cJSON_CreateArray();

	for (; v && *v; v++)
		cJSON_AddItemToArray(a, cJSON_CreateString(*v));
	return a;
}

static void add_list(cJSON *obj, const char *key, const char *const *v)
{
	if (v)
		cJSON_AddItemToObject(obj, key, str_list(v));
}

static void add_str(cJSON *obj, const char *key, const char *v)
{
	if (v && *v)
		cJSON_AddStringToObject(obj, key, v);
}

static void add_num(cJSON *obj, const char *key, int64_t v)
{
	if (v > 0)
		cJSON_AddNumberToObject(obj, key, (double)v);
}

/* tmpfs without size= gets half of RAM, and a bind of a relative path means something else
 * entirely to the engine (a named volume): refuse both here with a sentence. */
static int check_opts(const struct docker_create_opts *o, char *err, size_t errlen)
{
	size_t k;

	if (o->image == NULL || *o->image == '\0')
		return err_set(err, errlen, "docker: container create: no image given");
	for (k = 0; k < o->ntmpfs; k++) {
		const char *p = o->tmpfs[k].path, *opt = o->tmpfs[k].options;
		if (p == NULL || p[0] != '/')
			return err_set(err, errlen, "docker: container create: tmpfs path \"%s\" must be absolute",
				       p ? p : "");
		if (opt == NULL || (strncmp(opt, "size=", 5) != 0 && strstr(opt, ",size=") == NULL))
			return err_set(err, errlen,
				       "docker: container create: tmpfs %s needs a size= option (without it the "
				       "engine allows half of RAM)", p);
	}
	for (k = 0; k < o->nbinds; k++) {
		const struct docker_bind *b = &o->binds[k];
		if (b->source == NULL || b->source[0] != '/' || b->target == NULL || b->target[0] != '/')
			return err_set(err, errlen, "docker: container create: bind %s:%s: both paths must be absolute",
				       b->source ? b->source : "", b->target ? b->target : "");
	}
	for (k = 0; k < o->nlabels; k++)
		if (o->labels[k].key == NULL || o->labels[k].key[0] == '\0' || o->labels[k].value == NULL)
			return err_set(err, errlen, "docker: container create: label %zu has no key or value", k);
	for (k = 0; k < o->nulimits; k++)
		if (o->ulimits[k].name == NULL || o->ulimits[k].soft > o->ulimits[k].hard)
			return err_set(err, errlen, "docker: container create: ulimit %s: soft above hard",
				       o->ulimits[k].name ? o->ulimits[k].name : "(unnamed)");
	return 0;
}

/* see docker.h */
int docker_create_body(const struct docker_create_opts *o, struct buf *out, char *err, size_t errlen)
{
	cJSON *root, *hc, *x;
	char *text;
	size_t k;
	int rc = 0;

	if (check_opts(o, err, errlen) < 0)
		return -1;
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "Image", o->image);
	add_list(root, "Cmd", o->cmd);
	add_list(root, "Entrypoint", o->entrypoint);
	add_list(root, "Env", o->env);
	add_str(root, "WorkingDir", o->workdir);
	add_str(root, "User", o->user);
	add_str(root, "Hostname", o->hostname);
	cJSON_AddBoolToObject(root, "Tty", o->tty != 0);
	cJSON_AddBoolToObject(root, "OpenStdin", o->open_stdin != 0);
	cJSON_AddBoolToObject(root, "AttachStdin", 0);
	cJSON_AddBoolToObject(root, "AttachStdout", 0);
	cJSON_AddBoolToObject(root, "AttachStderr", 0);
	x = cJSON_AddObjectToObject(root, "Labels");
	for (k = 0; k < o->nlabels; k++)
		cJSON_AddStringToObject(x, o->labels[k].key, o->labels[k].value);

	hc = cJSON_AddObjectToObject(root, "HostConfig");
	x = cJSON_AddArrayToObject(hc, "Mounts");
	for (k = 0; k < o->nbinds; k++) {
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "Type", "bind");
		cJSON_AddStringToObject(m, "Source", o->binds[k].source);
		cJSON_AddStringToObject(m, "Target", o->binds[k].target);
		cJSON_AddBoolToObject(m, "ReadOnly", o->binds[k].readonly != 0);
		cJSON_AddItemToArray(x, m);
	}
	if (o->ntmpfs) {
		x = cJSON_AddObjectToObject(hc, "Tmpfs");
		for (k = 0; k < o->ntmpfs; k++)
			cJSON_AddStringToObject(x, o->tmpfs[k].path, o->tmpfs[k].options);
	}
	add_str(hc, "NetworkMode", o->network_mode);
	cJSON_AddBoolToObject(hc, "ReadonlyRootfs", o->readonly_rootfs != 0);
	add_list(hc, "CapDrop", o->cap_drop);
	add_list(hc, "CapAdd", o->cap_add);
	add_list(hc, "SecurityOpt", o->security_opt);
	add_num(hc, "PidsLimit", o->pids_limit);
	add_num(hc, "Memory", o->memory);
	/* -1 is the engine's "unlimited swap"; pass it through. */
	if (o->memory_swap > 0 || o->memory_swap == -1)
		cJSON_AddNumberToObject(hc, "MemorySwap", (double)o->memory_swap);
	add_num(hc, "NanoCpus", o->nano_cpus);
	if (o->nulimits) {
		x = cJSON_AddArrayToObject(hc, "Ulimits");
		for (k = 0; k < o->nulimits; k++) {
			cJSON *u = cJSON_CreateObject();
			cJSON_AddStringToObject(u, "Name", o->ulimits[k].name);
			cJSON_AddNumberToObject(u, "Soft", (double)o->ulimits[k].soft);
			cJSON_AddNumberToObject(u, "Hard", (double)o->ulimits[k].hard);
			cJSON_AddItemToArray(x, u);
		}
	}
	add_str(hc, "Runtime", o->runtime);
	if (o->init)
		cJSON_AddBoolToObject(hc, "Init", 1);
	add_list(hc, "Dns", o->dns);
	add_list(hc, "ExtraHosts", o->extra_hosts);

	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (text == NULL || buf_puts(out, text) < 0)
		rc = err_set(err, errlen, "docker: container create: request body too large");
	free(text);
	return rc;
}

/* see docker.h */
int docker_container_create(struct docker *d, const struct docker_create_opts *o, char id[65], char *err,
			    size_t errlen)
{
	struct buf body, path;
	struct http_resp r;
	cJSON *j = NULL;
	const cJSON *v;
	int rc = -1;

	id[0] = '\0';
	memset(&r, 0, sizeof r);
	buf_init(&body, 4 * 1024 * 1024);
	buf_init(&path, 1024);
	if (docker_create_body(o, &body, err, errlen) < 0)
		goto out;
	buf_puts(&path, "/containers/create");
	if (o->name) {
		buf_puts(&path, "?name=");
		docker_url_escape(&path, o->name);
	}
	if (docker_call(d, "POST", path.data, 1, "application/json", body.data, body.len, DOCKER_MAX_RESPONSE, &r,
			err, errlen) < 0)
		goto out;
	if (r.status == 404) {
		/* Usually the image (no pull here, by design); a missing network is also a 404. */
		rc = docker_status_error(&r, "POST", path.data, err, errlen);
		if (strstr(err ? err : "", "image") != NULL || strstr(err ? err : "", "Image") != NULL)
			err_set(err, errlen, "docker: image \"%s\" not found (chela never pulls; build or load it "
				"first)", o->image);
		goto out;
	}
	if (r.status != 201) {
		rc = docker_status_error(&r, "POST", path.data, err, errlen);
		goto out;
	}
	if ((j = docker_json_parse(&r, "POST", path.data, err, errlen)) == NULL)
		goto out;
	v = cJSON_GetObjectItemCaseSensitive(j, "Id");
	if (!cJSON_IsString(v) || v->valuestring == NULL || strlen(v->valuestring) > 64 || !*v->valuestring) {
		err_set(err, errlen, "docker: POST /containers/create: the answer has no container Id");
		goto out;
	}
	memcpy(id, v->valuestring, strlen(v->valuestring) + 1);
	rc = 0;
out:
	cJSON_Delete(j);
	http_resp_free(&r);
	buf_free(&body);
	buf_free(&path);
	return rc;
}

/* One POST/DELETE on /containers/{id}{suffix} where any status in ok[] is success. */
static int container_simple(struct docker *d, const char *method, const char *id, const char *suffix,
			    const int *ok, size_t nok, char *err, size_t errlen)
{
	struct buf path;
	struct http_resp r;
	int rc = -1;
	size_t k;

	memset(&r, 0, sizeof r);
	buf_init(&path, 1024);
	buf_puts(&path, "/containers/");
	docker_url_escape(&path, id);
	buf_puts(&path, suffix);
	if (docker_call(d, method, path.data, 1, NULL, NULL, 0, DOCKER_MAX_ERROR_BODY, &r, err, errlen) < 0)
		goto out;
	for (k = 0; k < nok; k++)
		if (r.status == ok[k])
			rc = 0;
	if (rc < 0)
		rc = docker_status_error(&r, method, path.data, err, errlen);
out:
	http_resp_free(&r);
	buf_free(&path);
	return rc;
}

int docker_container_start(struct docker *d, const char *id, char *err, size_t errlen)
{
	static const int ok[] = { 204, 304 };
	return container_simple(d, "POST", id, "/start", ok, 2, err, errlen);
}

int docker_container_stop(struct docker *d, const char *id, int timeout_s, char *err, size_t errlen)
{
	static const int ok[] = { 204, 304 };
	char suffix[32];

	snprintf(suffix, sizeof suffix, "/stop?t=%d", timeout_s < 0 ? 0 : timeout_s);
	return container_simple(d, "POST", id, suffix, ok, 2, err, errlen);
}

int docker_container_kill(struct docker *d, const char *id, const char *signal, char *err, size_t errlen)
{
	static const int ok[] = { 204 };
	struct buf suffix;
	int rc;

	buf_init(&suffix, 128);
	buf_puts(&suffix, "/kill?signal=");
	docker_url_escape(&suffix, signal ? signal : "KILL");
	rc = container_simple(d, "POST", id, suffix.data, ok, 1, err, errlen);
	buf_free(&suffix);
	return rc;
}

int docker_container_remove(struct docker *d, const char *id, int force, int volumes, char *err, size_t errlen)
{
	static const int ok[] = { 204 };
	char suffix[40];

	snprintf(suffix, sizeof suffix, "?force=%s&v=%s", force ? "true" : "false", volumes ? "true" : "false");
	return container_simple(d, "DELETE", id, suffix, ok, 1, err, errlen);
}

static void fill_labels(struct docker_container *c, const cJSON *labels)
{
	const cJSON *e;
	size_t n = (size_t)cJSON_GetArraySize(labels), k = 0;

	if (!cJSON_IsObject(labels) || n == 0)
		return;
	c->labels = xcalloc(n, sizeof *c->labels);
	cJSON_ArrayForEach(e, labels)
	{
		if (k < n && e->string && cJSON_IsString(e) && e->valuestring) {
			c->labels[k].key = xstrdup(e->string);
			c->labels[k].value = xstrdup(e->valuestring);
			k++;
		}
	}
	c->nlabels = k;
}

static void fill_mounts(struct docker_container *c, const cJSON *mounts)
{
	const cJSON *e, *rw;
	size_t n = (size_t)cJSON_GetArraySize(mounts), k = 0;

	if (!cJSON_IsArray(mounts) || n == 0)
		return;
	c->mounts = xcalloc(n, sizeof *c->mounts);
	cJSON_ArrayForEach(e, mounts)
	{
		if (k >= n || !cJSON_IsObject(e))
			continue;
		c->mounts[k].type = docker_json_strdup(e, "Type");
		c->mounts[k].source = docker_json_strdup(e, "Source");
		c->mounts[k].destination = docker_json_strdup(e, "Destination");
		rw = cJSON_GetObjectItemCaseSensitive(e, "RW");
		c->mounts[k].rw = cJSON_IsTrue(rw);
		k++;
	}
	c->nmounts = k;
}

static int64_t num_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

static char *name_of(const char *n)
{
	return n ? xstrdup(n[0] == '/' ? n + 1 : n) : NULL;
}

/* see docker.h */
int docker_container_inspect(struct docker *d, const char *id, struct docker_container *out, char *err,
			     size_t errlen)
{
	struct buf path;
	struct http_resp r;
	cJSON *j = NULL, *st, *cfg, *hc;
	const cJSON *name;
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(&r, 0, sizeof r);
	buf_init(&path, 1024);
	buf_puts(&path, "/containers/");
	docker_url_escape(&path, id);
	buf_puts(&path, "/json");
	if (docker_call(d, "GET", path.data, 1, NULL, NULL, 0, DOCKER_MAX_RESPONSE, &r, err, errlen) < 0)
		goto out;
	if (r.status != 200) {
		rc = docker_status_error(&r, "GET", path.data, err, errlen);
		goto out;
	}
	if ((j = docker_json_parse(&r, "GET", path.data, err, errlen)) == NULL)
		goto out;
	out->id = docker_json_strdup(j, "Id");
	name = cJSON_GetObjectItemCaseSensitive(j, "Name");
	out->name = name_of(cJSON_IsString(name) ? name->valuestring : NULL);
	st = cJSON_GetObjectItemCaseSensitive(j, "State");
	out->state = docker_json_strdup(st, "Status");
	out->running = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "Running"));
	out->pid = num_of(st, "Pid");
	out->exit_code = (int)num_of(st, "ExitCode");
	out->started_at = docker_json_strdup(st, "StartedAt");
	out->finished_at = docker_json_strdup(st, "FinishedAt");
	cfg = cJSON_GetObjectItemCaseSensitive(j, "Config");
	out->image = docker_json_strdup(cfg, "Image");
	fill_labels(out, cJSON_GetObjectItemCaseSensitive(cfg, "Labels"));
	hc = cJSON_GetObjectItemCaseSensitive(j, "HostConfig");
	out->runtime = docker_json_strdup(hc, "Runtime");
	out->network_mode = docker_json_strdup(hc, "NetworkMode");
	fill_mounts(out, cJSON_GetObjectItemCaseSensitive(j, "Mounts"));
	rc = 0;
out:
	cJSON_Delete(j);
	http_resp_free(&r);
	buf_free(&path);
	if (rc < 0)
		docker_container_free(out);
	return rc;
}

/* see docker.h */
int docker_container_list(struct docker *d, const char *const *labels, struct docker_container **out, size_t *n,
			  char *err, size_t errlen)
{
	struct buf path;
	struct http_resp r;
	cJSON *j = NULL, *filters, *e;
	char *ftext = NULL;
	size_t k = 0, count;
	int rc = -1;

	*out = NULL;
	*n = 0;
	memset(&r, 0, sizeof r);
	buf_init(&path, 16384);
	filters = cJSON_CreateObject();
	cJSON_AddItemToObject(filters, "label", str_list(labels));
	ftext = cJSON_PrintUnformatted(filters);
	cJSON_Delete(filters);
	buf_puts(&path, "/containers/json?all=1&filters=");
	docker_url_escape(&path, ftext ? ftext : "{}");
	if (path.overflow) {
		err_set(err, errlen, "docker: container list: label filter too long");
		goto out;
	}
	if (docker_call(d, "GET", path.data, 1, NULL, NULL, 0, DOCKER_MAX_RESPONSE, &r, err, errlen) < 0)
		goto out;
	if (r.status != 200) {
		rc = docker_status_error(&r, "GET", path.data, err, errlen);
		goto out;
	}
	if ((j = docker_json_parse(&r, "GET", path.data, err, errlen)) == NULL)
		goto out;
	if (!cJSON_IsArray(j)) {
		err_set(err, errlen, "docker: GET /containers/json: the answer is not a list");
		goto out;
	}
	count = (size_t)cJSON_GetArraySize(j);
	if (count)
		*out = xcalloc(count, sizeof **out);
	cJSON_ArrayForEach(e, j)
	{
		struct docker_container *c;
		const cJSON *names;
		if (k >= count || !cJSON_IsObject(e))
			continue;
		c = &(*out)[k++];
		c->id = docker_json_strdup(e, "Id");
		names = cJSON_GetObjectItemCaseSensitive(e, "Names");
		if (cJSON_IsArray(names) && cJSON_IsString(cJSON_GetArrayItem(names, 0)))
			c->name = name_of(cJSON_GetArrayItem(names, 0)->valuestring);
		c->image = docker_json_strdup(e, "Image");
		c->state = docker_json_strdup(e, "State");
		c->running = c->state && strcmp(c->state, "running") == 0;
		c->created_unix = num_of(e, "Created");
		fill_labels(c, cJSON_GetObjectItemCaseSensitive(e, "Labels"));
		fill_mounts(c, cJSON_GetObjectItemCaseSensitive(e, "Mounts"));
	}
	*n = k;
	rc = 0;
out:
	free(ftext);
	cJSON_Delete(j);
	http_resp_free(&r);
	buf_free(&path);
	return rc;
}

const char *docker_container_label(const struct docker_container *c, const char *key)
{
	for (size_t k = 0; k < c->nlabels; k++)
		if (strcmp(c->labels[k].key, key) == 0)
			return c->labels[k].value;
	return NULL;
}

void docker_container_free(struct docker_container *c)
{
	size_t k;

	if (c == NULL)
		return;
	free(c->id);
	free(c->name);
	free(c->image);
	free(c->state);
	free(c->started_at);
	free(c->finished_at);
	free(c->runtime);
	free(c->network_mode);
	for (k = 0; k < c->nlabels; k++) {
		free(c->labels[k].key);
		free(c->labels[k].value);
	}
	free(c->labels);
	for (k = 0; k < c->nmounts; k++) {
		free(c->mounts[k].type);
		free(c->mounts[k].source);
		free(c->mounts[k].destination);
	}
	free(c->mounts);
	memset(c, 0, sizeof *c);
}

void docker_container_list_free(struct docker_container *list, size_t n)
{
	for (size_t k = 0; k < n; k++)
		docker_container_free(&list[k]);
	free(list);
}
