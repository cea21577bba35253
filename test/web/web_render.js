// test/web/web_render.js — the page's rendering paths in headless Chromium, against the scripted
// protocol peer test/web/fake_gateway.js (streamed deltas, tool cards with where they ran,
// escaping of model/tool output, Stop, /new, the session picker, reconnect). web_page.js drives
// the real gateway with a scripted model (a real turn, a host tool call, an unreachable model);
// this covers what that setup does not produce: sandbox containers, no_model, a held run.
//
//   node test/web/web_render.js OUT_DIR
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { results, launch, closeBrowser, freePort, waitHttp } = require('./lib');

const SUITE = 'web_render';
const TOKEN = 'render-' + Math.random().toString(36).slice(2) + '-secret';
const outDir = process.argv[2] || path.join(__dirname, '../../build/test-logs');
const r = results(SUITE);
fs.mkdirSync(outDir, { recursive: true });
const stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chela-web-render-')), 'sessions.json');

function startPeer(port) {
	const child = spawn(process.execPath, [path.join(__dirname, 'fake_gateway.js'), String(port), TOKEN, stateFile],
		{ stdio: ['ignore', 'ignore', 'inherit'] });
	return child;
}

function stop(child) {
	return new Promise((resolve) => {
		if (!child || child.exitCode !== null) { resolve(); return; }
		child.once('exit', () => resolve());
		child.kill('SIGTERM');
	});
}

async function send(page, text) {
	await page.fill('#input', text);
	await page.press('#input', 'Enter');
}

// A reply can look complete (all its text shown) before its run has ended: wait for the end
// (the typing indicator goes with the final event) so one check's run never spills into the next.
async function runEnded(page) {
	await page.waitForSelector('.typing', { state: 'detached', timeout: 5000 });
	if (await page.isVisible('#abort')) throw new Error('Stop still shown after the run ended');
}

