#!/bin/sh
# sandbox_manager: the sandbox manager's decisions and the container's isolation, against the real
# engine, through the path the agent uses (`chela tool exec`: policy → sandbox decision →
# sandbox_ensure → exec) and the `chela sandbox` / `chela doctor` commands. Every isolation
# property is asserted from inside the container (and cross-checked with `docker inspect`).
# Each scenario has its own config and container_prefix ("<run prefix><scenario>-") so counting
# containers by prefix counts exactly what that scenario created; the trap removes them all.
SUITE=sandbox_manager
. "$CHELA_TOP/test/lib.sh"
img=$(sh "$CHELA_TOP/test/images/busybox/build.sh") || { t_fail "test image" "cannot build the busybox image"; exit 1; }
tmp=$(mktemp -d /tmp/chela-sbxm.XXXXXX)
run="chela-tsm$$-"
cleanup() {
	docker ps -aq --filter "name=^/$run" | xargs -r docker rm -f >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export FOO_API_KEY="host-secret-$$" # a secret-looking variable in chela's own environment

# conf NAME [LINES...]: $tmp/NAME.ini — mode all (unless given), the test image (unless given), prefix
# "<run>NAME-", workspace $tmp/ws; LINES are "section|key = value" and land in that section.
conf() {
	c_name=$1; shift
	c_file="$tmp/$c_name.ini"
	{
		printf '[agents.defaults]\nworkspace = %s\n' "$tmp/ws"
		printf '[agents.defaults.sandbox]\n'
		case " $* " in *" sandbox|mode = "*) ;; *) echo "mode = all" ;; esac
		for l in "$@"; do case $l in sandbox\|*) printf '%s\n' "${l#sandbox|}" ;; esac; done
		printf '[agents.defaults.sandbox.docker]\ncontainer_prefix = %s%s-\n' "$run" "$c_name"
		case " $* " in *" docker|image = "*) ;; *) echo "image = $img" ;; esac
		for l in "$@"; do case $l in docker\|*) printf '%s\n' "${l#docker|}" ;; esac; done
		printf '[agents.defaults.sandbox.docker.env]\n'
		for l in "$@"; do case $l in env\|*) printf '%s\n' "${l#env|}" ;; esac; done
		printf '[agents.defaults.sandbox.prune]\n'
		for l in "$@"; do case $l in prune\|*) printf '%s\n' "${l#prune|}" ;; esac; done
	} > "$c_file"
}
# chela NAME ARGS...: run chela with NAME's config and state; stderr goes to $tmp/err.
chela() { c_name=$1; shift; "$CHELA_BIN" "$@" --config "$tmp/$c_name.ini" --state "$tmp/state-$c_name" 2>"$tmp/err"; }
# sx NAME SESSION COMMAND: one exec tool call; prints the result JSON.
sx() { chela "$1" tool exec --session "$2" --args "$(jq -nc --arg c "$3" '{command: $c}')"; }
out() { printf '%s' "$1" | jq -r '.stdout // empty' 2>/dev/null; }
words() { out "$1" | tr '\n' ' ' | sed 's/ *$//'; } # stdout's lines on one line
field() { printf '%s' "$1" | jq -r "$2" 2>/dev/null; }
names() { docker ps -a --filter "name=^/$run$1-" --format '{{.Names}}' | sort; }
count() { names "$1" | grep -c . ; }
cid() { docker inspect -f '{{.Id}}' "$1" 2>/dev/null; }
# the container a session of scenario NAME uses (as `chela sandbox list` names it)
cname() { chela "$1" sandbox list --json | jq -r --arg s "agent:main:$2" '.[] | select(.session == $s) | .name'; }

mkdir -p "$tmp/ws" "$tmp/outside" "$tmp/robind" "$tmp/home/.ssh"
chmod 0777 "$tmp/ws" # the container user below is nobody: rw must be able to write there
echo "host secret" > "$tmp/outside/secret.txt"
echo "from the host" > "$tmp/ws/hello.txt"
echo "bound read-only" > "$tmp/robind/in.txt"

# ---------------------------------------------------------------- isolation (rw workspace)
conf iso "sandbox|workspace_access = rw" "docker|user = 65534:65534" "docker|bind = $tmp/robind:/data:ro" \
	"env|GREETING = hello-from-config" "env|BAR_TOKEN = set-in-config"
