/*
 * config/config_import.c — OpenClaw JSON5 → chela INI: the driver, the writing helpers, and the
 * gateway, model, session and channel sections (see config_import.h).
 */
#include "config/config_import.h"
#include "config/config_import_internal.h"
#include "config/json5.h"

#include "util/err.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static FILE *devnull_stream(FILE *f)
{
	static FILE *sink;

	if (f != NULL)
		return f;
	if (sink == NULL)
		sink = fopen("/dev/null", "w");
	return sink;
}

/* see config_import_internal.h */
void imp_section(struct imp *im, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(im->section, sizeof im->section, fmt, ap);
	va_end(ap);
	im->header_done = 0;
}

/* see config_import_internal.h */
void imp_path(char *out, size_t outlen, const char *base, const char *key)
{
	snprintf(out, outlen, "%s%s%s", base, base[0] ? "." : "", key);
}

/* see config_import_internal.h */
void imp_drop(struct imp *im, const char *path, const char *reason)
{
	if (im->rep)
		fprintf(im->rep, "not carried over: %s (%s)\n", path, reason);
}

/* see config_import_internal.h */
void imp_note(struct imp *im, const char *fmt, ...)
{
	va_list ap;

	if (im->rep == NULL)
		return;
	fputs("note: ", im->rep);
	va_start(ap, fmt);
	vfprintf(im->rep, fmt, ap);
	va_end(ap);
	fputc('\n', im->rep);
}

/* inih strips " ;comment" and cannot hold a newline; chela expands every "${". */
static const char *ini_unsafe(const char *v)
{
	size_t i;

	if (strlen(v) >= IMP_VALUE_MAX)
		return "longer than a chela value may be";
	for (i = 0; v[i]; i++) {
		if (v[i] == '\n' || v[i] == '\r')
			return "a line break cannot be written in INI";
		if (v[i] == ';' && i > 0 && isspace((unsigned char)v[i - 1]))
			return "\" ;\" would start an INI comment";
	}
	return NULL;
}

/* see config_import_internal.h */
int imp_kv(struct imp *im, const char *path, const char *key, const char *value)
{
	const char *why = ini_unsafe(value);

	if (why != NULL) {
		imp_drop(im, path, why);
		return -1;
	}
	if (!im->header_done) {
		fprintf(im->out, "%s[%s]\n", im->any_section ? "\n" : "", im->section);
		im->header_done = 1;
		im->any_section = 1;
	}
	fprintf(im->out, "%s = %s\n", key, value);
	return 0;
}

/* see config_import_internal.h */
void imp_rest(struct imp *im, const cJSON *obj, const char *path, const char *const *handled,
	      const struct imp_reason *reasons)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, obj) {
		char p[IMP_PATH_MAX];
		const char *reason = "no chela equivalent";
		int i, known = 0;

		for (i = 0; handled && handled[i]; i++)
			if (c->string && strcmp(c->string, handled[i]) == 0)
				known = 1;
		if (known || c->string == NULL)
			continue;
		for (i = 0; reasons && reasons[i].key; i++)
			if (strcmp(c->string, reasons[i].key) == 0)
				reason = reasons[i].reason;
		imp_path(p, sizeof p, path, c->string);
		imp_drop(im, p, reason);
	}
}

static int scalar_text(const cJSON *v, char *out, size_t outlen)
{
	if (cJSON_IsString(v))
		snprintf(out, outlen, "%s", v->valuestring);
	else if (cJSON_IsBool(v))
		snprintf(out, outlen, "%s", cJSON_IsTrue(v) ? "true" : "false");
	else if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble == floor(v->valuedouble) &&
		 fabs(v->valuedouble) < 1e15)
		snprintf(out, outlen, "%.0f", v->valuedouble);
	else if (cJSON_IsNumber(v) && isfinite(v->valuedouble))
		snprintf(out, outlen, "%g", v->valuedouble);
	else
		return -1;
	return 0;
}

