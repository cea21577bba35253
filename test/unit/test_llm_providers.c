/*
 * test_llm_providers.c — llm_call() against scripted local servers (test/llm/llm_server.py)
 * speaking the Anthropic and OpenAI wire formats, over plain HTTP and over TLS with a throwaway
 * CA made by test/llm/make_certs.sh. The client code is the production code: only base_url and
 * ca_file point at the test servers.
 *
 * For each provider × transport one server runs the script below turn by turn, and each
 * scenario prints "ok test_llm_providers: <provider>/<transport>: <scenario>" or "not ok ...".
 * TLS-only scenarios: a certificate for the wrong host name, a CA not in ca_file, a missing
 * ca_file. Proxy scenarios go through test/llm/connect_proxy.py.
 */
#include <cJSON.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "llm/llm.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/fs.h"

static int failures;
static char tmpdir[256];
static const char *top = ".";

#define SCRIPT_TURNS \
	"[" \
	"{\"kind\":\"reply\",\"text\":\"Hello plain\"}," \
	"{\"kind\":\"reply\",\"text\":\"Hello streamed world, in pieces\"}," \
	"{\"kind\":\"tools\",\"calls\":[{\"id\":\"call_1\",\"name\":\"exec\",\"arguments\":\"{\\\"command\\\":\\\"cat /etc/hostname\\\"}\"}]}," \
	"{\"kind\":\"reply\",\"text\":\"The host is sbx\"}," \
	"{\"kind\":\"tools\",\"text\":\"Running both.\",\"calls\":[" \
	"{\"id\":\"call_a\",\"name\":\"exec\",\"arguments\":\"{\\\"command\\\":\\\"ls /\\\"}\"}," \
	"{\"id\":\"call_b\",\"name\":\"read\",\"arguments\":\"{\\\"path\\\":\\\"/etc/hostname\\\"}\"}]}," \
	"{\"kind\":\"tools\",\"calls\":[" \
	"{\"id\":\"call_c\",\"name\":\"exec\",\"arguments\":\"{\\\"command\\\":\\\"id\\\"}\"}," \
	"{\"id\":\"call_d\",\"name\":\"exec\",\"arguments\":\"{\\\"command\\\":\\\"pwd\\\"}\"}]}," \
	"{\"kind\":\"status\",\"status\":429,\"retry_after\":\"1\",\"error\":\"slow down\"}," \
	"{\"kind\":\"reply\",\"text\":\"after 429\"}," \
	"{\"kind\":\"status\",\"status\":500,\"error\":\"boom 1\"}," \
	"{\"kind\":\"status\",\"status\":500,\"error\":\"boom 2\"}," \
	"{\"kind\":\"reply\",\"text\":\"after two 500s\"}," \
	"{\"kind\":\"truncate\",\"text\":\"this stream will be cut off somewhere in the middle\"}," \
	"{\"kind\":\"garbage\",\"body\":\"<html>not json</html>\"}," \
	"{\"kind\":\"slow\",\"delay\":2.5,\"text\":\"too late\"}," \
	"{\"kind\":\"status\",\"status\":401,\"error\":\"invalid x-api-key\"}," \
	"{\"kind\":\"tools\",\"calls\":[{\"id\":\"call_x\",\"name\":\"exec\",\"arguments\":\"{\\\"command\\\": \\\"ls\"}]}," \
	"{\"kind\":\"reply\",\"text\":\"via proxy\"}" \
	"]"

static void report(int ok, const char *where, const char *name, const char *why)
{
	if (ok) {
		printf("ok test_llm_providers: %s: %s\n", where, name);
	} else {
		failures++;
		printf("not ok test_llm_providers: %s: %s: %s\n", where, name, why);
	}
	fflush(stdout);
}

struct server {
	pid_t pid;
	int port;
	char log[300];
};