r=$(sx iso s "echo hi")
t_match "exec in a sandboxed session runs in the container" '"ok":true.*"ran_in":"sandbox"' "$r $(cat "$tmp/err")"
n=$(cname iso s)
t_match "the container is named <prefix><slug>" "^${run}iso-agent-main-s-[0-9a-f]{8}\$" "$n"

r=$(sx iso s "cat $tmp/outside/secret.txt 2>&1; echo rc=\$?")
t_match "a host file outside the binds cannot be read" 'rc=[1-9]' "$(out "$r")"
t_nomatch "  ... and its content does not appear" 'host secret' "$r"
r=$(sx iso s "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ,; ip -o link | cut -d: -f2 | tr -d ' ' | tr '\n' ,")
t_eq "network none: no interface but lo (/proc/net/dev, ip link)" "lo,lo," "$(out "$r")"
t_eq "docker inspect: NetworkMode none" none "$(docker inspect -f '{{.HostConfig.NetworkMode}}' "$n")"
r=$(sx iso s "touch /probe 2>/dev/null && echo writable || echo refused; touch /bin/probe 2>/dev/null && echo writable || echo refused")
t_eq "the root file system is not writable" "refused refused" "$(words "$r")"
t_eq "docker inspect: ReadonlyRootfs" true "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$n")"
r=$(sx iso s "echo written-inside > /workspace/rw.txt && cat /workspace/hello.txt")
t_eq "rw: the agent workspace is at /workspace" "from the host" "$(out "$r")"
t_eq "rw: a write inside lands in the host workspace" "written-inside" "$(cat "$tmp/ws/rw.txt" 2>/dev/null)"
r=$(sx iso s "cat /data/in.txt; echo x > /data/new.txt 2>/dev/null && echo writable || echo refused")
t_eq "a bind marked :ro is readable and read-only" "bound read-only refused" "$(words "$r")"
t_eq "  ... nothing was written to its host directory" "" "$(ls "$tmp/robind" | grep -v '^in.txt$')"
r=$(sx iso s "id -u; id -g")
t_eq "id shows the configured user (65534:65534)" "65534 65534" "$(words "$r")"
r=$(sx iso s "grep -E '^(CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status | tr -d '\t' | tr '\n' ' '")
t_eq "no capabilities, no new privileges (/proc/self/status)" \
	"CapPrm:0000000000000000 CapEff:0000000000000000 CapBnd:0000000000000000 CapAmb:0000000000000000 NoNewPrivs:1 " \
	"$(out "$r")"
r=$(sx iso s "find / \\( -path /proc -o -path /sys \\) -prune -o -name docker.sock -print | grep -c docker.sock")
t_eq "the Docker socket is absent (no docker.sock anywhere in the container)" 0 "$(words "$r")"
t_nomatch "  ... and not among the mounts (docker inspect)" 'docker\.sock' "$(docker inspect -f '{{json .Mounts}}' "$n")"
r=$(sx iso s "env")
t_nomatch "a secret-looking host variable (FOO_API_KEY) does not reach the exec" 'FOO_API_KEY|host-secret' "$(out "$r")"
t_match "  ... while [sandbox.docker.env] values do" '(^|\n)GREETING=hello-from-config' "$(out "$r")"
t_match "  ... including a secret-looking key set there explicitly" '(^|\n)BAR_TOKEN=set-in-config' "$(out "$r")"
t_nomatch "  ... nor the container's own env (docker inspect)" 'FOO_API_KEY' "$(docker inspect -f '{{json .Config.Env}}' "$n")"
t_eq "docker inspect: cap-drop ALL, no-new-privileges, init, pids limit" \
	"[ALL] [no-new-privileges] true 256" \
	"$(docker inspect -f '{{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}} {{.HostConfig.Init}} {{.HostConfig.PidsLimit}}' "$n")"

# ---------------------------------------------------------------- ro workspace
conf ro "sandbox|workspace_access = ro" "docker|user = 65534:65534"
r=$(sx ro s "cat /agent/hello.txt; echo x > /agent/probe.txt 2>/dev/null && echo writable || echo refused; ls /workspace >/dev/null 2>&1 && echo has-workspace")
t_eq "ro: the agent workspace is readable at /agent and refuses writes" "from the host refused has-workspace" \
	"$(words "$r")"
