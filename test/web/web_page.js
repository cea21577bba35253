// test/web/web_page.js — the embedded web chat page, served by the real `chela gateway`, driven
// in headless Chromium: load with a wrong token, enter the right one, a real turn against the
// scripted model test/llm/llm_server.py (streamed reply, a tool call shown as run "on host"),
// then the model unreachable (the error is shown and the box is usable again), escaping, token
// hygiene, the Content-Security-Policy holding without violations, a gateway restart with
// reconnect (history back from the transcript), the stored token on a second visit, phone layout.
//
//   node test/web/web_page.js CHELA_BIN OUT_DIR
//
// Screenshots: OUT_DIR/web_page.png (desktop) and OUT_DIR/web_page_phone.png (390x844).
// The gateway's own output goes to OUT_DIR/web_page_gateway.log.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { results, launch, closeBrowser, freePort, httpGet, waitHttp } = require('./lib');

const SUITE = 'web_page';
const bin = process.argv[2] || process.env.CHELA_BIN;
const outDir = process.argv[3] || path.join(__dirname, '../../build/test-logs');
const r = results(SUITE);
const TOKEN = 'webtest-' + require('crypto').randomBytes(12).toString('hex');
const state = fs.mkdtempSync(path.join(os.tmpdir(), 'chela-web-page-'));
const gwLog = path.join(outDir, 'web_page_gateway.log');
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(gwLog, '');

const REPLY = 'The file says: hi from the workspace.';
// The scripted model: a read of hello.txt, then the reply. Every later request finds it gone.
const TURNS = [
	{ kind: 'tools', text: '', calls: [{ id: 'call_read_1', name: 'read', arguments: '{"path":"hello.txt"}' }] },
	{ kind: 'reply', text: REPLY },
];

function startModel() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chela-web-llm-'));
	const script = path.join(dir, 'turns.json');
	const portFile = path.join(dir, 'port');
	fs.writeFileSync(script, JSON.stringify(TURNS));
	const child = spawn('python3', [path.join(__dirname, '../llm/llm_server.py'), '--provider', 'openai', '--script', script,
		'--port-file', portFile], { stdio: ['ignore', 'ignore', 'inherit'] });
	child.exited = new Promise((resolve) => child.once('close', resolve));
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const poll = () => {
			if (fs.existsSync(portFile)) { child.port = Number(fs.readFileSync(portFile, 'utf8')); resolve(child); return; }
			if (Date.now() - t0 > 5000) { reject(new Error('llm_server.py wrote no port file')); return; }
			setTimeout(poll, 20);
		};
		poll();
	});
}

// The gateway sees no provider keys from this environment: the model is the scripted one.
function childEnv() {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^CHELA_/.test(k) || /API_KEY|_TOKEN$/.test(k)) continue;
		env[k] = v;
	}
	env.CHELA_STATE_DIR = state;
	env.HOME = state;
	return env;
}

function startGateway(config) {
	const child = spawn(bin, ['gateway', '--config', config], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
	child.tail = '';
	const keep = (chunk) => {
		fs.appendFileSync(gwLog, chunk);
		child.tail = (child.tail + chunk.toString('utf8')).slice(-400);
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	/* 'close', not 'exit': by then everything the gateway printed has been read */
	child.exited = new Promise((resolve) => child.once('close', (code, sig) => resolve({ code, sig })));
	return child;
}

async function up(child, base) {
	const t0 = Date.now();
	const died = child.exited.then((e) => {
		const said = child.tail.trim().split('\n').slice(-2).join(' | ').slice(0, 240);
		throw new Error('chela gateway exited (' + (e.sig || e.code) + ') before /healthz answered: ' + said);
	});
	await Promise.race([waitHttp(base + '/healthz', 10000), died]);
	died.catch(() => {});
	return Date.now() - t0;
}

async function stop(child, ms) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return 0;
	const t0 = Date.now();
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), ms || 5000);
	await child.exited;
	clearTimeout(timer);
	return Date.now() - t0;
}

