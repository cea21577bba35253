/* test_sandbox_host.c — finding our own container id in sample /proc files; host path mapping. */
#include "harness.h"
#include "sandbox/sandbox_host.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ID "4f3c2b1a09e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2"

static const struct {
	const char *name, *text, *want; /* want NULL: not in a container */
} samples[] = {
	{"cgroup v1 docker",
	 "12:pids:/docker/" ID "\n11:memory:/docker/" ID "\n1:name=systemd:/docker/" ID "\n", ID},
	{"cgroup v1 systemd driver", "5:devices:/system.slice/docker-" ID ".scope\n0::/\n", ID},
	{"cgroup v1 podman", "3:cpu:/machine.slice/libpod-" ID ".scope/container\n", ID},
	{"cgroup v2 private namespace", "0::/\n", NULL},
	{"host systemd", "0::/user.slice/user-1000.slice/session-2.scope\n", NULL},
	{"cgroup with a short id only", "4:memory:/docker/4f3c2b1a09e8\n", NULL},
	{"cgroup with upper-case hex", "4:memory:/docker/4F3C2B1A09E8D7C6B5A4F3E2D1C0B9A8F7E6D5C4B3A2F1E0D9C8B7A6F5E4D3C2\n",
	 NULL},
	{"mountinfo cgroup v2 in a container",
	 "1187 1160 0:60 / / rw,relatime master:313 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X\n"
	 "1201 1187 254:1 /docker/containers/" ID "/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda1 rw\n"
	 "1202 1187 254:1 /docker/containers/" ID "/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw\n",
	 ID},
	{"mountinfo podman",
	 "900 800 0:50 /containers/storage/overlay-containers/" ID "/userdata/hosts /etc/hosts rw - xfs /dev/sda rw\n",
	 ID},
	/* The host lists every container's shm mount: that must not make chela think it is inside one. */
	{"host mountinfo with container shm",
	 "29 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
	 "400 29 0:70 / /var/lib/docker/containers/" ID "/mounts/shm rw,nosuid - tmpfs shm rw,size=65536k\n",
	 NULL},
	{"empty", "", NULL},
	{"garbage", "\n\n::::\n  \n\x01\x02 a b c d e f\n", NULL},
};

TEST(id_from_samples)
{
	char id[SANDBOX_HOST_ID_HEX + 1];
	size_t i;

	for (i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		int rc = sandbox_host_id_from_text(samples[i].text, strlen(samples[i].text), id);

		if ((rc == 0) != (samples[i].want != NULL))
			printf("# sample \"%s\": rc %d\n", samples[i].name, rc);
		CHECK((rc == 0) == (samples[i].want != NULL));
		if (samples[i].want)
			CHECK_STR(id, samples[i].want);
	}
}

TEST(path_translation)
{
	struct sandbox_host h;
	char err[ERR_LEN], *p;

	memset(&h, 0, sizeof h);
	/* Outside a container: identity. */
	p = sandbox_host_path(&h, "/data/sandboxes/x", err, sizeof err);
	CHECK_STR(p, "/data/sandboxes/x");
	free(p);
	h.in_container = 1;
	memcpy(h.id, ID, sizeof h.id);
	sandbox_host_mount_add(&h, "/data", "/var/lib/docker/volumes/chela-data/_data");
	sandbox_host_mount_add(&h, "/data/sandboxes", "/srv/chela-sandboxes");
	sandbox_host_mount_add(&h, "/workspace", "/home/me/ws");
	sandbox_host_mount_add(&h, "/var/run/docker.sock", "/run/docker.sock");
	p = sandbox_host_path(&h, "/data/sandboxes/agent-main-x-12345678", err, sizeof err);
	CHECK_STR(p, "/srv/chela-sandboxes/agent-main-x-12345678"); /* the longest destination wins */
	free(p);
	p = sandbox_host_path(&h, "/data/agents", err, sizeof err);
	CHECK_STR(p, "/var/lib/docker/volumes/chela-data/_data/agents");
	free(p);
	p = sandbox_host_path(&h, "/workspace", err, sizeof err);
	CHECK_STR(p, "/home/me/ws");
	free(p);
	p = sandbox_host_path(&h, "/workspace-other", err, sizeof err);
	CHECK(p == NULL); /* component-wise: /workspace does not cover /workspace-other */
	CHECK_CONTAINS(err, "inside chela's own container (4f3c2b1a09e8)");
	CHECK_CONTAINS(err, "-v /host/dir:/workspace-other");
	p = sandbox_host_path(&h, "/etc/passwd", err, sizeof err);
	CHECK(p == NULL);
	sandbox_host_mount_add(&h, "/", "/hostroot");
	p = sandbox_host_path(&h, "/etc/passwd", err, sizeof err);
	CHECK_STR(p, "/hostroot/etc/passwd");
	free(p);
	sandbox_host_free(&h);
	CHECK(h.nmounts == 0 && h.mounts == NULL);
}

TEST(detect_on_sample_dir_outside_container)
{
	struct sandbox_host h;
	char err[ERR_LEN];

	/* A proc dir with no container id and no engine needed: chela is on the host. */
	if (system("mkdir -p /tmp/chela-host-proc && printf '0::/\\n' > /tmp/chela-host-proc/cgroup && "
		   "printf '29 1 254:1 / / rw - ext4 /dev/vda1 rw\\n' > /tmp/chela-host-proc/mountinfo") != 0)
		CHECK(!"could not write sample files");
	CHECK(sandbox_host_id_from_text("0::/\n", 5, (char[65]){0}) == -1);
	memset(&h, 0, sizeof h);
	/* Only when the hostname fallback cannot apply (no 12-hex hostname) is this engine-free. */
	{
		char host[256] = "";

		gethostname(host, sizeof host);
		if (strlen(host) != 12) {
			CHECK(sandbox_host_detect(NULL, "/tmp/chela-host-proc", &h, err, sizeof err) == 0);
			CHECK(h.in_container == 0);
		}
	}
	sandbox_host_free(&h);
	if (system("rm -rf /tmp/chela-host-proc") != 0)
		printf("# cleanup failed\n");
}

int main(void)
{
	RUN(id_from_samples);
	RUN(path_translation);
	RUN(detect_on_sample_dir_outside_container);
	return harness_done();
}
