# test/image_lib.sh — what the image suites (test/integration/image_*.sh) share; source it after
# test/lib.sh, from the top of the tree.
#   image_release_only          skip the suite (one ok line, exit 0) unless testing the release
#                               build: the image holds the static release binary
#   image_find_compose          define compose() as `docker compose` or docker-compose v1, or fail
#                               the suite naming the package to install
#   image_ensure [--only WHICH] IMAGE...
#                               build the images with docker/build-images.sh when one is missing
#                               (never pulled), or fail the suite
#   compose_wait_healthy NAME LABEL
#                               wait up to 10 s for container NAME's healthcheck; one t_eq line
image_release_only() {
	if [ "${CHELA_PROFILE:-release}" != release ]; then
		t_ok "skipped under $CHELA_PROFILE: the image holds the static release binary"
		exit 0
	fi
}

image_find_compose() {
	if docker compose version >/dev/null 2>&1; then compose() { docker compose "$@"; }
	elif command -v docker-compose >/dev/null 2>&1; then compose() { docker-compose "$@"; }
	else
		t_fail "compose" "neither 'docker compose' nor docker-compose is installed (apt-get install docker-compose)"
		exit 1
	fi
}

image_ensure() {
	only=""
	if [ "${1:-}" = --only ]; then only="--only $2"; shift 2; fi
	for img in "$@"; do
		# shellcheck disable=SC2086
		docker image inspect "$img" >/dev/null 2>&1 || sh docker/build-images.sh $only >/dev/null 2>&1 ||
			{ t_fail "image" "$img is missing and cannot be built"; exit 1; }
	done
}

compose_wait_healthy() {
	i=0
	while [ "$(docker inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null)" != healthy ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1)); done
	t_eq "gateway healthy$2" "healthy" "$(docker inspect -f '{{.State.Health.Status}}' "$1" 2>&1)"
}
