import type { StaticPage } from '../pages/static-page';
import { dashboardScript } from './client-script';
import { dashboardCss } from './styles';

const section = (id: string, title: string) =>
  `<h2>${title} <span class="count" id="n-${id}"></span></h2><div id="${id}"><div class="card empty">loading…</div></div>`;

const tile = (id: string, label: string, unit = '') =>
  `<div class="tile"><div class="label">${label}</div><div class="big"><span id="t-${id}">—</span>${unit ? `<small>${unit}</small>` : ''}</div></div>`;

/**
 * `GET /dashboard`: one self-contained page (no framework, no external assets, works on Lambda)
 * that polls `status.json` next to it every 1.5 s. `#key=<api key>` in the URL stores a key for
 * ingests that protect their status. Its script and style are returned too, for the CSP's hashes.
 */
export function dashboardPage(): StaticPage {
  return { html: dashboardHtml(), scripts: [dashboardScript], styles: [dashboardCss] };
}

function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>warren · dashboard</title><meta name="color-scheme" content="light dark">
<style>${dashboardCss}</style></head>
<body><div class="wrap">
<header>
  <div class="logo"><svg viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="8" fill="var(--accent)"/>
    <path d="M8 11l3.2 11L16 13l4.8 9L24 11" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/></svg>warren</div>
  <span class="pill" id="home">region</span>
  <span class="spacer"></span>
  <div class="live"><span class="dot" id="live-dot"></span><span id="live-text">connecting…</span></div>
</header>
<div class="banner" id="banner"><span id="banner-text"></span>
  <form id="keyform"><input id="key" type="password" placeholder="API key" autocomplete="off"><button>Use key</button></form></div>
<div class="tiles">${tile('backlog', 'Backlog', 'jobs')}${tile('in', 'Enqueued', '/s')}${tile('out', 'Finished', '/s')}${tile('failed', 'Failed', 'total')}${tile('workers', 'Workers needed')}</div>
${section('regions', 'Regions')}
${section('queues', 'Queues')}
${section('links', 'Forwarder links')}
${section('failures', 'Recent failures')}
</div><script>${dashboardScript}</script></body></html>`;
}
