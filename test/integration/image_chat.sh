#!/bin/sh
# test/integration/image_chat.sh — a whole chat turn through the packaged product: `docker compose
# up -d` with the shipped compose file, a scripted model (test/llm/llm_server.py) on the host's
# bridge address, and POST /v1/chat/completions on the published port. The model asks for `exec`;
# the gateway container must run it in a sibling sandbox container created through the mounted
# socket (the tool result the model gets back names that container's hostname and shows its
# filesystem, not the gateway's), and after `docker compose down && up` the session's history
# is still there (the next request carries the earlier turn).
SUITE=image_chat
. "$CHELA_TOP/test/lib.sh"
cd "$CHELA_TOP" || exit 1

. "$CHELA_TOP/test/image_lib.sh"
image_release_only
image_find_compose
image_ensure chela:latest chela-sandbox:bookworm-slim

# The host as the gateway container reaches it: the default bridge's gateway address is one of
# the host's own addresses, so traffic to it is delivered locally (INPUT), never forwarded.
# Engines that leave the gateway out of the bridge's IPAM config still give docker0 that address.
host_ip=$(docker network inspect bridge -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' 2>/dev/null)
[ -n "$host_ip" ] || host_ip=$(ip -4 -o addr show docker0 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -1)
[ -n "$host_ip" ] || { t_fail "bridge address" "neither the bridge network nor docker0 has an address"; exit 1; }

proj=$(mktemp -d /tmp/chela-chat.XXXXXX)
name="chelachat$$"
prefix="chela-sbx-c$$-"
token="chat-test-token-$$"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)

cat > "$proj/turns.json" <<'EOF'
[
 {"kind": "tools", "text": "", "calls": [{"id": "call_1", "name": "exec",
   "arguments": "{\"command\": \"echo HOST=$(cat /etc/hostname); echo ROOT=$(ls /); ls /data 2>&1; test -S /var/run/docker.sock && echo SOCKET\"}"}]},
 {"kind": "reply", "text": "The sandbox answered."},
 {"kind": "reply", "text": "I remember."}
]
EOF
python3 test/llm/llm_server.py --provider openai --host "$host_ip" --script "$proj/turns.json" \
	--port-file "$proj/llm.port" --log "$proj/llm.log" > "$proj/llm.out" 2>&1 &
llm_pid=$!
i=0; while [ ! -s "$proj/llm.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
llm_port=$(cat "$proj/llm.port" 2>/dev/null)

cp docker/compose.yml "$proj/compose.yml"
printf 'DOCKER_GID=%s\nCHELA_PORT=%s\nCHELA_CONTAINER_NAME=%s\nCHELA_GATEWAY_TOKEN=%s\nOPENAI_API_KEY=sk-test\n' \
	"$(stat -c %g /var/run/docker.sock)" "$port" "$name" "$token" > "$proj/.env"
cat > "$proj/chela.ini" <<EOF
[gateway]
token = \${CHELA_GATEWAY_TOKEN}
openai_http = true

[model]
provider = openai
model = test-model
base_url = http://$host_ip:$llm_port
api_key = \${OPENAI_API_KEY}

[agents.defaults.sandbox]
mode = all
workspace_access = rw

[agents.defaults.sandbox.docker]
container_prefix = $prefix
EOF
chmod 0644 "$proj/chela.ini"
sed -i 's|^      - chela-data:/data .*|&\n      - ./chela.ini:/data/chela.ini:ro|' "$proj/compose.yml"
cleanup() {
	kill "$llm_pid" 2>/dev/null
	docker ps -aq --filter "name=^/$prefix" | xargs -r docker rm -f >/dev/null 2>&1
	(cd "$proj" && compose -p "$name" down -v >/dev/null 2>&1)
	rm -rf "$proj"
}
trap cleanup EXIT INT TERM

up() {
	if ! out=$(cd "$proj" && compose -p "$name" up -d 2>&1); then t_fail "compose up -d ($1)" "$out"; return 1; fi
	compose_wait_healthy "$name" " ($1)"
}
chat() { # message -> the response body
	curl -sS -m 60 "http://127.0.0.1:$port/v1/chat/completions" -H "Authorization: Bearer $token" \
		-H 'Content-Type: application/json' \
		-d "{\"model\":\"chela\",\"user\":\"alice\",\"messages\":[{\"role\":\"user\",\"content\":\"$1\"}]}" 2>&1
}

up "first start" || exit 1
out=$(chat "what runs where?")
t_match "the turn's reply comes back through the OpenAI endpoint" '"content":"The sandbox answered."' "$out"

sbx=$(docker ps -q --filter "name=^/$prefix" --filter label=chela.sandbox=1)
if [ -n "$sbx" ]; then t_ok "the tool ran in a sibling container created through the socket"; else
	t_fail "sibling sandbox" "no running container named $prefix*: $(docker logs "$name" 2>&1 | tail -5)"; fi
# What the model was told the tool printed: the second request's tool message.
result=$(python3 - "$proj/llm.log" <<'PY'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
msgs = reqs[1]["body"]["messages"] if len(reqs) > 1 else []
print("\n".join(m.get("content") or "" for m in msgs if m.get("role") == "tool"))
PY
)
t_match "the exec result names the sandbox's hostname" "HOST=$(printf '%s' "$sbx" | cut -c1-12)" "$result"
t_match "the sandbox's root filesystem is the sandbox image's" 'ROOT=.*usr' "$result"
t_nomatch "the sandbox's root is not the gateway's (no /chela there)" 'ROOT=.*(^| )chela( |$)' "$result"
t_match "the sandbox cannot see the gateway's /data" "cannot access '/data'" "$result"
t_nomatch "the sandbox has no Docker socket" 'SOCKET' "$result"

if ! out=$(cd "$proj" && compose -p "$name" down 2>&1); then t_fail "compose down" "$out"; fi
up "after down and up" || exit 1
out=$(chat "do you remember?")
t_match "a turn after the restart is answered" '"content":"I remember."' "$out"
hist=$(python3 - "$proj/llm.log" <<'PY'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
msgs = reqs[-1]["body"]["messages"] if reqs else []
print(" | ".join(str(m.get("content")) for m in msgs))
PY
)
t_match "the session survived compose down/up (the model sees the earlier turn)" \
	'what runs where\?.*The sandbox answered\..*do you remember\?' "$hist"
[ "$T_FAILS" -eq 0 ]