t_eq "  ... nothing reached the host workspace" "no" "$([ -e "$tmp/ws/probe.txt" ] && echo yes || echo no)"
for tool in write edit; do
	case $tool in write) a='{"path":"/agent/w.txt","content":"x"}' ;; edit) a='{"path":"/agent/hello.txt","old":"host","new":"sbx"}' ;; esac
	r=$(chela ro tool $tool --session s --args "$a"); rc=$?
	t_match "ro: the $tool tool is refused (exit 1, names workspace_access)" '^1 .*"denied":true.*workspace_access' \
		"$rc $r"
done
t_eq "  ... the host workspace is unchanged" "from the host" "$(cat "$tmp/ws/hello.txt")"

# ---------------------------------------------------------------- none: a seeded sandbox workspace
echo "agents file" > "$tmp/ws/AGENTS.md"
echo "private memory" > "$tmp/ws/MEMORY.md"
mkdir -p "$tmp/ws/skills/demo" && echo "skill text" > "$tmp/ws/skills/demo/SKILL.md"
conf none "sandbox|workspace_access = none"
r=$(sx none s "cat /workspace/AGENTS.md /workspace/skills/demo/SKILL.md; ls /workspace/MEMORY.md /workspace/hello.txt /agent 2>/dev/null | grep -c .; echo made > /workspace/made.txt && echo wrote")
t_eq "none: /workspace is the sandbox workspace, seeded with AGENTS.md and skills/, nothing else of the agent's" \
	"agents file skill text 0 wrote" "$(words "$r")"
t_eq "  ... its writes stay out of the agent workspace" "no" "$([ -e "$tmp/ws/made.txt" ] && echo yes || echo no)"
t_eq "  ... and land in <workspace_root>/<slug> on the host" "made" \
	"$(cat "$tmp/state-none/sandboxes/"*/made.txt 2>/dev/null)"

# ---------------------------------------------------------------- decisions: mode × main / non-main
for mode in off non-main all; do
	m=$(echo "$mode" | tr -d -)
	conf "mode$m" "sandbox|mode = $mode"
	wm=$(field "$(sx "mode$m" main 'echo hi')" .ran_in)
	wo=$(field "$(sx "mode$m" other 'echo hi')" .ran_in)
	case $mode in off) want="host host 0" ;; non-main) want="host sandbox 1" ;; all) want="sandbox sandbox 2" ;; esac
	t_eq "mode $mode: main session ran on the $(echo "$want" | cut -d' ' -f1), another on the $(echo "$want" | cut -d' ' -f2), containers" \
		"$want" "$wm $wo $(count "mode$m")"
done

# ---------------------------------------------------------------- decisions: scope
for scope in session agent shared; do
	conf "scope$scope" "sandbox|scope = $scope"
	sx "scope$scope" one 'echo 1' >/dev/null
	sx "scope$scope" two 'echo 2' >/dev/null
	case $scope in session) want=2 ;; *) want=1 ;; esac
	t_eq "scope $scope: two sessions use $want container(s)" "$want" "$(count "scope$scope")"
done
t_eq "scope agent: labelled chela.scope=agent:main" "agent:main" \
	"$(docker inspect -f '{{index .Config.Labels "chela.scope"}}' "$(names scopeagent | head -n 1)")"
t_eq "scope shared: labelled chela.scope=shared" "shared" \
	"$(docker inspect -f '{{index .Config.Labels "chela.scope"}}' "$(names scopeshared | head -n 1)")"

r=$(chela scopesession sandbox recreate --agent main)
t_match "sandbox recreate --agent main removes that agent's containers" "2 containers removed" "$r"
t_eq "  ... none left" 0 "$(count scopesession)"
r=$(chela scopeagent sandbox recreate --all)
t_match "sandbox recreate --all removes every container of this config" "1 container removed" "$r"
t_eq "  ... and leaves other configs' containers alone" "0 1" "$(count scopeagent) $(count scopeshared)"

