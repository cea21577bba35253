/* test_docker_demux.c — the pure parts of the Docker client: the exec stream demultiplexer
 * (table-driven, every case fed whole and in 1- and 3-byte slices), head/tail capture, the
 * create body, the tar writer (checked by the system tar), own-container id parsing and mount
 * path mapping. No engine needed. */
#include "harness.h"
#include "docker/docker.h"
#include "docker/docker_capture.h"

#include <cJSON.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>

struct collected {
	char out[256], err[256], sys[64];
	size_t nout, nerr, nsys, calls;
};

static int collect(void *ctx, int stream, const char *data, size_t len)
{
	struct collected *c = ctx;
	char *dst = stream == 1 ? c->out : stream == 2 ? c->err : c->sys;
	size_t *n = stream == 1 ? &c->nout : stream == 2 ? &c->nerr : &c->nsys;
	size_t cap = stream == 3 ? sizeof c->sys : sizeof c->out;

	c->calls++;
	if (*n + len < cap) {
		memcpy(dst + *n, data, len);
		*n += len;
		dst[*n] = '\0';
	}
	return 0;
}

struct demux_case {
	const char *name;
	const char *in;
	size_t len;
	int want_feed;       /* 0 / -1 */
	int want_finish;     /* 0 / -1 (only when feed succeeded) */
	const char *out, *err, *sys;
	const char *errmsg;  /* substring when something fails */
};


static const struct demux_case demux_cases[] = {
	{ "stdout and stderr", "\x01\0\0\0\0\0\0\x03" "abc" "\x02\0\0\0\0\0\0\x02" "de", 21, 0, 0, "abc", "de", "", NULL },
	{ "interleaved", "\x01\0\0\0\0\0\0\x01" "a" "\x02\0\0\0\0\0\0\x01" "b" "\x01\0\0\0\0\0\0\x01" "c", 27, 0, 0,
	  "ac", "b", "", NULL },
	{ "empty frame", "\x01\0\0\0\0\0\0\0" "\x01\0\0\0\0\0\0\x02" "ok", 18, 0, 0, "ok", "", "", NULL },
	{ "system error frame", "\x03\0\0\0\0\0\0\x04" "oops", 12, 0, 0, "", "", "oops", NULL },
	{ "empty stream", "", 0, 0, 0, "", "", "", NULL },
	{ "cut in header", "\x01\0\0\0\0\0", 6, 0, -1, "", "", "", "inside a frame header" },
	{ "cut in payload", "\x01\0\0\0\0\0\0\x05" "ab", 10, 0, -1, "ab", "", "", "3 bytes missing" },
	{ "bad type", "\x07\0\0\0\0\0\0\x01" "x", 9, -1, 0, "", "", "", "bad frame header at byte 0" },
	{ "tty bytes", "hello world\n", 12, -1, 0, "", "", "", "bad frame header" },
	{ "bad later header", "\x01\0\0\0\0\0\0\x01" "x" "\x01\x01\0\0\0\0\0\x01" "y", 18, -1, 0, "x", "", "",
	  "at byte 9" },
};

TEST(demux_table)
{
	static const size_t steps[] = { 0, 1, 3 };

	for (size_t k = 0; k < sizeof demux_cases / sizeof demux_cases[0]; k++) {
		const struct demux_case *c = &demux_cases[k];
		for (size_t s = 0; s < 3; s++) {
			struct docker_demux m;
			struct collected got;
			char err[ERR_LEN] = "";
			size_t off = 0;
			int rc = 0;

			memset(&got, 0, sizeof got);
			docker_demux_init(&m);
			while (off < c->len && rc == 0) {
				size_t n = steps[s] && steps[s] < c->len - off ? steps[s] : c->len - off;
				rc = docker_demux_feed(&m, c->in + off, n, collect, &got, err, sizeof err);
				off += n;
			}
			if (rc != c->want_feed)
				fprintf(stderr, "case %s step %zu: feed %d (%s)\n", c->name, steps[s], rc, err);
			CHECK(rc == c->want_feed);
			if (rc == 0) {
				rc = docker_demux_finish(&m, err, sizeof err);
				if (rc != c->want_finish)
					fprintf(stderr, "case %s step %zu: finish %d (%s)\n", c->name, steps[s], rc, err);
				CHECK(rc == c->want_finish);
			}
			CHECK_STR(got.out, c->out);
			CHECK_STR(got.err, c->err);
			CHECK_STR(got.sys, c->sys);
			if (c->errmsg)
				CHECK_CONTAINS(err, c->errmsg);
			/* a failed demuxer stays failed */
			if (c->want_feed < 0)
				CHECK(docker_demux_feed(&m, "\x01", 1, collect, &got, err, sizeof err) == -1);
		}
	}
}

