/*
 * chela web chat — the page the gateway serves at GET /: session picker, history, sending,
 * streamed replies, tool calls, Stop, /new. Plain JavaScript, no framework, no build step,
 * nothing fetched from anywhere but this gateway. The connection itself is conn.js.
 *
 * What the page reads from the gateway (SPEC.md "Gateway protocol"):
 *   sessions.list → {sessions:[{key, displayName?, label?}]}; hello-ok snapshot.sessionDefaults
 *     .mainSessionKey (else agent:main:main) is the default session.
 *   chat.history {sessionKey, limit} → {messages:[{role: user|assistant|toolResult, content:
 *     string | [{type:"text",text} | {type:"toolCall",id,name,arguments}], toolCallId?, isError?}]}
 *   chat.send {sessionKey, message, idempotencyKey} → {runId, status:"started"} (or the whole
 *     reply), or error {code:"no_model", message:"no model configured"} until a model is set.
 *   chat.abort {sessionKey, runId}; sessions.reset {key, sessionKey} (typed as /new or /reset).
 *   event chat  {runId, sessionKey, state: delta|final|error|aborted, delta? (appended) |
 *               message{content} (the text so far), errorMessage?, error{code,message}?}
 *   event agent {runId, sessionKey, stream:"tool", data{phase: start|update|end|result, name,
 *               toolCallId, args, result|output, isError, container (name) | where:"host"}}
 *
 * Everything from the network reaches the DOM through textContent / createElement only (never
 * innerHTML), so model and tool output cannot inject markup.
 */