static int server_start(struct server *s, char *const argv[], const char *port_file)
{
	int64_t until = clock_mono_ms() + 10000;

	unlink(port_file);
	s->pid = fork();
	if (s->pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	while (clock_mono_ms() < until) {
		char *txt = NULL;
		size_t n;

		if (fs_read_file(port_file, 64, &txt, &n, NULL, 0) == 0) {
			s->port = atoi(txt);
			free(txt);
			return s->port > 0 ? 0 : -1;
		}
		usleep(20000);
	}
	return -1;
}

static void server_stop(struct server *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
}

static int llm_server(struct server *s, const char *provider, const char *tag, const char *cert)
{
	char script[300], pf[300], srv[300], certp[300], keyp[300];
	char *argv[16];
	int n = 0;

	snprintf(script, sizeof script, "%s/script.json", tmpdir);
	snprintf(pf, sizeof pf, "%s/%s-%s.port", tmpdir, provider, tag);
	snprintf(s->log, sizeof s->log, "%s/%s-%s.log", tmpdir, provider, tag);
	snprintf(srv, sizeof srv, "%s/test/llm/llm_server.py", top);
	argv[n++] = "python3";
	argv[n++] = srv;
	argv[n++] = "--provider";
	argv[n++] = (char *)provider;
	argv[n++] = "--script";
	argv[n++] = script;
	argv[n++] = "--port-file";
	argv[n++] = pf;
	argv[n++] = "--log";
	argv[n++] = s->log;
	if (cert) {
		snprintf(certp, sizeof certp, "%s/%s.pem", tmpdir, cert);
		snprintf(keyp, sizeof keyp, "%s/%s.key", tmpdir, cert);
		argv[n++] = "--cert";
		argv[n++] = certp;
		argv[n++] = "--key";
		argv[n++] = keyp;
	}
	argv[n] = NULL;
	return server_start(s, argv, pf);
}

/* --- what the callbacks saw --- */
struct seen {
	struct buf text;
	int deltas;
	int calls;
};

static void on_text(void *ctx, const char *d, size_t n)
{
	struct seen *s = ctx;

	buf_append(&s->text, d, n);
	s->deltas++;
}

static void on_tool_call(void *ctx, const struct llm_tool_call *c)
{
	((struct seen *)ctx)->calls++;
}

/* The n-th request (0-based) the server logged, parsed; NULL if absent. */
static cJSON *logged_request(const char *log, int n)
{
	char *txt = NULL, *line;
	size_t len;
	cJSON *j = NULL;
	int i = 0;

	if (fs_read_file(log, 16 << 20, &txt, &len, NULL, 0) < 0)
		return NULL;
	for (line = strtok(txt, "\n"); line; line = strtok(NULL, "\n"), i++)
		if (i == n) {
			j = cJSON_Parse(line);
			break;
		}
	free(txt);
	return j;
}

struct ctx {
	const char *where;
	struct llm_config cfg;
	struct server srv;
	int req_no; /* requests the server has logged so far */
};

static const struct llm_tool tools[] = {
	{ "exec", "Run a shell command", "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"}},\"required\":[\"command\"]}" },
	{ "read", "Read a file", "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}}" },
};

static int run(struct ctx *c, const struct llm_message *msgs, int n, int stream, struct seen *seen, struct llm_result *res,
	       char *err)
{
	struct llm_request req = { .system = "You are a test.", .messages = msgs, .nmessages = n, .tools = tools,
				   .ntools = 2, .max_tokens = 256, .stream = stream };
	struct llm_callbacks cb = { .ctx = seen, .on_text = on_text, .on_tool_call = on_tool_call };

	buf_init(&seen->text, 1 << 20);
	seen->deltas = seen->calls = 0;
	err[0] = 0;
	return llm_call(&c->cfg, &req, &cb, res, err, ERR_LEN);
}

#define EXPECT(cond, name, ...)                                                \
	do {                                                                   \
		char why_[ERR_LEN + 256];                                      \
		snprintf(why_, sizeof why_, __VA_ARGS__);                      \
		report((cond), c->where, (name), why_);                        \
	} while (0)

