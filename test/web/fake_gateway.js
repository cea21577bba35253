// test/web/fake_gateway.js — a scripted stand-in for `chela gateway` that speaks the same
// WebSocket protocol, used to exercise the page's rendering paths (streaming deltas, tool cards
// with host/container placement, escaping, abort) that the real gateway can only produce once a
// model is configured. It is NOT a test of the gateway: test/web/web_page.js drives the real
// binary; test/web/web_render.js drives this peer.
//
//   node test/web/fake_gateway.js PORT TOKEN [STATE_FILE]
//
// Transcripts are kept in STATE_FILE (JSON) when given, so a restart keeps them like chela does.
// FAKE_GATEWAY_NO_MODEL=1 answers chat methods the way chela does before a model is configured.
//
// Node's standard library only: a minimal RFC 6455 server (text frames, masking, close).
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const port = Number(process.argv[2] || 0);
const token = process.argv[3] || 'test-token';
const stateFile = process.argv[4] || '';
const assets = path.join(__dirname, '../../src/gateway/assets');
const MAIN = 'agent:main:main';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

const sessions = new Map([[MAIN, []], ['agent:main:telegram:group:42', []]]);
if (stateFile && fs.existsSync(stateFile)) {
	for (const [k, v] of Object.entries(JSON.parse(fs.readFileSync(stateFile, 'utf8')))) sessions.set(k, v);
}
function save() {
	if (stateFile) fs.writeFileSync(stateFile, JSON.stringify(Object.fromEntries(sessions)));
}

const server = http.createServer((req, res) => {
	if (req.url === '/healthz') { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true,"status":"live"}'); return; }
	const name = req.url === '/' ? 'index.html' : req.url.replace(/^\//, '').replace(/[?#].*$/, '');
	if (name.includes('..') || !/^[\w./-]+$/.test(name)) { res.writeHead(404); res.end(); return; }
	fs.readFile(path.join(assets, name), (err, data) => {
		if (err) { res.writeHead(404); res.end('not found'); return; }
		res.writeHead(200, { 'content-type': TYPES[path.extname(name)] || 'application/octet-stream', 'cache-control': 'no-store' });
		res.end(data);
	});
});

function frame(opcode, payload) {
	const n = payload.length;
	let head;
	if (n < 126) head = Buffer.from([0x80 | opcode, n]);
	else if (n < 65536) { head = Buffer.alloc(4); head[0] = 0x80 | opcode; head[1] = 126; head.writeUInt16BE(n, 2); }
	else { head = Buffer.alloc(10); head[0] = 0x80 | opcode; head[1] = 127; head.writeBigUInt64BE(BigInt(n), 2); }
	return Buffer.concat([head, payload]);
}

server.on('upgrade', (req, sock) => {
	const key = req.headers['sec-websocket-key'];
	if (!key) { sock.destroy(); return; }
	const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
	sock.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
		'Sec-WebSocket-Accept: ' + accept + '\r\n\r\n');
	const conn = { sock, authed: false, seq: 0, closed: false, runs: new Map() };
	const send = (obj) => { if (!conn.closed) sock.write(frame(1, Buffer.from(JSON.stringify(obj)))); };
	conn.event = (event, payload) => send({ type: 'event', event, payload, seq: ++conn.seq });
	conn.res = (id, ok, body) => send(ok ? { type: 'res', id, ok: true, payload: body } : { type: 'res', id, ok: false, error: body });
	conn.close = (code, reason) => {
		if (conn.closed) return;
		const r = Buffer.from(reason || '');
		const p = Buffer.alloc(2 + r.length); p.writeUInt16BE(code, 0); r.copy(p, 2);
		sock.write(frame(8, p));
		conn.closed = true;
		sock.end();
	};
	let buf = Buffer.alloc(0);
	sock.on('data', (chunk) => {
		buf = Buffer.concat([buf, chunk]);
		for (;;) {
			if (buf.length < 2) return;
			const op = buf[0] & 15, masked = buf[1] & 128;
			let len = buf[1] & 127, off = 2;
			if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
			else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
			const need = off + (masked ? 4 : 0) + len;
			if (buf.length < need) return;
			const mask = masked ? buf.subarray(off, off + 4) : null;
			const data = Buffer.from(buf.subarray(need - len, need));
			if (mask) for (let i = 0; i < data.length; i++) data[i] ^= mask[i & 3];
			buf = buf.subarray(need);
			if (op === 8) { conn.close(1000, ''); return; }
			if (op === 9) { sock.write(frame(10, data)); continue; }
			if (op === 1) onText(conn, data.toString('utf8'));
		}
	});
	sock.on('error', () => {});
	sock.on('close', () => { conn.closed = true; clearInterval(conn.ticker); for (const r of conn.runs.values()) clearTimeout(r.timer); conn.runs.clear(); });
	conn.event('connect.challenge', { nonce: crypto.randomBytes(16).toString('hex'), ts: Date.now() });
});