'use strict';
(function () {
	const PAGE_VERSION = '1';
	const SESSION_KEY = 'chela.session';
	const DEFAULT_MAIN_KEY = 'agent:main:main';
	const CHAT_SEND_TIMEOUT_MS = 600000; /* a gateway may answer chat.send only when the turn ends */
	const HISTORY_LIMIT = 200;
	const OUTPUT_CAP_CHARS = 20000;   /* a tool's output shown inline; the rest is cut, not hidden */
	const ABORT_GRACE_MS = 3000;

	const $ = (id) => document.getElementById(id);
	const ui = {
		log: $('log'), empty: $('empty'), status: $('status'), statusText: $('status-text'), statusDetail: $('status-detail'),
		session: $('session'), forget: $('forget'), form: $('composer'), input: $('input'),
		send: $('send'), abort: $('abort'), tokenPanel: $('token-panel'), tokenForm: $('token-form'),
		tokenInput: $('token-input'), tokenError: $('token-error'),
	};

	const store = window.ChelaConn.store;
	const st = {
		session: store.get(SESSION_KEY) || '', mainKey: DEFAULT_MAIN_KEY, sessions: [],
		historySig: null, runs: new Map(), activeRun: null, renderQueued: new Set(),
	};
	const gw = window.ChelaConn.create({
		clientVersion: PAGE_VERSION,
		onStatus: setStatus,
		onHello() {
			updateComposer();
			loadSessions().then(() => loadHistory(true));
		},
		onDown() {
			for (const run of st.runs.values()) {
				if (run.state === 'pending' || run.state === 'streaming')
					finishRun(run, 'interrupted', 'Connection lost; the reply will show here once the gateway is back.');
			}
			updateComposer();
		},
		onAuthFailed(message) {
			showTokenPanel(message);
			updateComposer();
		},
		onRefused(message) { addNote('error', message); },
		onEvent(name, payload) {
			if (name === 'chat') onChatEvent(payload);
			else if (name === 'agent') onAgentEvent(payload);
		},
	});
	const rpc = gw.rpc;

	/* ---------- small DOM helpers (text only) ---------- */

	function el(tag, cls, text) {
		const e = document.createElement(tag);
		if (cls) e.className = cls;
		if (text !== undefined && text !== null) e.textContent = String(text);
		return e;
	}

	function nearBottom() {
		return ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 120;
	}

	function append(node) {
		const stick = nearBottom();
		ui.empty.hidden = true;
		ui.log.appendChild(node);
		if (stick) ui.log.scrollTop = ui.log.scrollHeight;
		return node;
	}

	function clearLog() {
		for (const run of st.runs.values()) clearTimeout(run.abortTimer);
		st.runs.clear();
		st.activeRun = null;
		ui.log.replaceChildren(ui.empty);
		ui.empty.hidden = false;
		updateComposer();
	}

	/* Message text: plain text with ``` fences shown as code blocks. */
	function renderText(box, text) {
		const parts = String(text).split('```');
		const frag = document.createDocumentFragment();
		parts.forEach((part, i) => {
			if (i % 2 === 0) {
				/* the newline that closed a fence is part of the fence, not of the text after it */
				const t = i > 0 ? part.replace(/^\n/, '') : part;
				if (t) frag.appendChild(document.createTextNode(t));
				return;
			}
			let code = part;
			const nl = code.indexOf('\n');
			if (nl >= 0 && /^[\w+.-]{0,20}$/.test(code.slice(0, nl))) code = code.slice(nl + 1);
			const pre = el('pre', 'code');
			pre.appendChild(el('code', null, code.replace(/\n$/, '')));
			frag.appendChild(pre);
		});
		box.replaceChildren(frag);
	}

	function textOf(content) {
		if (content === null || content === undefined) return null;
		if (typeof content === 'string') return content;
		if (Array.isArray(content)) {
			const texts = content.map((c) => (typeof c === 'string' ? c : c && c.type === 'text' ? c.text : null))
				.filter((t) => typeof t === 'string');
			return texts.length ? texts.join('\n') : null;
		}
		if (typeof content === 'object') {
			if (typeof content.text === 'string') return content.text;
			if (content.content !== undefined) return textOf(content.content);
		}
		return null;
	}

	function pretty(v) {
		if (v === null || v === undefined) return '';
		if (typeof v === 'string') return v;
		const t = textOf(v);
		if (t !== null) return t;
		try { return JSON.stringify(v, null, 2); } catch (e) { return String(v); }
	}

	function capped(s) {
		return s.length > OUTPUT_CAP_CHARS
			? s.slice(0, OUTPUT_CAP_CHARS) + '\n… (' + (s.length - OUTPUT_CAP_CHARS) + ' more characters not shown)'
			: s;
	}

	function randomId() {
		const b = new Uint8Array(16);
		crypto.getRandomValues(b);
		return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
	}

	/* ---------- status, composer, token prompt ---------- */

	/* text is announced to screen readers (role=status); detail (a countdown) is not. */
	function setStatus(state, text, detail) {
		ui.status.dataset.state = state;
		if (ui.statusText.textContent !== text) ui.statusText.textContent = text;
		ui.statusDetail.textContent = detail || '';
		const v = gw && gw.hello && gw.hello.server && gw.hello.server.version;
		ui.status.title = v ? 'chela ' + v : '';
	}

	function updateComposer() {
		const run = st.activeRun;
		const busy = !!run && (run.state === 'pending' || run.state === 'streaming');
		const on = gw.connected;
		ui.input.disabled = !on;
		ui.send.disabled = !on;
		ui.session.disabled = !on;
		ui.abort.hidden = !busy;
		ui.abort.disabled = !on || (busy && run.aborting);
		ui.forget.hidden = !gw.hasToken();
	}

	function showTokenPanel(message) {
		ui.tokenError.textContent = message || '';
		ui.tokenError.hidden = !message;
		ui.tokenInput.value = '';
		ui.tokenPanel.hidden = false;
		setBackgroundInert(true);
		ui.tokenInput.focus();
	}

	function hideTokenPanel() {
		ui.tokenInput.value = '';
		ui.tokenPanel.hidden = true;
		setBackgroundInert(false);
	}

	/* While the token prompt is open, the page behind it is out of reach of Tab and screen readers. */
	function setBackgroundInert(on) {
		for (const node of [document.querySelector('.bar'), ui.log, ui.form]) node.inert = on;
	}

	/* ---------- sessions and history ---------- */

	function sessionLabel(key) {
		const m = /^agent:([^:]+):(.*)$/.exec(key);
		if (!m) return key;
		const rest = m[2] === 'main' ? 'main' : m[2].replace(/:/g, ' · ');
		return m[1] === 'main' ? rest : m[1] + ' — ' + rest;
	}

	async function loadSessions() {
		let list = [];
		try {
			const p = await rpc('sessions.list', {});
			list = Array.isArray(p && p.sessions) ? p.sessions.filter((s) => s && typeof s.key === 'string') : [];
		} catch (e) {
			if (e.code !== 'offline') addNote('error', 'Could not list sessions: ' + e.message);
		}
		const hello = gw.hello || {};
		const defaults = (hello.snapshot && hello.snapshot.sessionDefaults) || {};
		st.mainKey = typeof defaults.mainSessionKey === 'string' ? defaults.mainSessionKey
			: (list.find((s) => s.key === DEFAULT_MAIN_KEY) || list.find((s) => /^agent:[^:]+:main$/.test(s.key)) || { key: DEFAULT_MAIN_KEY }).key;
		const byKey = new Map();
		byKey.set(st.mainKey, { key: st.mainKey });
		for (const s of list) byKey.set(s.key, s);
		if (st.session && !byKey.has(st.session)) st.session = '';
		if (!st.session) st.session = st.mainKey;
		store.set(SESSION_KEY, st.session);
		st.sessions = Array.from(byKey.values());
		const opts = st.sessions.map((s) => {
			let label = s.displayName || s.label || sessionLabel(s.key);
			if (s.key === st.mainKey && label !== 'main') label += ' (main)';
			const o = el('option', null, label);
			o.value = s.key;
			o.selected = s.key === st.session;
			return o;
		});
		ui.session.replaceChildren(...opts);
	}

	/* A cheap fingerprint: the same history twice means the view on screen is still right. */
	function historySignature(msgs) {
		return msgs.length + ':' + JSON.stringify(msgs.length ? msgs[msgs.length - 1] : null);
	}

	async function loadHistory(resume) {
		const key = st.session;
		let p;
		try {
			p = await rpc('chat.history', { sessionKey: key, limit: HISTORY_LIMIT });
		} catch (e) {
			if (e.code === 'no_model') {
				/* No agent runtime yet: say so once, up front, instead of as a failure. */
				if (key === st.session && !ui.log.querySelector('.note.setup')) {
					clearLog();
					st.historySig = 'no_model';
					addNote('warn setup', 'No model is configured yet, so replies will fail. Add a [model] section ' +
						'(provider, model, api_key) to chela.ini and restart the gateway.');
				}
			} else if (e.code !== 'offline') {
				addNote('error', 'Could not load the history: ' + e.message);
			}
			return;
		}
		if (key !== st.session) return;
		const msgs = Array.isArray(p && p.messages) ? p.messages : [];
		const sig = historySignature(msgs);
		/* After a reconnect keep what is on screen (including errors that never reach the
		 * transcript) unless the transcript moved on meanwhile. */
		if (resume && sig === st.historySig) return;
		st.historySig = sig;
		clearLog();
		const cards = new Map();
		for (const m of msgs) renderHistoryMessage(m, cards);
		ui.log.scrollTop = ui.log.scrollHeight;
	}

	function renderHistoryMessage(m, cards) {
		if (!m || typeof m !== 'object') return;
		const role = m.role;
		if (role === 'user') {
			const t = textOf(m.content);
			if (t !== null) addUserMessage(t);
			return;
		}
		if (role === 'assistant') {
			const turn = append(el('article', 'turn'));
			const parts = Array.isArray(m.content) ? m.content : [{ type: 'text', text: textOf(m.content) }];
			for (const part of parts) {
				if (!part) continue;
				if (part.type === 'text' && typeof part.text === 'string' && part.text) {
					const box = turn.appendChild(el('div', 'msg assistant'));
					renderText(box, part.text);
				} else if (part.type === 'toolCall' || part.type === 'tool_use' || part.type === 'toolUse') {
					const card = toolCard(part.name, whereOf(part, m));
					setToolArgs(card, part.arguments !== undefined ? part.arguments : part.input);
					setToolStatus(card, 'done');
					turn.appendChild(card.root);
					if (part.id) cards.set(part.id, card);
				}
			}
			if (m.errorMessage) turn.appendChild(errorBox(m.errorCode, m.errorMessage));
			return;
		}
		if (role === 'toolResult' || role === 'tool') {
			let card = cards.get(m.toolCallId);
			if (!card) {
				card = toolCard(m.toolName || m.name, whereOf(m));
				append(el('article', 'turn')).appendChild(card.root);
			}
			if (!card.where && whereOf(m)) setToolWhere(card, whereOf(m));
			setToolOutput(card, pretty(m.content !== undefined ? m.content : m.result));
			setToolStatus(card, m.isError ? 'error' : 'ok');
			return;
		}
		const t = textOf(m.content);
		if (t) addNote('info', t);
	}

	/* ---------- messages, runs and tool cards ---------- */

	function addUserMessage(text) {
		const turn = el('article', 'turn user-turn');
		turn.appendChild(el('div', 'msg user', text));
		return append(turn);
	}

	function addNote(kind, text) {
		return append(el('p', 'note ' + kind, text));
	}

	function errorBox(code, message) {
		const box = el('div', 'msg error');
		box.setAttribute('role', 'alert');
		box.appendChild(el('strong', null, 'Error: '));
		box.appendChild(document.createTextNode(message || code || 'the run failed'));
		if (code === 'no_model') {
			box.appendChild(el('span', 'hint',
				'Add a [model] section (provider, model, api_key) to chela.ini and restart the gateway.'));
		} else if (code) {
			box.appendChild(el('span', 'hint', 'code: ' + code));
		}
		return box;
	}

	function newRun(id) {
		const run = {
			id, session: st.session, state: 'pending', text: '', tools: new Map(), aborting: false,
			root: append(el('article', 'turn')), textBox: null, typing: null, abortTimer: 0,
		};
		run.typing = run.root.appendChild(el('div', 'typing', 'thinking…'));
		if (id) st.runs.set(id, run);
		return run;
	}

	/* Events may name a run before chat.send has answered with its id: the newest unbound run
	 * of this page is the one they belong to. Runs started elsewhere get a turn of their own. */
	function runFor(p) {
		const id = typeof p.runId === 'string' ? p.runId : '';
		if (id && st.runs.has(id)) return st.runs.get(id);
		const a = st.activeRun;
		if (a && !a.id && (a.state === 'pending' || a.state === 'streaming')) {
			bindRun(a, id);
			return a;
		}
		const run = newRun(id || null);
		if (!st.activeRun || st.activeRun.state !== 'pending') st.activeRun = run;
		updateComposer();
		return run;
	}

	function bindRun(run, id) {
		if (!id || run.id === id) return;
		run.id = id;
		st.runs.set(id, run);
	}

	function scheduleRender(run) {
		if (st.renderQueued.has(run)) return;
		st.renderQueued.add(run);
		requestAnimationFrame(() => {
			st.renderQueued.delete(run);
			const stick = nearBottom();
			if (!run.textBox) run.textBox = run.root.insertBefore(el('div', 'msg assistant'), run.typing);
			renderText(run.textBox, run.text);
			if (stick) ui.log.scrollTop = ui.log.scrollHeight;
		});
	}

	function finishRun(run, state, message, code) {
		if (run.state !== 'pending' && run.state !== 'streaming') return;
		run.state = state;
		clearTimeout(run.abortTimer);
		if (run.typing) { run.typing.remove(); run.typing = null; }
		for (const card of run.tools.values()) if (card.status === 'running') setToolStatus(card, state === 'done' ? 'ok' : 'stopped');
		if (state === 'error') run.root.appendChild(errorBox(code, message));
		else if (state === 'aborted') run.root.appendChild(el('p', 'note info', 'Stopped.'));
		else if (state === 'interrupted') run.root.appendChild(el('p', 'note warn', message));
		else if (!run.text && !run.tools.size) run.root.appendChild(el('p', 'note info', '(no reply text)'));
		if (st.activeRun === run) updateComposer();
	}

	function onChatEvent(p) {
		if (p.sessionKey && p.sessionKey !== st.session) return;
		const run = runFor(p);
		const msgText = textOf(p.message && typeof p.message === 'object' ? p.message.content : null);
		switch (p.state) {
		case 'delta':
			if (typeof p.delta === 'string') run.text += p.delta;
			else if (typeof p.text === 'string') run.text += p.text;
			else if (msgText !== null) run.text = msgText; /* OpenClaw sends the text so far */
			run.state = 'streaming';
			scheduleRender(run);
			break;
		case 'final':
			if (msgText) run.text = msgText;
			else if (typeof p.text === 'string' && p.text) run.text = p.text;
			if (run.text) scheduleRender(run);
			finishRun(run, 'done');
			st.historySig = null;
			break;
		case 'error': {
			const err = p.error && typeof p.error === 'object' ? p.error : {};
			finishRun(run, 'error', p.errorMessage || err.message || (typeof p.error === 'string' ? p.error : ''),
				p.errorCode || err.code);
			break;
		}
		case 'aborted':
			finishRun(run, 'aborted');
			break;
		default:
			break;
		}
	}

	function whereOf(...objs) {
		for (const o of objs) {
			if (!o || typeof o !== 'object') continue;
			const sb = o.sandbox && typeof o.sandbox === 'object' ? o.sandbox : null;
			const c = o.container || o.containerName || (sb && (sb.container || sb.containerName));
			if (typeof c === 'string' && c) return { host: false, name: c };
			if (o.where === 'host' || o.sandboxed === false || o.host === true) return { host: true, name: 'host' };
			if (typeof o.where === 'string' && o.where) return { host: false, name: o.where };
		}
		return null;
	}

	function toolCard(name, where) {
		const root = el('details', 'tool');
		const sum = root.appendChild(el('summary'));
		const card = {
			root, status: '', where: null, started: Date.now(),
			statusEl: sum.appendChild(el('span', 'tool-status')),
			nameEl: sum.appendChild(el('span', 'tool-name', name || 'tool')),
			whereEl: sum.appendChild(el('span', 'tool-where')),
			timeEl: sum.appendChild(el('span', 'tool-time')),
			body: root.appendChild(el('div', 'tool-body')),
			argsEl: null, outEl: null,
		};
		if (where) setToolWhere(card, where);
		setToolStatus(card, 'running');
		return card;
	}

	function setToolWhere(card, where) {
		card.where = where;
		card.whereEl.textContent = where.host ? 'on host' : 'in ' + where.name;
		card.whereEl.title = where.host ? 'ran on the gateway host' : 'ran in container ' + where.name;
		card.whereEl.dataset.host = where.host ? '1' : '0';
	}

	function setToolStatus(card, status) {
		card.status = status;
		card.root.dataset.status = status;
		card.statusEl.textContent = { running: 'running…', ok: 'ok', error: 'failed', stopped: 'stopped', done: 'called' }[status] || status;
		if (status !== 'running' && status !== 'done') {
			const ms = Date.now() - card.started;
			card.timeEl.textContent = ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(1) + ' s';
		}
	}

	function section(card, key, title) {
		if (!card[key]) {
			card.body.appendChild(el('h4', null, title));
			card[key] = card.body.appendChild(el('pre', 'tool-text'));
		}
		return card[key];
	}

	function setToolArgs(card, args) {
		const s = pretty(args);
		if (s) section(card, 'argsEl', 'Input').textContent = capped(s);
	}

	function setToolOutput(card, out) {
		section(card, 'outEl', 'Output').textContent = out ? capped(out) : '(no output)';
	}

	function onAgentEvent(p) {
		if (p.sessionKey && p.sessionKey !== st.session) return;
		const d = p.data && typeof p.data === 'object' ? p.data : p;
		const stream = p.stream || d.stream;
		if (stream !== 'tool' && !(stream === undefined && d.phase && d.name)) return;
		const run = runFor(p);
		if (run.state === 'pending') run.state = 'streaming';
		const id = d.toolCallId || d.callId || d.id || ('tool-' + run.tools.size);
		let card = run.tools.get(id);
		if (!card) {
			card = toolCard(d.name || d.tool, whereOf(d, p));
			run.tools.set(id, card);
			const stick = nearBottom();
			run.root.insertBefore(card.root, run.typing);
			if (stick) ui.log.scrollTop = ui.log.scrollHeight;
		}
		const where = whereOf(d, p);
		if (where) setToolWhere(card, where);
		if (d.args !== undefined || d.arguments !== undefined) setToolArgs(card, d.args !== undefined ? d.args : d.arguments);
		const out = d.result !== undefined ? d.result : d.output !== undefined ? d.output : d.partialResult;
		if (out !== undefined) setToolOutput(card, pretty(out));
		if (d.phase === 'end' || d.phase === 'result' || d.phase === 'error')
			setToolStatus(card, d.isError || d.error || d.phase === 'error' ? 'error' : 'ok');
	}

	/* ---------- user actions ---------- */

	async function sendMessage(text) {
		if (/^\/(new|reset)\s*$/i.test(text.trim())) {
			await resetSession();
			return;
		}
		addUserMessage(text);
		const run = newRun(null);
		st.activeRun = run;
		updateComposer();
		try {
			const p = await rpc('chat.send', { sessionKey: run.session, message: text, idempotencyKey: randomId() },
				CHAT_SEND_TIMEOUT_MS);
			if (p && typeof p.runId === 'string') bindRun(run, p.runId);
			if (p && p.status === 'error') finishRun(run, 'error', p.message || 'the run failed', p.code);
			/* A gateway that answers with the whole reply (no events) still ends the run. */
			const reply = p && p.status !== 'started'
				? textOf(p.message && typeof p.message === 'object' ? p.message.content : null) ?? (typeof p.text === 'string' ? p.text : null)
				: null;
			if (reply !== null && (run.state === 'pending' || run.state === 'streaming')) {
				run.text = reply;
				scheduleRender(run);
				finishRun(run, 'done');
			}
		} catch (e) {
			finishRun(run, 'error', e.message, e.code);
		}
	}

	async function resetSession() {
		const key = st.session;
		try {
			await rpc('sessions.reset', { key, sessionKey: key });
		} catch (e) {
			addNote('error', 'Could not start a new session: ' + e.message);
			return;
		}
		if (key !== st.session) return;
		clearLog();
		st.historySig = historySignature([]);
		addNote('info', 'New session started.');
	}

	function abortRun() {
		const run = st.activeRun;
		if (!run || (run.state !== 'pending' && run.state !== 'streaming') || run.aborting) return;
		run.aborting = true;
		updateComposer();
		const params = { sessionKey: run.session };
		if (run.id) params.runId = run.id;
		rpc('chat.abort', params).then(() => {
			/* The aborted event normally ends the run; do not leave a spinner if it never comes. */
			run.abortTimer = setTimeout(() => finishRun(run, 'aborted'), ABORT_GRACE_MS);
		}).catch((e) => {
			run.aborting = false;
			updateComposer();
			addNote('error', 'Could not stop the reply: ' + e.message);
		});
	}

	function autoGrow() {
		ui.input.style.height = 'auto';
		ui.input.style.height = Math.min(ui.input.scrollHeight, Math.round(window.innerHeight * 0.4)) + 'px';
	}

	ui.form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const text = ui.input.value;
		if (!text.trim() || !gw.connected) return;
		ui.input.value = '';
		autoGrow();
		sendMessage(text);
	});
	ui.input.addEventListener('keydown', (ev) => {
		if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
			ev.preventDefault();
			ui.form.requestSubmit();
		} else if (ev.key === 'Escape') {
			abortRun();
		}
	});
	ui.input.addEventListener('input', autoGrow);
	ui.abort.addEventListener('click', abortRun);
	ui.session.addEventListener('change', () => {
		st.session = ui.session.value;
		store.set(SESSION_KEY, st.session);
		st.historySig = null;
		loadHistory(false);
	});
	ui.tokenForm.addEventListener('submit', (ev) => {
		ev.preventDefault();
		gw.setToken(ui.tokenInput.value.trim());
		hideTokenPanel();
		gw.start();
	});
	ui.forget.addEventListener('click', () => {
		gw.signOut();
		showTokenPanel('');
		updateComposer();
	});
	window.addEventListener('hashchange', () => {
		if (!gw.takeTokenFromUrl()) return;
		hideTokenPanel();
		gw.start();
	});

	/* ---------- start ---------- */
	gw.takeTokenFromUrl();
	updateComposer();
	if (gw.hasToken()) {
		gw.start();
	} else {
		setStatus('auth', 'token needed');
		showTokenPanel('');
	}
}());