TEST(demux_large_frame_in_pieces)
{
	static char stream[8 + 100000];
	struct docker_demux m;
	struct collected got;
	char err[ERR_LEN];
	size_t total = 0;

	memset(&got, 0, sizeof got);
	stream[0] = 1;
	stream[5] = 0x01; /* 0x0186a0 = 100000 */
	stream[6] = (char)0x86;
	stream[7] = (char)0xa0;
	memset(stream + 8, 'z', 100000);
	docker_demux_init(&m);
	for (size_t off = 0; off < sizeof stream; off += 4096) {
		size_t n = sizeof stream - off < 4096 ? sizeof stream - off : 4096;
		CHECK(docker_demux_feed(&m, stream + off, n, collect, &got, err, sizeof err) == 0);
	}
	CHECK(docker_demux_finish(&m, err, sizeof err) == 0);
	total = m.offset;
	CHECK(total == sizeof stream);
	CHECK(got.calls >= 24);
}

TEST(capture_head_tail)
{
	struct docker_cap c;
	struct docker_capture out;
	char big[1000];

	docker_cap_init(&c, 10);
	docker_cap_add(&c, "abc", 3);
	docker_cap_finish(&c, &out);
	CHECK_STR(out.data, "abc");
	CHECK(out.dropped == 0 && out.total == 3);
	free(out.data);
	docker_cap_add(&c, "defghij", 7); /* exactly 10: nothing dropped */
	docker_cap_finish(&c, &out);
	CHECK_STR(out.data, "abcdefghij");
	free(out.data);
	docker_cap_add(&c, "KL", 2);
	docker_cap_add(&c, "M", 1);
	docker_cap_finish(&c, &out);
	CHECK_STR(out.data, "abcde\n[... 3 bytes dropped ...]\nijKLM");
	CHECK(out.dropped == 3 && out.total == 13);
	free(out.data);
	for (int k = 0; k < 1000; k++)
		big[k] = (char)('0' + k % 10);
	docker_cap_add(&c, big, sizeof big);
	docker_cap_finish(&c, &out);
	CHECK_STR(out.data, "abcde\n[... 1003 bytes dropped ...]\n56789");
	free(out.data);
	docker_cap_free(&c);
}

TEST(create_body_full)
{
	const char *cmd[] = { "sleep", "infinity", NULL };
	const char *drop[] = { "ALL", NULL };
	const char *sec[] = { "no-new-privileges", "apparmor=docker-default", NULL };
	struct docker_kv labels[] = { { "chela.sandbox", "1" } };
	struct docker_bind binds[] = { { "/srv/ws", "/workspace", 1 } };
	struct docker_tmpfs tmpfs[] = { { "/tmp", "rw,size=64m" } };
	struct docker_ulimit ul[] = { { "nproc", 100, 200 } };
	struct docker_create_opts o = { .image = "img", .cmd = cmd, .labels = labels, .nlabels = 1, .binds = binds,
					.nbinds = 1, .tmpfs = tmpfs, .ntmpfs = 1, .network_mode = "none",
					.readonly_rootfs = 1, .cap_drop = drop, .security_opt = sec, .pids_limit = 256,
					.memory = 1 << 29, .memory_swap = -1, .nano_cpus = 1500000000, .ulimits = ul,
					.nulimits = 1, .runtime = "runsc", .init = 1, .user = "1000:1000" };
	struct buf b;
	char err[ERR_LEN];
	cJSON *j, *hc, *m;

	buf_init(&b, 1 << 16);
	CHECK(docker_create_body(&o, &b, err, sizeof err) == 0);
	j = cJSON_Parse(b.data);
	CHECK(j != NULL);
	hc = cJSON_GetObjectItem(j, "HostConfig");
	CHECK_STR(cJSON_GetObjectItem(j, "User")->valuestring, "1000:1000");
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "Labels"), "chela.sandbox")->valuestring, "1");
	m = cJSON_GetArrayItem(cJSON_GetObjectItem(hc, "Mounts"), 0);
	CHECK_STR(cJSON_GetObjectItem(m, "Type")->valuestring, "bind");
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(m, "ReadOnly")));
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(hc, "Tmpfs"), "/tmp")->valuestring, "rw,size=64m");
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(hc, "ReadonlyRootfs")));
	CHECK(cJSON_GetObjectItem(hc, "PidsLimit")->valuedouble == 256);
	CHECK(cJSON_GetObjectItem(hc, "MemorySwap")->valuedouble == -1);
	CHECK(cJSON_GetObjectItem(hc, "NanoCpus")->valuedouble == 1500000000.0);
	CHECK_STR(cJSON_GetObjectItem(hc, "Runtime")->valuestring, "runsc");
	CHECK_STR(cJSON_GetArrayItem(cJSON_GetObjectItem(hc, "SecurityOpt"), 1)->valuestring, "apparmor=docker-default");
	CHECK(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(hc, "Ulimits"), 0), "Hard")->valuedouble == 200);
	cJSON_Delete(j);
	buf_reset(&b);
	binds[0].source = "relative/path";
	CHECK(docker_create_body(&o, &b, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "must be absolute");
	buf_free(&b);
}