static void scenarios(struct ctx *c)
{
	int anth = c->cfg.provider == LLM_PROVIDER_ANTHROPIC;
	struct llm_message user = { .role = LLM_ROLE_USER, .text = "hi" };
	struct llm_result res;
	struct seen seen;
	char err[ERR_LEN];
	int64_t t0;
	int rc;
	cJSON *req;

	/* 0: plain reply, not streamed */
	rc = run(c, &user, 1, 0, &seen, &res, err);
	EXPECT(rc == 0 && strcmp(res.text, "Hello plain") == 0 && res.stop == LLM_STOP_END && res.input_tokens == 11 &&
		       res.output_tokens == 7,
	       "plain reply", "rc=%d err=%s text=%s stop=%s", rc, err, res.text ? res.text : "", llm_stop_name(res.stop));
	req = logged_request(c->srv.log, 0);
	{
		const cJSON *h = cJSON_GetObjectItem(req, "headers");
		const char *auth = cJSON_GetStringValue(cJSON_GetObjectItem(h, anth ? "x-api-key" : "authorization"));
		const char *ver = cJSON_GetStringValue(cJSON_GetObjectItem(h, "anthropic-version"));

		EXPECT(auth && strcmp(auth, anth ? "test-key" : "Bearer test-key") == 0 &&
			       (!anth || (ver && strcmp(ver, "2023-06-01") == 0)),
		       "auth and version headers", "auth=%s version=%s", auth ? auth : "(none)", ver ? ver : "(none)");
	}
	cJSON_Delete(req);
	llm_result_free(&res);
	buf_free(&seen.text);

	/* 1: streamed reply arrives in several deltas */
	rc = run(c, &user, 1, 1, &seen, &res, err);
	EXPECT(rc == 0 && strcmp(res.text, "Hello streamed world, in pieces") == 0 && seen.deltas > 3 &&
		       seen.text.data && strcmp(seen.text.data, res.text) == 0 && res.output_tokens == 7,
	       "streamed reply", "rc=%d err=%s text=%s deltas=%d", rc, err, res.text ? res.text : "", seen.deltas);
	llm_result_free(&res);
	buf_free(&seen.text);

	/* 2+3: a tool call, then the result goes back and the model answers */
	rc = run(c, &user, 1, 1, &seen, &res, err);
	EXPECT(rc == 0 && res.ncalls == 1 && strcmp(res.calls[0].id, "call_1") == 0 && strcmp(res.calls[0].name, "exec") == 0 &&
		       strcmp(res.calls[0].arguments, "{\"command\":\"cat /etc/hostname\"}") == 0 && !res.calls[0].args_error &&
		       res.stop == LLM_STOP_TOOL_USE && seen.calls == 1,
	       "streamed tool call", "rc=%d err=%s ncalls=%d stop=%s args=%s", rc, err, res.ncalls, res.stop_reason,
	       res.ncalls ? res.calls[0].arguments : "");
	buf_free(&seen.text);
	if (rc == 0 && res.ncalls == 1) {
		struct llm_message hist[3] = {
			user,
			{ .role = LLM_ROLE_ASSISTANT, .calls = res.calls, .ncalls = 1 },
			{ .role = LLM_ROLE_TOOL, .tool_call_id = "call_1", .text = "sbx-1234" },
		};
		struct llm_result res2;
		const cJSON *msgs, *last;
		const char *got_id = NULL, *got_txt = NULL;

		rc = run(c, hist, 3, 1, &seen, &res2, err);
		req = logged_request(c->srv.log, 3);
		msgs = cJSON_GetObjectItem(cJSON_GetObjectItem(req, "body"), "messages");
		last = cJSON_GetArrayItem(msgs, cJSON_GetArraySize(msgs) - 1);
		if (anth) {
			const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItem(last, "content"), 0);

			got_id = cJSON_GetStringValue(cJSON_GetObjectItem(b, "tool_use_id"));
			got_txt = cJSON_GetStringValue(cJSON_GetObjectItem(b, "content"));
		} else {
			got_id = cJSON_GetStringValue(cJSON_GetObjectItem(last, "tool_call_id"));
			got_txt = cJSON_GetStringValue(cJSON_GetObjectItem(last, "content"));
		}
		EXPECT(rc == 0 && strcmp(res2.text, "The host is sbx") == 0 && got_id && strcmp(got_id, "call_1") == 0 &&
			       got_txt && strcmp(got_txt, "sbx-1234") == 0,
		       "tool result sent back, then reply", "rc=%d err=%s id=%s content=%s", rc, err, got_id ? got_id : "(none)",
		       got_txt ? got_txt : "(none)");
		cJSON_Delete(req);
		llm_result_free(&res2);
		buf_free(&seen.text);
	} else {
		struct llm_result skip;

		run(c, &user, 1, 1, &seen, &skip, err); /* keep the script in step */
		llm_result_free(&skip);
		buf_free(&seen.text);
	}
	llm_result_free(&res);

	/* 4: parallel tool calls, streamed, with text before them */
	rc = run(c, &user, 1, 1, &seen, &res, err);
	EXPECT(rc == 0 && res.ncalls == 2 && strcmp(res.calls[0].id, "call_a") == 0 && strcmp(res.calls[1].name, "read") == 0 &&
		       strcmp(res.calls[1].arguments, "{\"path\":\"/etc/hostname\"}") == 0 && strcmp(res.text, "Running both.") == 0 &&
		       seen.calls == 2,
	       "parallel tool calls (streamed)", "rc=%d err=%s ncalls=%d", rc, err, res.ncalls);
	llm_result_free(&res);
	buf_free(&seen.text);

	/* 5: parallel tool calls, not streamed */
	rc = run(c, &user, 1, 0, &seen, &res, err);
	EXPECT(rc == 0 && res.ncalls == 2 && strcmp(res.calls[1].id, "call_d") == 0 && !res.calls[1].args_error &&
		       strstr(res.calls[1].arguments, "pwd") != NULL,
	       "parallel tool calls (whole body)", "rc=%d err=%s ncalls=%d", rc, err, res.ncalls);
	llm_result_free(&res);
	buf_free(&seen.text);

	/* 6+7: 429 with retry-after: 1, then success */
	t0 = clock_mono_ms();
	rc = run(c, &user, 1, 1, &seen, &res, err);
	EXPECT(rc == 0 && res.attempts == 2 && strcmp(res.text, "after 429") == 0 && clock_mono_ms() - t0 >= 950,
	       "429 with retry-after then success", "rc=%d err=%s attempts=%d waited=%lld ms", rc, err, res.attempts,
	       (long long)(clock_mono_ms() - t0));
	llm_result_free(&res);
	buf_free(&seen.text);

	/* 8-10: 500 twice, then success */
	rc = run(c, &user, 1, 1, &seen, &res, err);
	EXPECT(rc == 0 && res.attempts == 3 && strcmp(res.text, "after two 500s") == 0, "500 twice then success",
	       "rc=%d err=%s attempts=%d", rc, err, res.attempts);
	llm_result_free(&res);
	buf_free(&seen.text);

	/* 11: a stream cut off mid-way: an error, not a partial answer passed as complete */
	rc = run(c, &user, 1, 1, &seen, &res, err);
	EXPECT(rc < 0 && strstr(err, "truncated") && res.attempts == 1, "truncated stream", "rc=%d err=%s attempts=%d", rc, err,
	       res.attempts);
	llm_result_free(&res);
	buf_free(&seen.text);

	/* 12: a 200 whose body is not JSON */
	rc = run(c, &user, 1, 0, &seen, &res, err);
	EXPECT(rc < 0 && strstr(err, "not a JSON object") && strstr(err, "<html>"), "garbage JSON body", "rc=%d err=%s", rc, err);
	llm_result_free(&res);
	buf_free(&seen.text);

	/* 13: a server slower than the deadline */
	c->cfg.timeout_ms = 1000;
	t0 = clock_mono_ms();
	rc = run(c, &user, 1, 1, &seen, &res, err);
	EXPECT(rc < 0 && strstr(err, "timeout_s") && clock_mono_ms() - t0 < 2000, "slow server past the deadline",
	       "rc=%d err=%s after %lld ms", rc, err, (long long)(clock_mono_ms() - t0));
	c->cfg.timeout_ms = 20000;
	llm_result_free(&res);
	buf_free(&seen.text);

	/* 14: authentication failure */
	rc = run(c, &user, 1, 1, &seen, &res, err);
	EXPECT(rc < 0 && strstr(err, "401") && strstr(err, "check [model] api_key") && strstr(err, "invalid x-api-key") &&
		       res.attempts == 1,
	       "401 names the api_key", "rc=%d err=%s", rc, err);
	llm_result_free(&res);
	buf_free(&seen.text);

	/* 15: a tool call whose arguments are not valid JSON is returned with args_error */
	rc = run(c, &user, 1, 1, &seen, &res, err);
	EXPECT(rc == 0 && res.ncalls == 1 && res.calls[0].args_error && strstr(res.calls[0].args_error, "not valid JSON") &&
		       strstr(res.calls[0].args_error, "exec"),
	       "invalid tool arguments reported", "rc=%d err=%s ncalls=%d args_error=%s", rc, err, res.ncalls,
	       res.ncalls && res.calls[0].args_error ? res.calls[0].args_error : "(none)");
	llm_result_free(&res);
	buf_free(&seen.text);
}