(async () => {
	const port = await freePort();
	const base = 'http://127.0.0.1:' + port;
	let peer = startPeer(port);
	let ctx = null;
	const errors = [];
	try {
		await waitHttp(base + '/', 5000);
		ctx = await launch();
		const page = ctx.pages()[0] || await ctx.newPage();
		page.on('pageerror', (e) => errors.push(e.message));
		page.on('dialog', (d) => { errors.push('dialog opened: ' + d.message()); d.dismiss(); });

		await r.check('no token: the token prompt opens', async () => {
			await page.goto(base + '/');
			await page.waitForSelector('#token-panel:not([hidden])', { timeout: 5000 });
			const s = await page.textContent('#status-text');
			if (s !== 'token needed') throw new Error('status is "' + s + '"');
		});
		await r.check('wrong token entered: "wrong token" and the prompt again', async () => {
			await page.fill('#token-input', 'not-the-token');
			await page.click('#token-form button[type=submit]');
			await page.waitForSelector('#status[data-state="auth"]', { timeout: 5000 });
			await page.waitForSelector('#token-panel:not([hidden])', { timeout: 5000 });
			const s = await page.textContent('#status-text');
			if (s !== 'wrong token') throw new Error('status is "' + s + '"');
			const e = await page.textContent('#token-error');
			if (!/wrong token/i.test(e)) throw new Error('prompt says "' + e + '"');
		});
		await r.check('locked out (rate_limited): waits it out instead of calling the token wrong', async () => {
			await page.fill('#token-input', 'locked-out');
			await page.press('#token-input', 'Enter');
			await page.waitForFunction(() => document.getElementById('status-text').textContent === 'too many failed attempts, retrying…' &&
				/^ \(\d+ s\)$/.test(document.getElementById('status-detail').textContent), null, { timeout: 5000 });
			if (await page.isVisible('#token-panel')) throw new Error('token prompt shown while locked out');
			await page.click('#forget');
			await page.waitForSelector('#token-panel:not([hidden])', { timeout: 2000 });
			const s = await page.textContent('#status-text');
			if (s !== 'signed out') throw new Error('status after Sign out is "' + s + '"');
		});
		await r.check('right token entered: connected, main session picked', async () => {
			await page.fill('#token-input', TOKEN);
			await page.press('#token-input', 'Enter');
			await page.waitForSelector('#status[data-state="connected"]', { timeout: 5000 });
			const v = await page.inputValue('#session');
			if (v !== 'agent:main:main') throw new Error('session is ' + v);
			const n = await page.locator('#session option').count();
			if (n !== 2) throw new Error(n + ' sessions listed, want 2');
		});
		await r.check('token is not in the page text or address', async () => {
			const text = await page.evaluate(() => document.documentElement.outerHTML + document.body.innerText);
			if (text.includes(TOKEN)) throw new Error('token found in the page');
			if (page.url().includes(TOKEN)) throw new Error('token found in the URL');
		});

		await r.check('streamed reply assembles from deltas', async () => {
			await send(page, 'hello there');
			await page.waitForFunction(() => {
				const m = document.querySelectorAll('.msg.assistant');
				return m.length && m[m.length - 1].textContent === 'You said: hello there';
			}, null, { timeout: 5000 });
			await runEnded(page);
		});
		await r.check('tool calls show name, where they ran, status and output', async () => {
			await send(page, 'tools');
			await page.waitForFunction(() => /Done\.$/.test((Array.from(document.querySelectorAll('.msg.assistant')).pop() || {}).textContent || ''),
				null, { timeout: 5000 });
			await runEnded(page);
			const cards = await page.$$eval('details.tool', (ds) => ds.map((d) => ({
				name: d.querySelector('.tool-name').textContent, where: d.querySelector('.tool-where').textContent,
				status: d.dataset.status, out: (d.querySelector('.tool-body pre:last-of-type') || {}).textContent,
			})));
			if (cards.length !== 2) throw new Error(cards.length + ' tool cards');
			const [a, b] = cards;
			if (a.name !== 'exec' || a.where !== 'in chela-sbx-agent-main-telegram-group-42-1a2b3c4d' || a.status !== 'ok')
				throw new Error('exec card: ' + JSON.stringify(a));
			if (b.name !== 'read' || b.where !== 'on host' || b.status !== 'error')
				throw new Error('read card: ' + JSON.stringify(b));
			if (!a.out.includes('<script>alert(1)</script>')) throw new Error('exec output not shown as text: ' + a.out);
		});
		await r.check('tool output is collapsible (closed until opened)', async () => {
			const d = page.locator('details.tool').first();
			if (await d.locator('.tool-body').isVisible()) throw new Error('open before click');
			await d.locator('summary').click();
			if (!(await d.locator('.tool-body').isVisible())) throw new Error('still closed after click');
		});
		await r.check('code fences render as code blocks', async () => {
			const code = await page.locator('.msg.assistant pre.code code').last().textContent();
			if (code !== 'ls /workspace') throw new Error('code block holds "' + code + '"');
		});
		await r.check('markup in messages and tool output stays text', async () => {
			const evil = '<img src=x onerror="document.title=\'pwned\'"><b>bold</b>';
			await send(page, evil);
			await page.waitForFunction((t) => {
				const m = document.querySelectorAll('.msg.assistant');
				return m.length && m[m.length - 1].textContent === 'You said: ' + t;
			}, evil, { timeout: 5000 });
			await runEnded(page);
			const n = await page.$$eval('#log img, #log b, #log script', (x) => x.length);
			if (n) throw new Error(n + ' elements created from message text');
			if ((await page.title()) !== 'chela') throw new Error('title changed');
		});
		await r.check('"no model configured" error is shown and the box is usable again', async () => {
			await send(page, 'no model');
			await page.waitForSelector('.msg.error >> text=no model configured', { timeout: 5000 });
			if (await page.isVisible('#abort')) throw new Error('Stop still shown');
			if (await page.isDisabled('#input')) throw new Error('input disabled');
			await page.waitForSelector('.typing', { state: 'detached', timeout: 3000 });
		});
		await page.screenshot({ path: path.join(outDir, 'web_render.png') });
		await r.check('Stop ends a running reply', async () => {
			await send(page, 'slow');
			await page.waitForSelector('#abort:not([hidden])', { timeout: 5000 });
			await page.click('#abort');
			await page.waitForSelector('.note >> text=Stopped.', { timeout: 5000 });
			await page.waitForSelector('#abort', { state: 'hidden', timeout: 5000 });
		});
		await r.check('session picker switches history', async () => {
			await page.selectOption('#session', 'agent:main:telegram:group:42');
			await page.waitForSelector('#empty:not([hidden])', { timeout: 5000 });
			await page.selectOption('#session', 'agent:main:main');
			await page.waitForSelector('.msg.user >> text=hello there', { timeout: 5000 });
		});

		await r.check('gateway restart: "reconnecting…" then connected, view kept', async () => {
			const before = await page.locator('#log .turn').count();
			await stop(peer);
			await page.waitForSelector('#status[data-state="reconnecting"]', { timeout: 5000 });
			const s = await page.textContent('#status-text');
			if (!s.startsWith('reconnecting…')) throw new Error('status is "' + s + '"');
			if (!(await page.isDisabled('#send'))) throw new Error('send enabled while offline');
			peer = startPeer(port);
			await page.waitForSelector('#status[data-state="connected"]', { timeout: 15000 });
			await page.waitForSelector('.msg.user >> text=hello there', { timeout: 5000 });
			const after = await page.locator('#log .turn').count();
			if (after < before - 1) throw new Error(before + ' turns before, ' + after + ' after');
		});
		await r.check('/new starts a fresh session', async () => {
			await send(page, '/new');
			await page.waitForSelector('.note >> text=New session started.', { timeout: 5000 });
			if (await page.locator('#log .turn').count()) throw new Error('old turns still shown');
		});
		await r.check('phone-sized viewport (390x844): no sideways scroll', async () => {
			await send(page, 'tools');
			await page.waitForSelector('details.tool', { timeout: 5000 });
			await page.setViewportSize({ width: 390, height: 844 });
			await page.waitForTimeout(300);
			const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
			if (w[0] > w[1]) throw new Error('page is ' + w[0] + 'px wide in a ' + w[1] + 'px viewport');
			await page.screenshot({ path: path.join(outDir, 'web_render_phone.png') });
		});
		await r.check('no script errors in the page', async () => {
			if (errors.length) throw new Error(errors.join('; '));
		});
	} catch (e) {
		r.fail('setup', e.message);
	} finally {
		await closeBrowser(ctx);
		await stop(peer);
		fs.rmSync(path.dirname(stateFile), { recursive: true, force: true });
	}
	process.exit(r.fails ? 1 : 0);
})();
