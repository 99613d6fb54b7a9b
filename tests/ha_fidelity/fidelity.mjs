// Home Assistant's own JavaScript client (npm home-assistant-js-websocket) against
// `occupancy sim serve`: it must refuse a wrong token, authenticate with the right one,
// subscribe to entities, receive a live state change, and see state_changed events in HA's shape.
import WebSocket from 'ws';
import {
  createConnection, createLongLivedTokenAuth, subscribeEntities, ERR_INVALID_AUTH,
} from 'home-assistant-js-websocket';

globalThis.WebSocket = WebSocket;
const [url, token] = process.argv.slice(2);
const fail = (msg) => { console.error('FAIL:', msg); process.exit(1); };
const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout: ${what}`)), ms));

try {
  await createConnection({ auth: createLongLivedTokenAuth(url, 'not-the-token') });
  fail('a wrong token was accepted');
} catch (err) {
  if (err !== ERR_INVALID_AUTH) fail(`wrong token: expected ERR_INVALID_AUTH, got ${err}`);
  console.log('ok: wrong token refused with ERR_INVALID_AUTH');
}

const conn = await createConnection({ auth: createLongLivedTokenAuth(url, token) });
console.log(`ok: authenticated, HA version ${conn.haVersion}`);

const events = [];
await conn.subscribeEvents((ev) => events.push(ev), 'state_changed');

let first = null;
const changed = await Promise.race([
  new Promise((resolve) => {
    subscribeEntities(conn, (entities) => {
      const snapshot = Object.fromEntries(Object.entries(entities).map(([id, s]) => [id, `${s.state}@${s.last_changed}`]));
      if (first === null) {
        first = snapshot;
        console.log(`ok: subscribe_entities gave ${Object.keys(snapshot).length} entities`);
        return;
      }
      const diff = Object.keys(snapshot).filter((id) => snapshot[id] !== first[id]);
      if (diff.length > 0) resolve({ id: diff[0], entity: entities[diff[0]] });
    });
  }),
  timeout(30000, 'no live state change through subscribe_entities'),
]);
console.log(`ok: live change ${changed.id} -> ${changed.entity.state} at ${changed.entity.last_changed}`);
if (!['on', 'off', 'unavailable'].includes(changed.entity.state)) fail(`unexpected state ${changed.entity.state}`);
if (!changed.entity.attributes || !changed.entity.attributes.friendly_name) fail('attributes missing');

await Promise.race([
  new Promise((resolve) => { const t = setInterval(() => { if (events.length) { clearInterval(t); resolve(); } }, 50); }),
  timeout(30000, 'no state_changed event'),
]);
const ev = events[0];
if (ev.event_type !== 'state_changed') fail(`event_type ${ev.event_type}`);
const { data } = ev;
if (!data.entity_id || !data.new_state || !('old_state' in data)) fail('state_changed data incomplete');
for (const key of ['entity_id', 'state', 'attributes', 'last_changed', 'last_updated', 'context']) {
  if (!(key in data.new_state)) fail(`new_state lacks ${key}`);
}
if (!ev.context || typeof ev.context.id !== 'string') fail('event context missing');
console.log(`ok: state_changed ${data.entity_id} ${data.old_state?.state} -> ${data.new_state.state}`);

const pong = await conn.ping();
console.log('ok: ping/pong');
conn.close();
process.exit(0);