static int run_simple(struct ctx *c, char *err, struct llm_result *res)
{
	struct llm_message user = { .role = LLM_ROLE_USER, .text = "hi" };
	struct seen seen;
	int rc = run(c, &user, 1, 0, &seen, res, err);

	buf_free(&seen.text);
	return rc;
}

static void ctx_setup(struct ctx *c, const char *provider, int tls, char *base, size_t baselen, char *ca, size_t calen)
{
	snprintf(base, baselen, "%s://%s:%d", tls ? "https" : "http", tls ? "localhost" : "127.0.0.1", c->srv.port);
	snprintf(ca, calen, "%s/ca.pem", tmpdir);
	c->cfg.provider = strcmp(provider, "anthropic") == 0 ? LLM_PROVIDER_ANTHROPIC : LLM_PROVIDER_OPENAI;
	c->cfg.model = "test-model";
	c->cfg.base_url = base;
	c->cfg.api_key = "test-key";
	c->cfg.ca_file = ca;
	c->cfg.timeout_ms = 20000;
	c->cfg.retry_base_ms = 50;
}

/* Certificate checks: each must fail at the handshake, once (no retry), naming the host. */
static void tls_checks(void)
{
	struct ctx c = { .where = "tls" };
	struct llm_result res;
	char err[ERR_LEN], base[128], ca[300];
	int rc;

	if (llm_server(&c.srv, "anthropic", "wrong", "wrong") < 0) {
		report(0, "tls", "server starts", "llm_server.py did not write its port");
		server_stop(&c.srv);
		return;
	}
	ctx_setup(&c, "anthropic", 1, base, sizeof base, ca, sizeof ca);
	rc = run_simple(&c, err, &res);
	report(rc < 0 && strstr(err, "certificate verification failed") && strstr(err, "localhost") &&
		       strstr(err, "do not match the host") && res.attempts == 1,
	       "tls", "certificate for the wrong host name", err);
	llm_result_free(&res);
	server_stop(&c.srv);

	if (llm_server(&c.srv, "anthropic", "trust", "localhost") < 0) {
		report(0, "tls", "server starts", "llm_server.py did not write its port");
		server_stop(&c.srv);
		return;
	}
	ctx_setup(&c, "anthropic", 1, base, sizeof base, ca, sizeof ca);
	if (fs_exists("/etc/ssl/certs/ca-certificates.crt")) {
		c.cfg.ca_file = NULL; /* the system bundle does not know our throwaway CA */
		rc = run_simple(&c, err, &res);
		report(rc < 0 && strstr(err, "not signed by a CA in ca_file") && strstr(err, "localhost") && res.attempts == 1,
		       "tls", "server CA not in ca_file (system bundle)", err);
		llm_result_free(&res);
	}
	c.cfg.ca_file = "/nonexistent/chela-ca.pem";
	rc = run_simple(&c, err, &res);
	report(rc < 0 && strstr(err, "/nonexistent/chela-ca.pem"), "tls", "missing ca_file is named", err);
	llm_result_free(&res);
	c.cfg.ca_file = ca;
	rc = run_simple(&c, err, &res);
	report(rc == 0 && strcmp(res.text, "Hello plain") == 0, "tls", "same server with the right ca_file", err);
	llm_result_free(&res);
	server_stop(&c.srv);
}

