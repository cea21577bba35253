#!/bin/sh
# test/integration/web_render.sh — the web chat page's rendering paths in headless Chromium
# against test/web/fake_gateway.js, a scripted peer speaking the gateway's WebSocket protocol:
# streamed replies, tool calls with where they ran (host or container), collapsible output,
# escaping of model/tool output, Stop, /new, the session picker, reconnect. web_page.sh drives
# the real gateway with a scripted model; this covers what that setup does not produce.
# Screenshots: build/test-logs/web_render.png and build/test-logs/web_render_phone.png.
SUITE=web_render
. test/lib.sh
top=${CHELA_TOP:-$(pwd)}
if [ ! -x "${CHELA_CHROMIUM:-/usr/bin/chromium}" ]; then
	t_fail setup "no Chromium at ${CHELA_CHROMIUM:-/usr/bin/chromium}: apt-get install -y chromium"
	exit 1
fi
if ! command -v node >/dev/null 2>&1; then
	t_fail setup "node not found: apt-get install -y nodejs npm"
	exit 1
fi
if ! sh "$top/test/web/setup.sh"; then
	t_fail setup "could not install playwright-core into test/web (see the npm output above)"
	exit 1
fi
mkdir -p "$top/build/test-logs"
node "$top/test/web/web_render.js" "$top/build/test-logs"