# ---------------------------------------------------------------- setup_command once
conf setup "docker|setup_command = echo ran >> /tmp/setup.log"
sx setup s 'true' >/dev/null
sx setup s 'true' >/dev/null
r=$(sx setup s 'wc -l < /tmp/setup.log')
t_eq "setup_command ran exactly once across three execs" "1" "$(out "$r" | tr -d ' \n')"

# ---------------------------------------------------------------- config change: stale, recreate
conf chg "docker|pids_limit = 100"
sx chg s 'true' >/dev/null
n=$(cname chg s); id1=$(cid "$n")
conf chg "docker|pids_limit = 120"
sx chg s 'true' >/dev/null
t_eq "config changed but used in the last 5 minutes: the container is kept" "$id1" "$(cid "$n")"
t_eq "  ... and sandbox list reports it stale" "true" \
	"$(chela chg sandbox list --json | jq -r --arg n "$n" '.[] | select(.name == $n) | .stale')"
t_match "  ... and sandbox explain says so" '"stale":[ ]*true' "$(chela chg sandbox explain --session s --json | jq -c .state)"
touch -d '10 minutes ago' "$tmp/state-chg/sandboxes/.state/$n.used"
r=$(sx chg s 'true')
id2=$(cid "$n")
t_match "idle for 10 minutes: the next use recreates it (new id, new pids limit)" "^ok [0-9a-f]{64} 120\$" \
	"$([ -n "$id2" ] && [ "$id2" != "$id1" ] && echo ok) $id2 $(docker inspect -f '{{.HostConfig.PidsLimit}}' "$n" 2>/dev/null)"
t_eq "  ... and it is no longer stale" "false" \
	"$(chela chg sandbox list --json | jq -r --arg n "$n" '.[] | select(.name == $n) | .stale')"
conf chg "docker|pids_limit = 140"
sx chg s 'true' >/dev/null
t_eq "changed again, in use: kept (stale)" "$id2 true" \
	"$(cid "$n") $(chela chg sandbox list --json | jq -r --arg n "$n" '.[] | select(.name == $n) | .stale')"
r=$(chela chg sandbox recreate --session s)
t_match "sandbox recreate --session removes it" "removed $n" "$r"
t_eq "  ... the container is gone" "" "$(cid "$n")"
sx chg s 'true' >/dev/null
t_match "  ... and the next use creates it with the current config" "^ok 140\$" \
	"$([ "$(cid "$n")" != "$id2" ] && [ -n "$(cid "$n")" ] && echo ok) $(docker inspect -f '{{.HostConfig.PidsLimit}}' "$n" 2>/dev/null)"

# ---------------------------------------------------------------- recovery behind chela's back
conf rec
sx rec s 'echo a > /tmp/mark' >/dev/null
n=$(cname rec s); id1=$(cid "$n")
docker kill "$n" >/dev/null 2>&1
r=$(sx rec s 'echo back')
t_eq "a killed container is started again on next use" "back true $id1" \
	"$(out "$r" | tr -d '\n') $(docker inspect -f '{{.State.Running}}' "$n") $(cid "$n")"
docker rm -f "$n" >/dev/null 2>&1
r=$(sx rec s 'echo again')
id3=$(cid "$n")
t_eq "a container removed behind chela's back is created again on next use" "again true new" \
	"$(out "$r" | tr -d '\n') $(docker inspect -f '{{.State.Running}}' "$n" 2>/dev/null) $([ -n "$id3" ] && [ "$id3" != "$id1" ] && echo new)"

# ---------------------------------------------------------------- locking: concurrent first calls
conf lock
t0=$(date +%s)
for i in 1 2 3; do
	"$CHELA_BIN" tool exec --config "$tmp/lock.ini" --state "$tmp/state-lock" --session s \
		--args '{"command":"echo ok"}' > "$tmp/lock$i.out" 2>"$tmp/lock$i.err" &
done
wait
sleep 1
t_eq "three concurrent first calls for one session all succeed" "ok ok ok" \
	"$(for i in 1 2 3; do out "$(cat "$tmp/lock$i.out")" | tr -d '\n'; printf ' '; done | sed 's/ $//')"