static int proxy_log_has(const char *log, const char *needle)
{
	char *txt = NULL;
	size_t n;
	int found;

	if (fs_read_file(log, 1 << 20, &txt, &n, NULL, 0) < 0)
		return 0;
	found = strstr(txt, needle) != NULL;
	free(txt);
	return found;
}

/* HTTPS_PROXY (CONNECT tunnel, TLS end to end), NO_PROXY, and HTTP_PROXY (absolute URL). */
static void proxy_checks(void)
{
	struct ctx c = { .where = "proxy" };
	struct server px = { 0 };
	struct llm_result res;
	char err[ERR_LEN], base[128], ca[300], pf[300], plog[300], prog[300], purl[64], needle[128];
	char *argv[8];
	int rc;

	snprintf(pf, sizeof pf, "%s/proxy.port", tmpdir);
	snprintf(plog, sizeof plog, "%s/proxy.log", tmpdir);
	snprintf(prog, sizeof prog, "%s/test/llm/connect_proxy.py", top);
	argv[0] = "python3", argv[1] = prog, argv[2] = "--port-file", argv[3] = pf, argv[4] = "--log", argv[5] = plog;
	argv[6] = NULL;
	if (server_start(&px, argv, pf) < 0 || llm_server(&c.srv, "anthropic", "proxied", "localhost") < 0) {
		report(0, "proxy", "servers start", "connect_proxy.py or llm_server.py did not write its port");
		goto out;
	}
	snprintf(purl, sizeof purl, "http://127.0.0.1:%d", px.port);
	ctx_setup(&c, "anthropic", 1, base, sizeof base, ca, sizeof ca);
	setenv("HTTPS_PROXY", purl, 1);
	rc = run_simple(&c, err, &res);
	snprintf(needle, sizeof needle, "CONNECT localhost:%d", c.srv.port);
	report(rc == 0 && strcmp(res.text, "Hello plain") == 0 && proxy_log_has(plog, needle), "proxy",
	       "HTTPS_PROXY tunnels with CONNECT", err);
	llm_result_free(&res);
	unlink(plog);
	setenv("NO_PROXY", "example.org, .localhost", 1);
	rc = run_simple(&c, err, &res);
	report(rc == 0 && !proxy_log_has(plog, "CONNECT"), "proxy", "NO_PROXY bypasses the proxy", err);
	llm_result_free(&res);
	unsetenv("NO_PROXY");
	unsetenv("HTTPS_PROXY");
	server_stop(&c.srv);

	if (llm_server(&c.srv, "openai", "proxied", NULL) < 0) {
		report(0, "proxy", "server starts", "llm_server.py did not write its port");
		goto out;
	}
	ctx_setup(&c, "openai", 0, base, sizeof base, ca, sizeof ca);
	setenv("HTTP_PROXY", purl, 1);
	rc = run_simple(&c, err, &res);
	snprintf(needle, sizeof needle, "POST http://127.0.0.1:%d/v1/chat/completions", c.srv.port);
	report(rc == 0 && strcmp(res.text, "Hello plain") == 0 && proxy_log_has(plog, needle), "proxy",
	       "HTTP_PROXY gets the absolute URL", err);
	llm_result_free(&res);
	unsetenv("HTTP_PROXY");
out:
	server_stop(&c.srv);
	server_stop(&px);
}

