/*
 * chela web chat — the connection to the gateway: token keeping, the WebSocket handshake,
 * requests and their answers, events, and redialling with backoff. No DOM here; app.js draws.
 *
 * Protocol (SPEC.md "Gateway protocol", OpenClaw v4 framing):
 *   server → event connect.challenge; page → req connect {minProtocol 4, maxProtocol 4, client,
 *   role, scopes, auth{token}}; server → res ok {type:"hello-ok", server, snapshot, policy}.
 *   A refused token closes the socket with 1008: the page asks again rather than redialling
 *   (the gateway rate-limits failures); `rate_limited` is waited out with the same token.
 *   Frames: {type:"req",id,method,params} → {type:"res",id,ok,payload|error{code,message}};
 *   {type:"event",event,payload,seq}. Ticks keep the socket honest: once they flow, a silent
 *   socket is dropped and redialled.
 *
 *   const gw = ChelaConn.create(hooks); gw.start(); gw.rpc(method, params[, timeoutMs])
 *   hooks: onStatus(state, text, detail) onHello(hello) onDown() onAuthFailed(message)
 *          onRefused(message) onEvent(name, payload)
 *
 * The token lives in localStorage (memory when storage is off), arrives via #token=… (then
 * removed from the address bar) or the prompt, and is never handed to the DOM.
 */