TEST(tar_is_readable_by_tar)
{
	struct docker_tar t;
	char err[ERR_LEN], path[64], cmd[200], line[256] = "";
	char longname[220];
	FILE *f;
	int fd;

	memset(longname, 'n', sizeof longname);
	memcpy(longname, "dir/", 4);
	memcpy(longname + 120, "/file", 5);
	longname[200] = '\0';
	docker_tar_init(&t, 1 << 20);
	CHECK(docker_tar_add_dir(&t, "dir", 0755, 1000, 1000, err, sizeof err) == 0);
	CHECK(docker_tar_add_file(&t, "dir/a.txt", "hello", 5, 0600, 1000, 1000, err, sizeof err) == 0);
	CHECK(docker_tar_add_file(&t, longname, "x", 1, 0644, 0, 0, err, sizeof err) == 0);
	CHECK(docker_tar_add_file(&t, "/abs", "x", 1, 0644, 0, 0, err, sizeof err) == -1);
	CHECK(docker_tar_add_file(&t, "a/../b", "x", 1, 0644, 0, 0, err, sizeof err) == -1);
	CHECK(docker_tar_add_file(&t, "a//b", "x", 1, 0644, 0, 0, err, sizeof err) == -1);
	CHECK(docker_tar_finish(&t, err, sizeof err) == 0);
	CHECK(t.out.len % 512 == 0);
	snprintf(path, sizeof path, "/tmp/chela-tar-test-%ld.tar", (long)getpid());
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(write(fd, t.out.data, t.out.len) == (ssize_t)t.out.len);
	close(fd);
	docker_tar_free(&t);
	snprintf(cmd, sizeof cmd, "tar -tvf %s 2>&1 | tr -s ' ' | cut -d' ' -f1,2,3,6", path);
	f = popen(cmd, "r");
	CHECK(f != NULL);
	CHECK(fgets(line, sizeof line, f) != NULL);
	CHECK_STR(line, "drwxr-xr-x 1000/1000 0 dir/\n");
	CHECK(fgets(line, sizeof line, f) != NULL);
	CHECK_STR(line, "-rw------- 1000/1000 5 dir/a.txt\n");
	CHECK(fgets(line, sizeof line, f) != NULL);
	CHECK(strncmp(line, "-rw-r--r-- 0/0 1 dir/nnn", 24) == 0 && strlen(line) == 17 + 200 + 1);
	pclose(f);
	unlink(path);
}

TEST(self_id_parse)
{
	const char *v1 = "12:pids:/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";
	const char *v2 = "0::/\n";
	const char *mi = "512 500 0:45 /var/lib/docker/containers/"
			 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210/hostname /etc/hostname rw\n";
	const char *short_id = "1:name=systemd:/docker/0123456789abcdef\n";
	char id[65];

	CHECK(docker_self_id_parse(v1, strlen(v1), id) == 0);
	CHECK_STR(id, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	CHECK(docker_self_id_parse(v2, strlen(v2), id) == -1);
	CHECK(docker_self_id_parse(mi, strlen(mi), id) == 0);
	CHECK_STR(id, "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
	CHECK(docker_self_id_parse(short_id, strlen(short_id), id) == -1);
}

TEST(mount_mapping)
{
	struct docker_mount_info m[] = {
		{ "bind", "/srv/chela/data", "/data", 1 },
		{ "bind", "/srv/chela/data-ws", "/data/ws", 1 },
		{ "volume", "/var/lib/docker/volumes/x/_data", "/workspace", 1 },
	};
	struct docker_container self = { .mounts = m, .nmounts = 3 };
	char *p;

	p = docker_mount_to_host(&self, "/data/agents/a");
	CHECK_STR(p, "/srv/chela/data/agents/a");
	free(p);
	p = docker_mount_to_host(&self, "/data/ws/x"); /* the longest destination wins */
	CHECK_STR(p, "/srv/chela/data-ws/x");
	free(p);
	p = docker_mount_to_host(&self, "/data");
	CHECK_STR(p, "/srv/chela/data");
	free(p);
	CHECK(docker_mount_to_host(&self, "/database") == NULL); /* a prefix, not a parent */
	CHECK(docker_mount_to_host(&self, "/etc") == NULL);
}

TEST(host_resolution)
{
	char path[108], err[ERR_LEN];

	CHECK(docker_host_socket("unix:///run/user/1000/docker.sock", path, sizeof path, err, sizeof err) == 0);
	CHECK_STR(path, "/run/user/1000/docker.sock");
	CHECK(docker_host_socket("/run/podman/podman.sock", path, sizeof path, err, sizeof err) == 0);
	CHECK(docker_host_socket("tcp://10.0.0.1:2376", path, sizeof path, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "TCP engines are not supported yet");
	CHECK(docker_host_socket("ssh://me@host", path, sizeof path, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "unsupported address");
	CHECK(docker_host_socket("unix://relative.sock", path, sizeof path, err, sizeof err) == -1);
}

int main(void)
{
	RUN(demux_table);
	RUN(demux_large_frame_in_pieces);
	RUN(capture_head_tail);
	RUN(create_body_full);
	RUN(tar_is_readable_by_tar);
	RUN(self_id_parse);
	RUN(mount_mapping);
	RUN(host_resolution);
	return harness_done();
}