static void matrix(const char *provider, int tls)
{
	char where[64], base[128], ca[300];
	struct ctx c = { .where = where };

	snprintf(where, sizeof where, "%s/%s", provider, tls ? "tls" : "http");
	if (llm_server(&c.srv, provider, tls ? "tls" : "http", tls ? "localhost" : NULL) < 0) {
		report(0, where, "server starts", "llm_server.py did not write its port");
		server_stop(&c.srv);
		return;
	}
	ctx_setup(&c, provider, tls, base, sizeof base, ca, sizeof ca);
	scenarios(&c);
	server_stop(&c.srv);
}

int main(void)
{
	char cmd[600];
	FILE *f;

	if (getenv("CHELA_TOP"))
		top = getenv("CHELA_TOP");
	signal(SIGPIPE, SIG_IGN);
	unsetenv("HTTPS_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("http_proxy");
	snprintf(tmpdir, sizeof tmpdir, "/tmp/chela-llm-test-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		printf("not ok test_llm_providers: setup: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(cmd, sizeof cmd, "sh %s/test/llm/make_certs.sh %s", top, tmpdir);
	if (system(cmd) != 0) {
		printf("not ok test_llm_providers: setup: %s failed (is openssl installed?)\n", cmd);
		return 1;
	}
	snprintf(cmd, sizeof cmd, "%s/script.json", tmpdir);
	f = fopen(cmd, "w");
	if (f == NULL || fputs(SCRIPT_TURNS, f) < 0 || fclose(f) != 0) {
		printf("not ok test_llm_providers: setup: cannot write %s\n", cmd);
		return 1;
	}
	matrix("anthropic", 0);
	matrix("openai", 0);
	matrix("anthropic", 1);
	matrix("openai", 1);
	tls_checks();
	proxy_checks();
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	return failures ? 1 : 0;
}