function onText(conn, text) {
	let f;
	try { f = JSON.parse(text); } catch (e) { conn.close(1007, 'bad json'); return; }
	const p = f.params || {};
	if (!conn.authed) {
		if (f.method === 'connect' && p.auth && p.auth.token === 'locked-out') {
			// what chela answers while a client address is locked out after failed attempts
			conn.res(f.id, false, { code: 'rate_limited', message: 'too many failed authentication attempts; retry in 30 s' });
			conn.close(1008, 'too many failed authentication attempts; retry in 30 s');
			return;
		}
		if (f.method !== 'connect' || !p.auth || p.auth.token !== token) {
			conn.res(f.id, false, { code: 'unauthorized', message: 'invalid or missing gateway token' });
			conn.close(1008, 'invalid or missing gateway token');
			return;
		}
		conn.authed = true;
		conn.res(f.id, true, {
			type: 'hello-ok', protocol: 4, server: { version: 'fake', connId: 'c1' },
			features: { methods: ['chat.send', 'chat.history', 'chat.abort', 'sessions.list', 'sessions.reset'], events: ['chat', 'agent', 'tick'] },
			snapshot: { uptimeMs: 1, authMode: 'token', sessionDefaults: { mainSessionKey: MAIN } },
			policy: { maxPayload: 1048576, maxBufferedBytes: 4194304, tickIntervalMs: 15000 },
		});
		conn.ticker = setInterval(() => conn.event('tick', { ts: Date.now() }), 15000);
		return;
	}
	const key = p.sessionKey || p.key || MAIN;
	switch (f.method) {
	case 'sessions.list':
		conn.res(f.id, true, { sessions: Array.from(sessions.keys(), (k) => ({ key: k })) });
		break;
	case 'chat.history':
		if (process.env.FAKE_GATEWAY_NO_MODEL) { conn.res(f.id, false, { code: 'no_model', message: 'no model configured' }); break; }
		conn.res(f.id, true, { sessionKey: key, messages: sessions.get(key) || [] });
		break;
	case 'sessions.reset':
		sessions.set(key, []);
		save();
		conn.res(f.id, true, { ok: true, key });
		break;
	case 'chat.abort':
		conn.res(f.id, true, { ok: true, aborted: true });
		// Every matching run stops; the others go on (a real gateway runs turns independently).
		for (const run of Array.from(conn.runs.values())) {
			if (p.runId ? run.id !== p.runId : run.key !== key) continue;
			clearTimeout(run.timer);
			conn.runs.delete(run.id);
			conn.event('chat', { runId: run.id, sessionKey: run.key, state: 'aborted' });
		}
		break;
	case 'chat.send':
		chatSend(conn, f.id, key, String(p.message || ''));
		break;
	default:
		conn.res(f.id, false, { code: 'unknown_method', message: 'unknown method ' + f.method });
	}
}

// Scripted turns keyed by the message text.
function chatSend(conn, id, key, message) {
	if (message === 'no model' || process.env.FAKE_GATEWAY_NO_MODEL) { conn.res(id, false, { code: 'no_model', message: 'no model configured' }); return; }
	const runId = 'run-' + crypto.randomBytes(4).toString('hex');
	const hist = sessions.get(key) || [];
	sessions.set(key, hist);
	hist.push({ role: 'user', content: [{ type: 'text', text: message }] });
	save();
	conn.res(id, true, { runId, status: 'started' });
	const steps = [];
	const ev = (event, payload) => steps.push(() => conn.event(event, Object.assign({ runId, sessionKey: key }, payload)));
	let reply;
	if (message === 'tools') {
		ev('agent', { stream: 'tool', data: { phase: 'start', name: 'exec', toolCallId: 't1', args: { command: 'ls /workspace' }, container: 'chela-sbx-agent-main-telegram-group-42-1a2b3c4d' } });
		ev('agent', { stream: 'tool', data: { phase: 'end', name: 'exec', toolCallId: 't1', result: 'AGENTS.md\nSOUL.md\n<script>alert(1)</script>', isError: false, container: 'chela-sbx-agent-main-telegram-group-42-1a2b3c4d' } });
		ev('agent', { stream: 'tool', data: { phase: 'start', name: 'read', toolCallId: 't2', args: { path: 'nope.txt' }, where: 'host' } });
		ev('agent', { stream: 'tool', data: { phase: 'end', name: 'read', toolCallId: 't2', result: 'read: nope.txt: no such file', isError: true, where: 'host' } });
		reply = 'The workspace holds **AGENTS.md** and SOUL.md.\n```sh\nls /workspace\n```\nDone.';
	} else if (message === 'slow') {
		reply = 'This reply takes a long time to arrive and should be stopped.';
	} else {
		reply = 'You said: ' + message;
	}
	const words = reply.split(/(?<= )/);
	for (const w of words) ev('chat', { state: 'delta', delta: w });
	ev('chat', { state: 'final', message: { role: 'assistant', content: [{ type: 'text', text: reply }] } });
	steps.push(() => { hist.push({ role: 'assistant', content: [{ type: 'text', text: reply }] }); save(); });
	const gap = message === 'slow' ? 1500 : 40;
	// Each run plays out on its own: a second chat.send must not cut the first one short (that
	// left the first run without its final event, and the page showed it as still thinking).
	const run = { id: runId, key, timer: 0 };
	conn.runs.set(runId, run);
	const next = () => {
		const s = steps.shift();
		if (!s || !conn.runs.has(runId)) return;
		s();
		if (!steps.length) conn.runs.delete(runId); else run.timer = setTimeout(next, gap);
	};
	run.timer = setTimeout(next, gap);
}

server.listen(port, '127.0.0.1', () => {
	process.stdout.write('listening ' + server.address().port + '\n');
});
process.on('SIGTERM', () => process.exit(0));