/* see config_import_internal.h */
int imp_scalar(struct imp *im, const cJSON *v, const char *path, const char *key)
{
	char text[IMP_VALUE_MAX + 1];

	if (scalar_text(v, text, sizeof text) < 0) {
		imp_drop(im, path, "expected a string, number or boolean");
		return -1;
	}
	return imp_kv(im, path, key, text);
}

/* see config_import_internal.h */
int imp_bool(struct imp *im, const cJSON *v, const char *path, const char *key)
{
	if (!cJSON_IsBool(v)) {
		imp_drop(im, path, "expected true or false");
		return -1;
	}
	return imp_kv(im, path, key, cJSON_IsTrue(v) ? "true" : "false");
}

/* see config_import_internal.h */
int imp_list(struct imp *im, const cJSON *v, const char *path, const char *key)
{
	char out[IMP_VALUE_MAX + 1] = "";
	size_t used = 0;
	int index = 0;
	const cJSON *it;

	if (cJSON_IsString(v) || cJSON_IsNumber(v))
		return imp_scalar(im, v, path, key);
	if (!cJSON_IsArray(v)) {
		imp_drop(im, path, "expected a list");
		return -1;
	}
	cJSON_ArrayForEach(it, v) {
		char text[IMP_VALUE_MAX + 1], p[IMP_PATH_MAX];

		if (scalar_text(it, text, sizeof text) < 0 || strchr(text, ',') != NULL || text[0] == '\0') {
			snprintf(p, sizeof p, "%s[%d]", path, index);
			imp_drop(im, p, "a list item must be a plain value without commas");
			index++;
			continue;
		}
		index++;
		if (used + strlen(text) + 3 >= sizeof out) {
			imp_drop(im, path, "the list is longer than a chela value may be");
			return -1;
		}
		used += (size_t)snprintf(out + used, sizeof out - used, "%s%s", used ? ", " : "", text);
	}
	if (used == 0)
		return 0;
	return imp_kv(im, path, key, out);
}

static int valid_env_name(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || isdigit((unsigned char)s[0]))
		return 0;
	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/* see config_import_internal.h */
int imp_secret(struct imp *im, const cJSON *v, const char *path, const char *key, const char *fallback_env)
{
	char ref[IMP_VALUE_MAX];

	if (cJSON_IsString(v) && strstr(v->valuestring, "${") != NULL)
		return imp_kv(im, path, key, v->valuestring);
	if (cJSON_IsObject(v)) {
		const cJSON *src = cJSON_GetObjectItemCaseSensitive(v, "source");
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(v, "id");

		if (cJSON_IsString(src) && strcmp(src->valuestring, "env") == 0 && cJSON_IsString(id) &&
		    valid_env_name(id->valuestring)) {
			snprintf(ref, sizeof ref, "${%s}", id->valuestring);
			return imp_kv(im, path, key, ref);
		}
		snprintf(ref, sizeof ref, "${%s}", fallback_env);
		imp_kv(im, path, key, ref);
		imp_note(im, "%s is a secret reference chela cannot resolve (only environment variables): "
			     "set %s in the environment (.env)", path, fallback_env);
		return 0;
	}
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0') {
		imp_drop(im, path, "expected a string or a secret reference");
		return -1;
	}
	snprintf(ref, sizeof ref, "${%s}", fallback_env);
	imp_kv(im, path, key, ref);
	imp_note(im, "%s held a literal secret; it was not copied: set %s to it in the environment (.env)", path,
		 fallback_env);
	return 0;
}

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

