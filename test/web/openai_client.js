// test/web/openai_client.js — the stock `openai` npm client against chela's OpenAI-compatible
// endpoint: one plain completion and one streamed, as any app built on the SDK would call it.
// Prints "ok"/"not ok" lines for test/integration/gateway_openai.sh.
//
//   node test/web/openai_client.js BASE_URL TOKEN
'use strict';
const OpenAI = require('openai');

const [baseURL, apiKey] = process.argv.slice(2);
const SUITE = 'gateway_openai';
let fails = 0;

async function check(name, fn) {
	try {
		await fn();
		console.log('ok ' + SUITE + ': ' + name);
	} catch (e) {
		fails++;
		console.log('not ok ' + SUITE + ': ' + name + ': ' + String(e && e.message || e).replace(/\n/g, ' ').slice(0, 300));
	}
}

(async () => {
	const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20000 });
	await check('openai npm: chat.completions.create', async () => {
		const r = await client.chat.completions.create({ model: 'chela', messages: [{ role: 'user', content: 'hello sdk' }], user: 'sdk' });
		const text = r.choices[0].message.content;
		if (text !== 'From the SDK.') throw new Error('content ' + JSON.stringify(text));
		if (r.object !== 'chat.completion' || r.choices[0].finish_reason !== 'stop') throw new Error(JSON.stringify(r));
		if (!(r.usage && r.usage.total_tokens > 0)) throw new Error('usage ' + JSON.stringify(r.usage));
	});
	await check('openai npm: streamed chat.completions.create', async () => {
		const stream = await client.chat.completions.create({
			model: 'chela/main', stream: true, user: 'sdk', messages: [{ role: 'user', content: [{ type: 'text', text: 'stream please' }] }],
		});
		let text = '';
		let chunks = 0;
		let finish = null;
		for await (const c of stream) {
			chunks++;
			if (c.choices.length && c.choices[0].delta && c.choices[0].delta.content) text += c.choices[0].delta.content;
			if (c.choices.length && c.choices[0].finish_reason) finish = c.choices[0].finish_reason;
		}
		if (text !== 'SDK streaming works.') throw new Error('text ' + JSON.stringify(text));
		if (chunks < 3 || finish !== 'stop') throw new Error(chunks + ' chunks, finish ' + finish);
	});
	await check('openai npm: an unknown model is a 400 BadRequestError', async () => {
		try {
			await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
		} catch (e) {
			if (e.status === 400 && /chela/.test(e.message)) return;
			throw e;
		}
		throw new Error('no error');
	});
	process.exit(fails ? 1 : 0);
})();
