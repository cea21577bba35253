// test/web/web_page.js — the embedded web chat page, served by the real `chela gateway`, driven
// in headless Chromium: load with a wrong token, enter the right one, send a message and see the
// "no model configured" error (the test config sets no model), escaping, token hygiene, a
// gateway restart with reconnect, the stored token on a second visit, phone-sized layout.
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

// The gateway sees no provider keys, so "no model configured" is the only honest answer.
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
	const errors = [];
	try {
		if (!bin || !fs.existsSync(bin)) throw new Error('no chela binary at "' + bin + '"');
		const port = await freePort();
		const base = 'http://127.0.0.1:' + port;
		const config = path.join(state, 'chela.ini');
		fs.writeFileSync(config, '[gateway]\nport = ' + port + '\nbind = loopback\nauth = token\ntoken = ' + TOKEN + '\n');

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
		await r.check('sending a message shows "no model configured" (no hang)', async () => {
			const t0 = Date.now();
			await send(page, 'hello chela');
			await page.waitForSelector('.msg.user >> text=hello chela', { timeout: 2000 });
			await page.waitForSelector('.msg.error >> text=no model configured', { timeout: 10000 });
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
			await page.waitForFunction(() => document.querySelectorAll('.msg.error').length >= 2, null, { timeout: 10000 });
			const n = await page.$$eval('#log img, #log b', (x) => x.length);
			if (n) throw new Error(n + ' elements made from the message');
			if ((await page.title()) !== 'chela') throw new Error('title changed to ' + (await page.title()));
		});
		await page.screenshot({ path: path.join(outDir, 'web_page.png') });

		await r.check('gateway restart: page shows "reconnecting…", then reconnects and keeps the view', async () => {
			const turns = await page.locator('#log .turn').count();
			const session = await page.inputValue('#session');
			const ms = await stop(gw, 5000);
			console.log('# gateway stopped ' + ms + ' ms after SIGTERM');
			await page.waitForSelector('#status[data-state="reconnecting"]', { timeout: 5000 });
			const s = await page.textContent('#status-text');
			if (!s.startsWith('reconnecting…')) throw new Error('status is "' + s + '"');
			if (!(await page.isDisabled('#send'))) throw new Error('send enabled while disconnected');
			gw = startGateway(config);
			await up(gw, base);
			const t0 = Date.now();
			await page.waitForSelector('#status[data-state="connected"]', { timeout: 20000 });
			console.log('# page reconnected ' + (Date.now() - t0) + ' ms after the gateway was back');
			if ((await page.inputValue('#session')) !== session) throw new Error('session changed');
			await page.waitForSelector('.msg.user >> text=hello chela', { timeout: 5000 });
			const now = await page.locator('#log .turn').count();
			if (now < turns) throw new Error(turns + ' turns before the restart, ' + now + ' after');
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
		fs.rmSync(state, { recursive: true, force: true });
	}
	process.exit(r.fails ? 1 : 0);
})();