t_eq "  ... and created exactly one container" 1 "$(count lock)"
t_eq "  ... with one create event" 1 "$(docker events --since "$t0" --until "$(date +%s)" --filter type=container \
	--filter event=create --format '{{.Actor.Attributes.name}}' | grep -c "^${run}lock-")"

# ---------------------------------------------------------------- bind validation
ln -s /etc "$tmp/etclink"
i=0
for bind in /:/host:ro /etc:/hostetc /var/run/docker.sock:/var/run/docker.sock "$tmp/home/.ssh:/keys:ro" "$tmp/etclink:/cfg:ro" \
	"$tmp/robind:/workspace/x"; do
	i=$((i + 1))
	conf "bind$i" "docker|bind = $bind"
	r=$(sx "bind$i" s 'echo should-not-run'); rc=$?
	e=$(cat "$tmp/err")
	t_match "bind $bind is refused: exit 1, error 'sandbox security: ...'" '^1 chela tool: exec: sandbox security: bind ' \
		"$rc $e"
	t_eq "  ... and no container was created ($bind)" 0 "$(count "bind$i")"
done

# ---------------------------------------------------------------- sandbox list / explain
n=$(cname iso s)
l=$(chela iso sandbox list --json)
t_eq "sandbox list --json: name, session, agent, image, running, stale" \
	"$n agent:main:s main $img true false" \
	"$(printf '%s' "$l" | jq -r '.[0] | "\(.name) \(.session) \(.agent) \(.image) \(.running) \(.stale)"')"
t_match "sandbox list --json: age_s and idle_s are numbers" '^number number [0-9]+ [0-9]+$' \
	"$(printf '%s' "$l" | jq -r '.[0] | "\(.age_s|type) \(.idle_s|type) \(.age_s) \(.idle_s)"')"
t_eq "sandbox list only shows this config's containers" 1 "$(printf '%s' "$l" | jq length)"
t_match "sandbox list (text) has the columns and the container" "NAME +SESSION +IMAGE +RUNNING +STALE +AGE +IDLE.*$n +agent:main:s" \
	"$(chela iso sandbox list | tr '\n' ' ')"
x=$(chela iso sandbox explain --session s --json)
t_match "sandbox explain --json: sandboxed, container, network, why" \
	"^true $n none sandboxed: mode is all" \
	"$(printf '%s' "$x" | jq -r '"\(.sandboxed) \(.container.name) \(.container.network) \(.reason)"')"
t_eq "sandbox explain --json: mounts with modes" \
	"/workspace rw $tmp/ws|/data ro $tmp/robind" \
	"$(printf '%s' "$x" | jq -r '[.container.mounts[] | "\(.target) \(.mode) \(.source)"] | join("|")')"
t=$(chela iso sandbox explain --session s)
t_match "sandbox explain (text) names the container, the mounts, the network and why" \
	"container: +$n.*network: +none.*/data +ro +<- $tmp/robind.*" "$(printf '%s' "$t" | tr '\n' ' ')"
t_match "  ... and why" 'why: +sandboxed: mode is all' "$t"
x=$(chela modenonmain sandbox explain --session main --json)
t_match "sandbox explain: the main session under non-main is not sandboxed, and says why" '^false .*main' \
	"$(printf '%s' "$x" | jq -r '"\(.sandboxed) \(.reason)"')"

# ---------------------------------------------------------------- prune
# created_ms (a label) bounds the idle time from below, so a container chela made a second ago is
# never "idle for hours" whatever its .used says; a container made before is stood in for by one
# with the labels the manager writes and an old chela.created_ms.
conf prune "prune|idle_hours = 1" "prune|max_age_days = 1"
sx prune fresh 'true' >/dev/null
fresh=$(cname prune fresh)
now=$(date +%s)
mk_old() { # NAME CREATED_MS_AGO_S
	docker create --name "${run}prune-$1" --network none --label chela.sandbox=1 --label chela.agent=main \
		--label "chela.scope=agent:main:$1" --label "chela.created_ms=$(((now - $2) * 1000))" "$img" sleep 1000 >/dev/null
}
mk_old idle 7200
mk_old aged 172800
mkdir -p "$tmp/state-prune/sandboxes/.state"
touch "$tmp/state-prune/sandboxes/.state/${run}prune-aged.used" # used just now, but two days old
docker create --name "${run}other-idle" --label chela.sandbox=1 --label chela.agent=main \
	--label "chela.created_ms=$(((now - 7200) * 1000))" "$img" sleep 1000 >/dev/null