static void imp_gateway(struct imp *im, const cJSON *gw)
{
	static const char *const handled[] = {"port", "bind", "customBindHost", "auth", "controlUi", "http",
					      "channelHealthCheckMinutes", "mode", NULL};
	static const struct imp_reason reasons[] = {
		{"tailscale", "chela has no Tailscale integration; use your own tunnel or reverse proxy"},
		{"remote", "chela has no remote-gateway client mode"},
		{"nodes", "chela has no device nodes"},
		{"trustedProxies", "chela has no trusted-proxy auth"},
		{"reload", "chela reads its config at start; restart to apply changes"},
		{"tls", "chela serves plain HTTP; terminate TLS in a reverse proxy"},
		{NULL, NULL}};
	static const char *const auth_handled[] = {"mode", "token", NULL};
	static const struct imp_reason auth_reasons[] = {
		{"password", "chela has token auth only; the password was not copied"},
		{"allowTailscale", "chela has no Tailscale integration"},
		{"rateLimit", "chela rate-limits failed auth with built-in limits"},
		{NULL, NULL}};
	const cJSON *v, *auth = get(gw, "auth"), *mode;
	int nonloopback = 0;

	if (!cJSON_IsObject(gw))
		return;
	imp_section(im, "gateway");
	if ((v = get(gw, "mode")) && cJSON_IsString(v) && strcmp(v->valuestring, "local") != 0)
		imp_drop(im, "gateway.mode", "chela always runs the gateway locally");
	if ((v = get(gw, "port")))
		imp_scalar(im, v, "gateway.port", "port");
	if ((v = get(gw, "bind")) && cJSON_IsString(v)) {
		const char *b = v->valuestring;
		const cJSON *host = get(gw, "customBindHost");

		if (strcmp(b, "loopback") == 0 || strcmp(b, "127.0.0.1") == 0 || strcmp(b, "localhost") == 0)
			imp_kv(im, "gateway.bind", "bind", "loopback");
		else if (strcmp(b, "lan") == 0 || strcmp(b, "0.0.0.0") == 0)
			nonloopback = imp_kv(im, "gateway.bind", "bind", "lan") == 0;
		else if (strcmp(b, "custom") == 0 && cJSON_IsString(host))
			nonloopback = imp_kv(im, "gateway.customBindHost", "bind", host->valuestring) == 0 &&
				      strcmp(host->valuestring, "127.0.0.1") != 0;
		else if (strcmp(b, "auto") == 0) {
			imp_kv(im, "gateway.bind", "bind", "loopback");
			imp_note(im, "gateway.bind \"auto\" became loopback; use lan to listen on every interface");
		} else
			imp_drop(im, "gateway.bind", "chela binds loopback, lan or one IP address");
	} else if (v) {
		imp_drop(im, "gateway.bind", "expected a string");
	}
	if ((mode = get(auth, "mode")) && cJSON_IsString(mode)) {
		if (strcmp(mode->valuestring, "none") == 0 && nonloopback) {
			imp_kv(im, "gateway.auth.mode", "auth", "token");
			imp_note(im, "gateway.auth.mode \"none\" became token: chela requires auth on a non-loopback bind");
		} else if (strcmp(mode->valuestring, "token") == 0 || strcmp(mode->valuestring, "none") == 0) {
			imp_kv(im, "gateway.auth.mode", "auth", mode->valuestring);
		} else if (strcmp(mode->valuestring, "password") == 0) {
			imp_kv(im, "gateway.auth.mode", "auth", "token");
			imp_note(im, "gateway.auth.mode \"password\" became token auth: open the page with the token "
				     "(set CHELA_GATEWAY_TOKEN, or let chela generate one)");
		} else {
			imp_kv(im, "gateway.auth.mode", "auth", "token");
			imp_drop(im, "gateway.auth.mode", "chela supports token and none; token auth is used");
		}
	}
	if ((v = get(auth, "token")))
		imp_secret(im, v, "gateway.auth.token", "token", "CHELA_GATEWAY_TOKEN");
	if (cJSON_IsObject(auth))
		imp_rest(im, auth, "gateway.auth", auth_handled, auth_reasons);
	if ((v = get(get(gw, "controlUi"), "allowedOrigins")))
		imp_list(im, v, "gateway.controlUi.allowedOrigins", "allowed_origins");
	if (cJSON_IsObject(get(gw, "controlUi"))) {
		static const char *const ui_handled[] = {"allowedOrigins", "enabled", NULL};

		imp_rest(im, get(gw, "controlUi"), "gateway.controlUi", ui_handled, NULL);
		if ((v = get(get(gw, "controlUi"), "enabled")) && cJSON_IsFalse(v))
			imp_drop(im, "gateway.controlUi.enabled", "chela always serves its web page");
	}
	if ((v = get(get(get(get(gw, "http"), "endpoints"), "chatCompletions"), "enabled")))
		imp_bool(im, v, "gateway.http.endpoints.chatCompletions.enabled", "openai_http");
	if (cJSON_IsObject(get(gw, "http"))) {
		static const char *const http_handled[] = {"endpoints", NULL};

		imp_rest(im, get(gw, "http"), "gateway.http", http_handled, NULL);
	}
	if ((v = get(gw, "channelHealthCheckMinutes")))
		imp_scalar(im, v, "gateway.channelHealthCheckMinutes", "channel_health_check_minutes");
	imp_rest(im, gw, "gateway", handled, reasons);
}

