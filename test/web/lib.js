// test/web/lib.js — shared helpers for the browser tests: TAP-ish result lines (the format
// test/run.sh counts), a headless Debian Chromium launched through playwright-core, free ports,
// and waiting for HTTP.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const http = require('http');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHELA_CHROMIUM || '/usr/bin/chromium';

function results(suite) {
	const r = { fails: 0 };
	r.ok = (name) => console.log('ok ' + suite + ': ' + name);
	r.fail = (name, why) => {
		r.fails++;
		console.log('not ok ' + suite + ': ' + name + ': ' + String(why).replace(/\s+/g, ' ').slice(0, 400));
	};
	// check(name, async fn): fn throws or returns false to fail; its message becomes the reason.
	r.check = async (name, fn) => {
		try {
			const v = await fn();
			if (v === false) r.fail(name, 'check returned false');
			else r.ok(name);
			return true;
		} catch (e) {
			r.fail(name, e && e.message ? e.message.split('\n')[0] : e);
			return false;
		}
	};
	return r;
}

// A fresh profile per launch; playwright wants it as the persistent context's directory rather
// than as --user-data-dir, so a launch returns a BrowserContext (close it with closeBrowser).
async function launch(viewport) {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chela-web-profile-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: viewport || { width: 1100, height: 760 },
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	ctx.profileDir = profile;
	return ctx;
}

async function closeBrowser(ctx) {
	if (!ctx) return;
	try { await ctx.close(); } catch (e) { /* already gone */ }
	fs.rmSync(ctx.profileDir, { recursive: true, force: true });
}

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
	});
}

function httpGet(url) {
	return new Promise((resolve) => {
		const req = http.get(url, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (c) => { body += c; });
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
		});
		req.on('error', (e) => resolve({ status: 0, body: '', error: e.message }));
		req.setTimeout(2000, () => req.destroy(new Error('timeout')));
	});
}

async function waitHttp(url, ms) {
	const end = Date.now() + ms;
	let last = null;
	while (Date.now() < end) {
		last = await httpGet(url);
		if (last.status === 200) return last;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(url + ' did not answer 200 within ' + ms + ' ms (last: ' + (last ? last.status + ' ' + (last.error || '') : 'none') + ')');
}

module.exports = { results, launch, closeBrowser, freePort, httpGet, waitHttp };