'use strict';
window.ChelaConn = (function () {
	const TOKEN_KEY = 'chela.token';
	const BACKOFF_MIN_MS = 250;
	const BACKOFF_MAX_MS = 15000;
	const CHALLENGE_TIMEOUT_MS = 5000;
	const RPC_TIMEOUT_MS = 30000;
	const TICK_MISSES = 3; /* ticks missed before the socket counts as dead */
	const RATE_LIMIT_DEFAULT_S = 60;

	/* localStorage can be missing or throw (private windows, storage disabled): fall back to memory. */
	const memory = {};
	const store = {
		get(k) { try { return localStorage.getItem(k); } catch (e) { return k in memory ? memory[k] : null; } },
		set(k, v) { try { localStorage.setItem(k, v); } catch (e) { memory[k] = v; } },
		del(k) { try { localStorage.removeItem(k); } catch (e) { delete memory[k]; } },
	};

	function rpcError(code, message) {
		const e = new Error(message || code || 'request failed');
		e.code = code || 'error';
		return e;
	}

	function create(hooks) {
		const st = {
			ws: null, connected: false, sentToken: false, reqSeq: 0, pending: new Map(),
			backoff: BACKOFF_MIN_MS, retryTimer: 0, retryAt: 0, countdown: 0, paused: true,
			hello: null, lastFrameAt: 0, tickMs: 0, watchdog: 0,
		};
		const status = (state, text, detail) => hooks.onStatus(state, text, detail || '');

		function connect() {
			clearTimeout(st.retryTimer);
			clearInterval(st.countdown);
			st.retryTimer = 0;
			if (st.ws || st.paused) return;
			status('connecting', 'connecting…');
			/* Same origin, same directory: works at / and behind a proxy that mounts chela at /x/. */
			const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host +
				location.pathname.replace(/[^/]*$/, '');
			let sock;
			try {
				sock = new WebSocket(url);
			} catch (e) {
				scheduleReconnect();
				return;
			}
			st.ws = sock;
			st.lastFrameAt = Date.now();
			sock.challengeTimer = setTimeout(() => dropSocket(sock, 'no challenge from the gateway'), CHALLENGE_TIMEOUT_MS);
			sock.onmessage = (ev) => {
				if (st.ws !== sock) return;
				st.lastFrameAt = Date.now();
				let frame;
				try { frame = JSON.parse(ev.data); } catch (e) { return; }
				if (frame && typeof frame === 'object') onFrame(sock, frame);
			};
			sock.onclose = (ev) => onSocketClosed(sock, ev.code);
		}

		/* Drop a socket we no longer trust (no challenge, missed ticks) without waiting for TCP. */
		function dropSocket(sock, why) {
			if (st.ws !== sock) return;
			try { sock.close(4000, why.slice(0, 100)); } catch (e) { /* already closing */ }
			onSocketClosed(sock, 1006);
		}

		/* Forget a socket: its pending requests fail, the page hears it is down. */
		function detach(sock) {
			clearTimeout(sock.challengeTimer);
			if (st.ws !== sock) return false;
			st.ws = null;
			st.connected = false;
			clearInterval(st.watchdog);
			st.watchdog = 0;
			st.tickMs = 0;
			for (const [id, p] of st.pending) {
				clearTimeout(p.timer);
				p.reject(rpcError('offline', 'connection lost'));
				st.pending.delete(id);
			}
			try { sock.close(); } catch (e) { /* already closing */ }
			hooks.onDown();
			return true;
		}

		function onSocketClosed(sock, code) {
			if (!detach(sock)) return;
			if (code === 1008) authFailed();
			else scheduleReconnect();
		}

		/* The gateway refused our credentials: forget them and wait for new ones. */
		function authFailed() {
			const hadToken = st.sentToken;
			st.paused = true;
			store.del(TOKEN_KEY);
			status('auth', hadToken ? 'wrong token' : 'token needed');
			hooks.onAuthFailed(hadToken ? 'Wrong token: the gateway refused it. Check the token and try again.'
				: 'This gateway needs a token.');
		}

		/* Redial after a backoff (or a delay the gateway asked for), counting down in the status. */
		function scheduleReconnect(delayMs, why) {
			if (st.paused) return;
			const delay = delayMs || Math.round(st.backoff * (0.8 + Math.random() * 0.4));
			if (!delayMs) st.backoff = Math.min(BACKOFF_MAX_MS, st.backoff * 2);
			st.retryAt = Date.now() + delay;
			const tick = () => {
				const s = Math.ceil((st.retryAt - Date.now()) / 1000);
				status('reconnecting', why ? why + ', retrying…' : 'reconnecting…', s > 1 ? ' (' + s + ' s)' : '');
			};
			tick();
			clearInterval(st.countdown);
			st.countdown = setInterval(tick, 1000);
			clearTimeout(st.retryTimer);
			st.retryTimer = setTimeout(connect, delay);
		}

		/* Back online or back in view: do not sit out the rest of a long backoff. */
		function retryNow() {
			if (!st.ws && st.retryTimer && !st.paused) {
				st.backoff = BACKOFF_MIN_MS;
				connect();
			}
		}

		function rpc(method, params, timeoutMs) {
			return new Promise((resolve, reject) => {
				const sock = st.ws;
				if (!sock || sock.readyState !== WebSocket.OPEN) {
					reject(rpcError('offline', 'not connected to the gateway'));
					return;
				}
				const id = 'web-' + (++st.reqSeq);
				const timer = setTimeout(() => {
					st.pending.delete(id);
					reject(rpcError('timeout', method + ': no answer from the gateway'));
				}, timeoutMs || RPC_TIMEOUT_MS);
				st.pending.set(id, { resolve, reject, timer });
				sock.send(JSON.stringify({ type: 'req', id, method, params: params || {} }));
			});
		}

		function onFrame(sock, f) {
			if (f.type === 'res') {
				const p = st.pending.get(f.id);
				if (!p) return;
				st.pending.delete(f.id);
				clearTimeout(p.timer);
				if (f.ok) p.resolve(f.payload);
				else p.reject(rpcError(f.error && f.error.code, f.error && f.error.message));
				return;
			}
			if (f.type !== 'event' && f.type !== 'evt') return;
			const payload = f.payload && typeof f.payload === 'object' ? f.payload : {};
			if (f.event === 'connect.challenge') sendConnect(sock);
			else if (f.event === 'tick') armWatchdog(sock);
			else if (st.connected && typeof f.event === 'string') hooks.onEvent(f.event, payload);
		}

		function sendConnect(sock) {
			if (sock.connectSent) return;
			sock.connectSent = true;
			clearTimeout(sock.challengeTimer);
			const token = store.get(TOKEN_KEY) || '';
			st.sentToken = !!token;
			const params = {
				minProtocol: 4, maxProtocol: 4,
				client: { id: 'chela-web', version: hooks.clientVersion || '1', platform: navigator.platform || 'web', mode: 'webchat' },
				role: 'operator', scopes: ['operator.read', 'operator.write'],
			};
			if (token) params.auth = { token };
			rpc('connect', params).then((hello) => {
				if (st.ws !== sock) return;
				st.hello = hello && typeof hello === 'object' ? hello : {};
				st.connected = true;
				st.backoff = BACKOFF_MIN_MS;
				const policy = st.hello.policy || {};
				st.tickMs = Number(policy.tickIntervalMs) > 0 ? Number(policy.tickIntervalMs) : 0;
				status('connected', 'connected');
				hooks.onHello(st.hello);
			}).catch((e) => {
				if (st.ws !== sock || e.code === 'offline') return;
				if (e.code === 'rate_limited') {
					/* Locked out after failed attempts (maybe another tab's): wait it out with
					 * the same token rather than calling it wrong. */
					const m = /(\d+)\s*s/.exec(e.message);
					detach(sock);
					scheduleReconnect(((m ? Number(m[1]) : RATE_LIMIT_DEFAULT_S) + 1) * 1000, 'too many failed attempts');
				} else if (e.code === 'unauthorized' || /auth|token|forbidden/i.test(e.code)) {
					onSocketClosed(sock, 1008);
				} else {
					hooks.onRefused('The gateway refused the connection: ' + e.message);
					dropSocket(sock, 'connect failed');
				}
			});
		}

		function armWatchdog(sock) {
			if (st.watchdog || !st.tickMs || st.ws !== sock) return;
			st.watchdog = setInterval(() => {
				if (st.ws === sock && Date.now() - st.lastFrameAt > st.tickMs * TICK_MISSES)
					dropSocket(sock, 'no tick from the gateway');
			}, st.tickMs);
		}

		/* #token=… in the address bar: keep it, then take it out of the URL and its history entry. */
		function takeTokenFromUrl() {
			const hash = location.hash.replace(/^#/, '');
			if (!hash) return false;
			const params = new URLSearchParams(hash);
			if (!params.has('token')) return false;
			const token = params.get('token');
			params.delete('token');
			const rest = params.toString();
			history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
			if (token) store.set(TOKEN_KEY, token);
			return !!token;
		}

		window.addEventListener('online', retryNow);
		document.addEventListener('visibilitychange', () => { if (!document.hidden) retryNow(); });

		const api = {
			rpc,
			takeTokenFromUrl,
			get connected() { return st.connected; },
			get hello() { return st.hello; },
			hasToken() { return !!store.get(TOKEN_KEY); },
			/* Set (or, with '', clear) the token. */
			setToken(token) { if (token) store.set(TOKEN_KEY, token); else store.del(TOKEN_KEY); },
			/* (Re)connect now with the stored token, dropping any current socket. */
			start() {
				st.paused = false;
				st.backoff = BACKOFF_MIN_MS;
				if (st.ws) dropSocket(st.ws, 'reconnect'); /* schedules a redial; connect() below wins */
				connect();
			},
			/* Forget the token and stay offline until start(). */
			signOut() {
				st.paused = true;
				store.del(TOKEN_KEY);
				if (st.ws) dropSocket(st.ws, 'signed out');
				clearTimeout(st.retryTimer);
				clearInterval(st.countdown);
				status('auth', 'signed out');
			},
		};
		return api;
	}

	return { create, store };
}());