static void imp_session(struct imp *im, const cJSON *s)
{
	static const char *const handled[] = {"mainKey", "dmScope", NULL};
	static const struct imp_reason reasons[] = {
		{"reset", "chela resets a session only on /new or /reset"},
		{"resetTriggers", "chela's reset commands are /new and /reset"},
		{"identityLinks", "chela keys sessions per channel peer"},
		{NULL, NULL}};
	const cJSON *v;

	if (!cJSON_IsObject(s))
		return;
	imp_section(im, "session");
	if ((v = get(s, "mainKey")))
		imp_scalar(im, v, "session.mainKey", "main_key");
	if ((v = get(s, "dmScope")) && cJSON_IsString(v)) {
		if (strcmp(v->valuestring, "per-account-channel-peer") == 0) {
			imp_kv(im, "session.dmScope", "dm_scope", "per-channel-peer");
			imp_note(im, "session.dmScope per-account-channel-peer became per-channel-peer "
				     "(chela has one account per channel)");
		} else {
			imp_kv(im, "session.dmScope", "dm_scope", v->valuestring);
		}
	}
	imp_rest(im, s, "session", handled, reasons);
}

static void imp_channel(struct imp *im, const cJSON *ch, const char *name, const char *token_key,
			const char *token_env)
{
	static const char *const handled[] = {"botToken", "token", "allowFrom", "enabled", "dm", NULL};
	char path[IMP_PATH_MAX];
	const cJSON *v, *tok = get(ch, token_key);

	if (!cJSON_IsObject(ch))
		return;
	if ((v = get(ch, "enabled")) && cJSON_IsFalse(v)) {
		snprintf(path, sizeof path, "channels.%s", name);
		imp_drop(im, path, "the channel is disabled");
		return;
	}
	imp_section(im, "channel.%s", name);
	snprintf(path, sizeof path, "channels.%s.%s", name, token_key);
	if (tok != NULL) {
		imp_secret(im, tok, path, "token", token_env);
	} else {
		char ref[96];

		snprintf(ref, sizeof ref, "${%s}", token_env);
		imp_kv(im, path, "token", ref);
		imp_note(im, "channels.%s has no %s: chela reads it from %s", name, token_key, token_env);
	}
	snprintf(path, sizeof path, "channels.%s.allowFrom", name);
	if ((v = get(ch, "allowFrom")))
		imp_list(im, v, path, "allow_from");
	else if ((v = get(get(ch, "dm"), "allowFrom")))
		imp_list(im, v, path, "allow_from");
	snprintf(path, sizeof path, "channels.%s", name);
	imp_rest(im, ch, path, handled, NULL);
	if (cJSON_IsObject(get(ch, "dm"))) {
		static const char *const dm_handled[] = {"allowFrom", NULL};

		snprintf(path, sizeof path, "channels.%s.dm", name);
		imp_rest(im, get(ch, "dm"), path, dm_handled, NULL);
	}
	/* The other token spelling, if both appear, would be silently ignored: say so. */
	if (strcmp(token_key, "botToken") == 0 && get(ch, "token")) {
		snprintf(path, sizeof path, "channels.%s.token", name);
		imp_drop(im, path, "use botToken");
	}
}