async function send(page, text) {
	await page.fill('#input', text);
	await page.press('#input', 'Enter');
}

(async () => {
	let gw = null;
	let ctx = null;
	let model = null;
	const errors = [];
	try {
		if (!bin || !fs.existsSync(bin)) throw new Error('no chela binary at "' + bin + '"');
		const port = await freePort();
		const base = 'http://127.0.0.1:' + port;
		const config = path.join(state, 'chela.ini');
		model = await startModel();
		fs.writeFileSync(config, '[gateway]\nport = ' + port + '\nbind = loopback\nauth = token\ntoken = ' + TOKEN + '\n' +
			'[model]\nprovider = openai\nmodel = test-model\nbase_url = http://127.0.0.1:' + model.port + '\napi_key = test-key\n');
		fs.mkdirSync(path.join(state, 'workspace'), { recursive: true });
		fs.writeFileSync(path.join(state, 'workspace', 'hello.txt'), 'hi from the workspace\n');

		gw = startGateway(config);
		const ms = await up(gw, base);
		r.ok('gateway answers /healthz (' + ms + ' ms after start)');

		await r.check('GET / serves the page as HTML, without the token', async () => {
			const res = await httpGet(base + '/');
			if (res.status !== 200) throw new Error('status ' + res.status);
			if (!/^text\/html/.test(res.headers['content-type'] || '')) throw new Error('content-type ' + res.headers['content-type']);
			if (!res.body.includes('<title>chela</title>')) throw new Error('not the chela page');
			if (res.body.includes(TOKEN)) throw new Error('token in the HTML');
		});
		await r.check('page files are served from the binary, as written, with their types', async () => {
			const assets = path.join(__dirname, '../../src/gateway/assets');
			for (const [name, type] of [['', /^text\/html/], ['conn.js', /javascript/], ['app.js', /javascript/], ['style.css', /^text\/css/]]) {
				const res = await httpGet(base + '/' + name);
				if (res.status !== 200) throw new Error('/' + name + ': status ' + res.status);
				if (!type.test(res.headers['content-type'] || '')) throw new Error('/' + name + ': content-type ' + res.headers['content-type']);
				if (res.body !== fs.readFileSync(path.join(assets, name || 'index.html'), 'utf8'))
					throw new Error('/' + name + ' differs from src/gateway/assets (binary built from an older page?)');
			}
		});

		ctx = await launch({ width: 1100, height: 760 });
		const page = ctx.pages()[0] || await ctx.newPage();
		page.on('pageerror', (e) => errors.push(e.message));
		page.on('dialog', (d) => { errors.push('dialog: ' + d.message()); d.dismiss(); });
		// The page must work under its Content-Security-Policy: any violation is a failure.
		page.on('console', (m) => { if (/Content.Security.Policy|Refused to/i.test(m.text())) errors.push('CSP: ' + m.text()); });

		await r.check('wrong token in the URL: page says "wrong token" and asks again', async () => {
			await page.goto(base + '/#token=wrong-' + TOKEN.slice(-6));
			await page.waitForSelector('#status[data-state="auth"]', { timeout: 10000 });
			const s = await page.textContent('#status-text');
			if (s !== 'wrong token') throw new Error('status is "' + s + '"');
			await page.waitForSelector('#token-panel:not([hidden])', { timeout: 2000 });
			if (page.url().includes('token=')) throw new Error('token left in the address bar: ' + page.url());
		});
		await r.check('right token entered in the prompt: connected', async () => {
			await page.fill('#token-input', TOKEN);
			await page.press('#token-input', 'Enter');
			await page.waitForSelector('#status[data-state="connected"]', { timeout: 10000 });
			await page.waitForSelector('#input:not([disabled])', { timeout: 2000 });
			// The picker is filled by sessions.list, which answers after the handshake: wait for it.
			await page.waitForFunction(() => /^agent:[^:]+:main$/.test(document.querySelector('#session').value),
				null, { timeout: 5000 }).catch(() => {});
			const sel = await page.inputValue('#session');
			if (!/^agent:[^:]+:main$/.test(sel)) throw new Error('selected session is "' + sel + '", want the main session');
		});
		await r.check('token is kept in the browser but never shown in the page', async () => {
			const seen = await page.evaluate(() => document.documentElement.outerHTML + '\n' + document.body.innerText);
			if (seen.includes(TOKEN)) throw new Error('token found in the page');
			if (page.url().includes(TOKEN)) throw new Error('token found in the URL');
			const kept = await page.evaluate(() => localStorage.getItem('chela.token'));
			if (kept !== TOKEN) throw new Error('localStorage holds ' + (kept ? 'another value' : 'nothing'));
		});
		await r.check('CSP and security headers on the page', async () => {
			const res = await httpGet(base + '/');
			const csp = res.headers['content-security-policy'] || '';
			for (const d of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"])
				if (!csp.includes(d)) throw new Error('CSP lacks ' + d + ': ' + csp);
			if (/unsafe-inline|unsafe-eval/.test(csp)) throw new Error('CSP allows inline script or eval: ' + csp);
			if (res.headers['x-content-type-options'] !== 'nosniff') throw new Error('no X-Content-Type-Options');
			if (res.headers['referrer-policy'] !== 'no-referrer') throw new Error('no Referrer-Policy');
		});
		await r.check('a real turn: the reply streams in and the tool call shows it ran on the host', async () => {
			const t0 = Date.now();
			await send(page, 'hello chela, what is in hello.txt?');
			await page.waitForSelector('.msg.user >> text=hello chela', { timeout: 2000 });
			await page.waitForFunction((want) => {
				const m = document.querySelectorAll('.msg.assistant');
				return m.length && m[m.length - 1].textContent === want;
			}, REPLY, { timeout: 10000 });
			await page.waitForSelector('.typing', { state: 'detached', timeout: 5000 });
			const cards = await page.$$eval('details.tool', (ds) => ds.map((d) => ({
				name: d.querySelector('.tool-name').textContent, where: d.querySelector('.tool-where').textContent,
				status: d.dataset.status, out: (d.querySelector('.tool-body pre:last-of-type') || {}).textContent,
			})));
			if (cards.length !== 1) throw new Error(cards.length + ' tool cards');
			const c = cards[0];
			if (c.name !== 'read' || c.where !== 'on host' || c.status !== 'ok' || !/hi from the workspace/.test(c.out))
				throw new Error('tool card: ' + JSON.stringify(c));
			if (await page.isVisible('#abort')) throw new Error('Stop still shown after the reply');
			console.log('# real turn done ' + (Date.now() - t0) + ' ms after send');
		});
		await r.check('model unreachable: the error is shown and the box is usable again', async () => {
			model.kill('SIGTERM');
			await model.exited;
			const t0 = Date.now();
			await send(page, 'are you still there?');
			await page.waitForSelector('.msg.error >> text=Connection refused', { timeout: 20000 });
			await page.waitForSelector('.typing', { state: 'detached', timeout: 2000 });
			if (await page.isVisible('#abort')) throw new Error('Stop still shown after the error');
			if (await page.isDisabled('#input')) throw new Error('message box disabled after the error');
			console.log('# error shown ' + (Date.now() - t0) + ' ms after send');
		});
		await r.check('markup typed by the user stays text', async () => {
			const evil = '<img src=x onerror="document.title=\'pwned\'"><b>bold</b>';
			await send(page, evil);
			await page.waitForFunction((t) => Array.from(document.querySelectorAll('.msg.user')).some((m) => m.textContent === t),
				evil, { timeout: 5000 });
			await page.waitForFunction(() => document.querySelectorAll('.msg.error').length >= 2, null, { timeout: 20000 });
			const n = await page.$$eval('#log img, #log b', (x) => x.length);
			if (n) throw new Error(n + ' elements made from the message');
			if ((await page.title()) !== 'chela') throw new Error('title changed to ' + (await page.title()));
		});
		await page.screenshot({ path: path.join(outDir, 'web_page.png') });

		await r.check('gateway restart: page shows "reconnecting…", then reconnects and keeps the view', async () => {
			const users = await page.locator('#log .msg.user').count();
			const session = await page.inputValue('#session');
			const ms = await stop(gw, 5000);
			console.log('# gateway stopped ' + ms + ' ms after SIGTERM');
			// State and text read together: between retries the page briefly says "connecting…".
			await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'reconnecting' &&
				document.querySelector('#status-text').textContent.startsWith('reconnecting…'), null, { timeout: 5000 })
				.catch(async () => { throw new Error('status never "reconnecting…"; now "' + await page.textContent('#status-text') + '"'); });
			if (!(await page.isDisabled('#send'))) throw new Error('send enabled while disconnected');
			gw = startGateway(config);
			await up(gw, base);
			const t0 = Date.now();
			await page.waitForSelector('#status[data-state="connected"]', { timeout: 20000 });
			console.log('# page reconnected ' + (Date.now() - t0) + ' ms after the gateway was back');
			if ((await page.inputValue('#session')) !== session) throw new Error('session changed');
			// The view comes back from the transcript: the messages and the reply, errors aside.
			await page.waitForSelector('.msg.user >> text=hello chela', { timeout: 5000 });
			await page.waitForSelector('.msg.assistant >> text=' + REPLY, { timeout: 5000 });
			await page.waitForSelector('details.tool .tool-where >> text=on host', { timeout: 5000 });
			const now = await page.locator('#log .msg.user').count();
			if (now < users) throw new Error(users + ' messages before the restart, ' + now + ' after');
		});
		await r.check('second visit without #token connects with the stored token', async () => {
			const p2 = await ctx.newPage();
			p2.on('pageerror', (e) => errors.push(e.message));
			const t0 = Date.now();
			await p2.goto(base + '/');
			await p2.waitForSelector('#status[data-state="connected"]', { timeout: 10000 });
			console.log('# page load to connected: ' + (Date.now() - t0) + ' ms');
			if (await p2.isVisible('#token-panel')) throw new Error('token prompt shown');
			await p2.close();
		});
		await r.check('/new starts a fresh session in the gateway\'s store (empty after a reload)', async () => {
			await send(page, '/new');
			await page.waitForSelector('.note >> text=New session started.', { timeout: 5000 });
			if (await page.locator('#log .msg.user').count()) throw new Error('old messages still shown');
			await page.reload();
			await page.waitForSelector('#status[data-state="connected"]', { timeout: 10000 });
			await page.waitForSelector('#empty:not([hidden])', { timeout: 5000 });
			if (await page.locator('#log .msg').count()) throw new Error('history came back after /new');
		});
		await r.check('phone-sized viewport (390x844): fits without sideways scrolling', async () => {
			await page.setViewportSize({ width: 390, height: 844 });
			await page.waitForTimeout(300);
			const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
			if (w[0] > w[1]) throw new Error('page is ' + w[0] + 'px wide in a ' + w[1] + 'px viewport');
			const box = await page.locator('#send').boundingBox();
			if (!box || box.x + box.width > 390 || box.y + box.height > 844) throw new Error('Send button off screen: ' + JSON.stringify(box));
			await page.screenshot({ path: path.join(outDir, 'web_page_phone.png') });
		});
		await r.check('no script errors in the page', async () => {
			if (errors.length) throw new Error(errors.join('; '));
		});
		await closeBrowser(ctx);
		ctx = null;
		await stop(gw, 5000);
		await r.check('the token never appears in the gateway log', async () => {
			if (fs.readFileSync(gwLog, 'utf8').includes(TOKEN)) throw new Error('token found in ' + gwLog);
		});
	} catch (e) {
		r.fail('run', e.message.split('\n')[0]);
	} finally {
		await closeBrowser(ctx);
		await stop(gw, 2000);
		if (model && model.exitCode === null) model.kill('SIGTERM');
		fs.rmSync(state, { recursive: true, force: true });
	}
	process.exit(r.fails ? 1 : 0);
})();