r=$(chela prune sandbox prune)
t_match "sandbox prune removes a container idle past idle_hours" "removed ${run}prune-idle: idle 2 h" "$r"
t_match "sandbox prune removes a container older than max_age_days" "removed ${run}prune-aged: 2 days old" "$r"
t_eq "  ... and keeps the one just used, and another install's" "$fresh ${run}other-idle" \
	"$(names prune | tr '\n' ' ')$(names other)"
touch -d '3 hours ago' "$tmp/state-prune/sandboxes/.state/$fresh.used"
r=$(chela prune sandbox prune)
t_match "a container chela created is never idle longer than it exists (not pruned)" "pruned 0 containers" "$r"
docker rm -f "${run}other-idle" >/dev/null 2>&1

# ---------------------------------------------------------------- missing image
conf noimg "docker|image = chela-test-missing-$$:latest"
before=$(docker images -q | sort | md5sum)
t0=$(date +%s)
r=$(sx noimg s 'true'); rc=$?
e=$(cat "$tmp/err")
t_match "a missing image fails with how to build it" "^1 chela tool: exec: sandbox: image \"chela-test-missing-$$:latest\" is not present on this engine: build it with .*chela never pulls" "$rc $e"
t_eq "  ... no container, no pull, the image list unchanged" "0 0 same" \
	"$(count noimg) $(docker events --since "$t0" --until "$(date +%s)" --filter type=image --filter event=pull --format x | grep -c x) $([ "$(docker images -q | sort | md5sum)" = "$before" ] && echo same)"

# ---------------------------------------------------------------- doctor
r=$(chela iso doctor); rc=$?
ver=$(docker version --format '{{.Server.Version}}' | sed 's/[.+]/\\&/g') # as a regex
t_match "doctor: exit 0, the engine reachable with its version" "^0 .*ok +engine: Docker $ver reachable" \
	"$rc $(printf '%s' "$r" | tr '\n' ' ') $(cat "$tmp/err")"
t_match "doctor: the socket and its permissions" "ok +socket: /var/run/docker.sock \(mode 0[0-7]+, [0-9]+:[0-9]+\)" "$r"
t_match "doctor: the image is present" "ok +image: $img present" "$r"
if docker info --format '{{json .Runtimes}}' | grep -q '"runsc"'; then want="ok +runsc \(gVisor\): available"; else want="warn +runsc"; fi
t_match "doctor: runsc availability" "$want" "$r"
t_match "doctor: auth" "ok +auth: token" "$r"
r=$(chela noimg doctor); rc=$?
t_match "doctor: a missing image FAILs with a remedy line, exit 1" \
	"^1 .*FAIL +image: chela-test-missing-$$:latest missing on this engine.* +remedy: build it with .*chela never pulls" \
	"$rc $(printf '%s' "$r" | tr '\n' ' ')"
conf doc "docker|bind = $tmp:/t:ro" "docker|runtime = no-such-runtime"
r=$(chela doc doctor); rc=$?
t_match "doctor: a risky read-only bind is a warning with a remedy" "warn +binds: agent main: .*$tmp.* +remedy: " \
	"$(printf '%s' "$r" | tr '\n' ' ')"
t_match "doctor: a runtime the engine lacks FAILs, exit 1" "^1 .*FAIL +runtime: agent main wants runtime = no-such-runtime" \
	"$rc $(printf '%s' "$r" | tr '\n' ' ')"
conf doc2 "docker|bind = /etc:/e:ro"
r=$(chela doc2 doctor)
t_match "doctor: a refused bind FAILs with the sandbox security error" "FAIL +binds: agent main: sandbox security: bind \"/etc:/e:ro\"" "$r"
r=$(DOCKER_HOST=unix://$tmp/no.sock chela iso doctor); rc=$?
t_match "doctor: no engine FAILs with a remedy, exit 1" "^1 .*FAIL +engine: not reachable: .* +remedy: start the Docker engine" \
	"$rc $(printf '%s' "$r" | tr '\n' ' ')"
[ "$T_FAILS" -eq 0 ]