static void imp_channels(struct imp *im, const cJSON *chs)
{
	static const char *const handled[] = {"telegram", "discord", "defaults", NULL};
	static const struct imp_reason reasons[] = {
		{"whatsapp", "chela supports Telegram and Discord only"},
		{"slack", "chela supports Telegram and Discord only"},
		{"signal", "chela supports Telegram and Discord only"},
		{"imessage", "chela supports Telegram and Discord only"},
		{"msteams", "chela supports Telegram and Discord only"},
		{"googlechat", "chela supports Telegram and Discord only"},
		{"matrix", "chela supports Telegram and Discord only"},
		{NULL, NULL}};

	if (!cJSON_IsObject(chs))
		return;
	imp_channel(im, get(chs, "telegram"), "telegram", "botToken", "TELEGRAM_BOT_TOKEN");
	imp_channel(im, get(chs, "discord"), "discord", "token", "DISCORD_BOT_TOKEN");
	if (get(chs, "defaults"))
		imp_drop(im, "channels.defaults", "no chela equivalent");
	imp_rest(im, chs, "channels", handled, reasons);
}

/* see config_import.h */
int config_import_openclaw(const char *json_text, size_t len, FILE *ini_out, FILE *report_out, char *err,
			   size_t errlen)
{
	static const char *const handled[] = {"gateway", "agents", "tools", "session", "channels", "models", NULL};
	static const struct imp_reason reasons[] = {
		{"bindings", "chela routes every channel to the main agent"},
		{"browser", "chela has no browser tool"},
		{"skills", "skills are read from the workspace skills/ folder"},
		{"plugins", "chela has no plugins"},
		{"hooks", "chela has no hooks"},
		{"cron", "chela has no scheduler"},
		{"env", "put environment variables in .env (compose env_file) instead"},
		{"$schema", "not needed"},
		{"meta", "not needed"},
		{"wizard", "not needed"},
		{NULL, NULL}};
	struct imp im;
	cJSON *root = json5_parse(json_text, len, err, errlen);

	if (root == NULL)
		return -1;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return err_set(err, errlen, "config import: the OpenClaw config must be a JSON object ({ ... })");
	}
	memset(&im, 0, sizeof im);
	im.out = devnull_stream(ini_out);
	im.rep = devnull_stream(report_out);
	if (im.out == NULL) {
		cJSON_Delete(root);
		return err_set(err, errlen, "config import: cannot open /dev/null");
	}
	fprintf(im.out, "; chela configuration imported from an OpenClaw config by `chela config import`\n");
	imp_gateway(&im, get(root, "gateway"));
	imp_model(&im, get(get(get(root, "agents"), "defaults"), "model"), get(root, "models"),
		  "agents.defaults.model", "model");
	imp_session(&im, get(root, "session"));
	imp_agent_defaults(&im, get(root, "agents"));
	imp_tools(&im, get(root, "tools"), "tools", "tools");
	imp_agent_list(&im, get(root, "agents"), get(root, "models"));
	imp_models_rest(&im, get(root, "models"));
	imp_channels(&im, get(root, "channels"));
	imp_rest(&im, root, "", handled, reasons);
	fflush(im.out);
	if (im.rep)
		fflush(im.rep);
	cJSON_Delete(root);
	return 0;
}
