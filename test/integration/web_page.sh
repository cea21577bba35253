#!/bin/sh
# test/integration/web_page.sh — the web chat page served by the real `chela gateway`, driven in
# headless Chromium (Debian's /usr/bin/chromium through playwright-core): wrong then right token,
# a real turn against test/llm/llm_server.py (reply, a tool call run on the host), the model
# unreachable (error shown, box usable), escaping, token hygiene, the CSP, a gateway restart with
# reconnect, /new, phone layout. Screenshots: build/test-logs/web_page.png and
# build/test-logs/web_page_phone.png. The steps are in test/web/web_page.js.
SUITE=web_page
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
node "$top/test/web/web_page.js" "${CHELA_BIN:-$top/build/chela}" "$top/build/test-logs"
